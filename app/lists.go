package app

import "strings"

// The closed lists of the domain: every value a role, a message's state or
// kind, or a language may take, in the order in which they are offered.
// The windows and the command line offer and check these, and name them
// each in their own way.

// Roles lists the roles, the least powerful first.
func Roles() []Role { return []Role{RoleEmployee, RoleAdmin} }

// MailStates lists the states of an outbox message, in the order in which
// a message goes through them.
func MailStates() []MailState {
	return []MailState{MailQueued, MailSending, MailSent, MailFailed, MailExpired}
}

// ParseMailState reads a message state from its name.
func ParseMailState(s string) (MailState, error) {
	for _, st := range MailStates() {
		if string(st) == strings.ToLower(strings.TrimSpace(s)) {
			return st, nil
		}
	}
	names := make([]string, 0, len(MailStates()))
	for _, st := range MailStates() {
		names = append(names, string(st))
	}
	return "", Errorf(EInvalid, "Unknown message state \"{{.State}}\": use one of {{.States}}.", "State", s, "States", strings.Join(names, ", "))
}

// MailKinds lists what an outbox message may be about.
func MailKinds() []string {
	return []string{MailRecoveryCode, MailTemporaryPassword, MailPasswordChanged, MailTest}
}

// Language is a language that Sésame speaks, in its windows and its e-mails.
type Language struct {
	Code string // ISO 639-1
	Name string // in the language itself, as a list of languages shows it
}

// Languages lists the languages that Sésame speaks.
func Languages() []Language {
	return []Language{{Code: "en", Name: "English"}, {Code: "fr", Name: "Français"}}
}

// ParseLanguage reads a language from its code.
func ParseLanguage(code string) (Language, error) {
	for _, l := range Languages() {
		if l.Code == strings.ToLower(strings.TrimSpace(code)) {
			return l, nil
		}
	}
	return Language{}, Errorf(EInvalid, "Unknown language \"{{.Code}}\": use en or fr.", "Code", code)
}

// languageCodes are the codes of Languages, for the setting that chooses one.
func languageCodes() []string {
	var codes []string
	for _, l := range Languages() {
		codes = append(codes, l.Code)
	}
	return codes
}

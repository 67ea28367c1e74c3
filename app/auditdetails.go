package app

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The details of audit events are written in English, for the command
// line, the CSV export and whoever reads the database; every kind of them
// comes from one of the templates below, so that a window can read them
// back and say them in its language (a template is the key of its
// translation, as for every Message).
const (
	detailCompany            = "company: {{.Company}}"
	detailRole               = "role: {{.Role}}"
	detailNoMailbox          = "no mailbox"
	detailGenerated          = "temporary password generated, expires {{.Expires}}"
	detailTyped              = "temporary password typed by the administrator, expires {{.Expires}}"
	detailSentTo             = "sent to {{.Email}}"
	detailLooksLike          = "looks like {{.Logins}} (confirmed)"
	detailFromTo             = "{{.Before}} → {{.After}}"
	detailHasMailbox         = "has a mailbox"
	detailFictitious         = "no mailbox (fictitious address)"
	detailUnlocked           = "after {{.N}} failed sign-ins"
	detailUnlockedLock       = "after {{.N}} failed sign-ins, was locked until {{.Until}}"
	detailWas                = "was {{.Email}}"
	detailAddress            = "{{.Email}}"
	detailMustChange         = "temporary password: must change it"
	detailRefusedLocked      = "refused: locked until {{.Until}}"
	detailInvalid            = "invalid credentials"
	detailExpired            = "temporary password expired"
	detailDisabled           = "account disabled"
	detailLocked             = "after {{.N}} failures, until {{.Until}}"
	detailRefusedWhileLocked = "{{.N}} attempts refused while locked until {{.Until}}"
	detailTally              = "{{.N}} more of the same kind until {{.Until}}, counted rather than recorded one by one"
	detailByUser             = "by the user"
	detailReplacingTemp      = "by the user, replacing a temporary password"
	detailWithCode           = "by the user, with a recovery code sent to {{.Email}}"
	detailTestTo             = "to {{.Email}}"
	detailNoSuchAccount      = "no code sent: no such account"
	detailTooSoon            = "no code sent: the previous one is less than a minute old"
	detailTooMany            = "no code sent: {{.N}} codes sent in the last 24 hours (recovery.codes_per_day)"
	detailMailboxTooSoon     = "no code sent: {{.Email}} received one less than a minute ago"
	detailMailboxTooMany     = "no code sent: {{.N}} codes sent to {{.Email}} since {{.Since}} (recovery.codes_per_day)"
	detailNoAddress          = "no code sent: no address may receive it"
	detailMailOff            = "no code sent: e-mail is not set up"
	detailCodeSent           = "code sent to {{.Email}}, valid until {{.Until}}"
	detailRefusedNoAccount   = "no such account"
	detailNoCode             = "no code pending"
	detailCodeEnded          = "code expired or used up"
	detailWrongCodeEnded     = "wrong code, try {{.N}} of {{.Max}}: the code is ended"
	detailWrongCode          = "wrong code, try {{.N}} of {{.Max}}"
	detailCodeReplaced       = "the code was replaced or ended meanwhile"
	detailSetting            = "{{.Key}}: {{.Before}} → {{.After}}"
	detailSecretSetting      = "{{.Key}}: changed"
	detailLoginCollision     = "{{.Email}} (user #{{.ID}}) is the same login as {{.Other}} (user #{{.OtherID}}) under the rules of this " +
		"version: not merged; #{{.ID}} keeps its login, is disabled and can no longer be found by it"
	detailLoginAtFault = "{{.Email}} (user #{{.ID}}) does not follow the rules for logins of this version: kept, so that its owner " +
		"can still sign in, and marked in the list of users; give the person a new account with a valid login if it is not right"
	detailBulkReset       = "bulk {{.ID}} reset: {{.N}} selected"
	detailBulkSend        = "bulk {{.ID}} send: {{.N}} selected"
	detailBulkUnlock      = "bulk {{.ID}} unlock: {{.N}} selected"
	detailBulkDisable     = "bulk {{.ID}} disable: {{.N}} selected"
	detailBulkEnable      = "bulk {{.ID}} enable: {{.N}} selected"
	detailBulkRole        = "bulk {{.ID}} role {{.Role}}: {{.N}} selected"
	detailBulkOutcome     = "{{.Done}} done, {{.Unchanged}} unchanged, {{.Refused}} refused"
	detailBulkNotFound    = "{{.Done}} done, {{.Unchanged}} unchanged, {{.Refused}} refused, {{.NotFound}} logins not found"
	detailImport          = "import {{.ID}} of {{.File}}: {{.N}} rows"
	detailImportOutcome   = "{{.Created}} created, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Errors}} with errors"
	detailImportRefused   = "{{.Created}} created, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Errors}} with errors, {{.Refused}} refused"
	detailImportNothing   = "import {{.ID}} of {{.File}}: nothing to do"
	detailImportUnchanged = "{{.Unchanged}} rows unchanged, {{.Errors}} with errors"
	detailBulkNote        = "bulk {{.ID}}"
	detailImportNote      = "import {{.ID}}"
	detailCancelled       = "cancelled"
	detailStopped         = "stopped by an error"
	// detailText holds what no template matches (an event written by an
	// older version): shown as it is.
	detailText = "{{.Details}}"
)

// detailTemplates are the templates of each action's details, tried in
// order, then those of anyDetails; the parts of details joined by "; "
// are matched each alone.
var detailTemplates = map[string][]string{
	ActionSetup:             {detailCompany},
	ActionUserCreate:        {detailRole, detailGenerated, detailTyped, detailNoMailbox, detailSentTo, detailLooksLike},
	ActionUserRename:        {detailFromTo},
	ActionUserRole:          {detailFromTo},
	ActionUserMailbox:       {detailHasMailbox, detailFictitious},
	ActionUserUnlock:        {detailUnlockedLock, detailUnlocked},
	ActionRecoverySet:       {detailLooksLike, detailAddress},
	ActionRecoveryClear:     {detailWas},
	ActionTemporaryGenerate: {detailGenerated, detailSentTo},
	ActionTemporaryCustom:   {detailTyped, detailSentTo},
	ActionPasswordChange:    {detailWithCode, detailReplacingTemp, detailByUser},
	ActionSignIn:            {detailMustChange},
	ActionSignInFailure:     {detailRefusedLocked, detailInvalid, detailExpired, detailDisabled, detailTally},
	ActionSignInLocked:      {detailLocked, detailTally},
	ActionSignInRefused:     {detailRefusedWhileLocked, detailTally},
	ActionSettingChange:     {detailSecretSetting, detailSetting},
	ActionRecoveryRequest: {detailNoSuchAccount, detailTooSoon, detailTooMany, detailMailboxTooSoon, detailMailboxTooMany,
		detailNoAddress, detailMailOff, detailCodeSent, detailTally},
	ActionRecoveryFailure: {detailRefusedNoAccount, detailNoCode, detailCodeEnded, detailWrongCodeEnded, detailWrongCode,
		detailCodeReplaced, detailTally},
	ActionMailTest:       {detailTestTo},
	ActionLoginCollision: {detailLoginCollision},
	ActionLoginAtFault:   {detailLoginAtFault},
	ActionBulk: {detailBulkReset, detailBulkSend, detailBulkUnlock, detailBulkDisable, detailBulkEnable, detailBulkRole,
		detailBulkNotFound, detailBulkOutcome, detailCancelled, detailStopped},
	ActionImport: {detailImportNothing, detailImport, detailImportRefused, detailImportOutcome, detailImportUnchanged,
		detailCancelled, detailStopped},
}

// anyDetails are the parts that any change to a user may end with: the
// batch or the import that made it.
var anyDetails = []string{detailBulkNote, detailImportNote}

// LoginCollisionNote is the note, and the details of ActionLoginCollision,
// on two logins of an older database that are one under the rules of
// CheckEmail (user IDs as int64).
func LoginCollisionNote(email string, id int64, other string, otherID int64) Message {
	return Msg(detailLoginCollision, "Email", email, "ID", id, "Other", other, "OtherID", otherID)
}

// LoginAtFaultNote is the note, and the details of ActionLoginAtFault, on a
// login of an older database that does not follow the rules of CheckEmail.
func LoginAtFaultNote(email string, id int64) Message {
	return Msg(detailLoginAtFault, "Email", email, "ID", id)
}

// detail writes the details of an audit event from one of the templates
// above; a time is written in RFC 3339, UTC.
func detail(text string, kv ...any) string {
	return Msg(text, kv...).WithData(func(v any) any {
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(time.RFC3339)
		}
		return v
	}).String()
}

// joinDetails joins the parts of an event's details.
func joinDetails(parts ...string) string { return strings.Join(parts, "; ") }

var (
	detailPatterns   = map[string]*regexp.Regexp{}
	detailPatternsMu sync.Mutex
	placeholderRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`{{\.(\w+)}}`) })
)

// detailPattern is the regular expression that reads back what a
// template wrote.
func detailPattern(text string) *regexp.Regexp {
	detailPatternsMu.Lock()
	defer detailPatternsMu.Unlock()
	if re, ok := detailPatterns[text]; ok {
		return re
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range placeholderRE().FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(regexp.QuoteMeta(text[last:m[0]]))
		b.WriteString("(?P<" + text[m[2]:m[3]] + ">.*?)")
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(text[last:]) + "$")
	re := regexp.MustCompile(b.String())
	detailPatterns[text] = re
	return re
}

// NoteMessage is the name of a batch or an import in the audit log
// (BulkResult.ID, ImportResult.ID, "bulk 3fa2c1"), read back as a message
// that a window or command says in its language.
func NoteMessage(id string) Message {
	if m, ok := readDetail("", id); ok {
		return m
	}
	return Msg(detailText, "Details", id)
}

// DetailMessages reads the event's details back as messages, one for each
// part: a window says them in its language. A time is given back as a
// time.Time, a setting as a SettingName, a role as a Role; what no
// template matches is given as it is written.
func (e AuditEvent) DetailMessages() []Message {
	if e.Details == "" {
		return nil
	}
	// Parts first: a template that ends with a value would otherwise take
	// the parts after its own as its value.
	if parts := strings.Split(e.Details, "; "); len(parts) > 1 {
		var out []Message
		for _, part := range parts {
			m, ok := readDetail(e.Action, part)
			if !ok {
				out = nil
				break
			}
			out = append(out, m)
		}
		if out != nil {
			return out
		}
	}
	if m, ok := readDetail(e.Action, e.Details); ok {
		return []Message{m}
	}
	// Parts that no template reads (an older version's) are said as they
	// are written, the others still in the reader's language.
	var out []Message
	for _, part := range strings.Split(e.Details, "; ") {
		m, ok := readDetail(e.Action, part)
		if !ok {
			m = Msg(detailText, "Details", part)
		}
		out = append(out, m)
	}
	return out
}

// AuditDetailForms are the templates of every audit detail, each a key of
// the translation files.
func AuditDetailForms() []string {
	var forms []string
	for _, ts := range detailTemplates {
		forms = append(forms, ts...)
	}
	forms = append(forms, anyDetails...)
	slices.Sort(forms)
	return append(slices.Compact(forms), detailText)
}

// readDetail matches one part of details against the action's templates.
func readDetail(action, text string) (Message, bool) {
	for _, t := range slices.Concat(detailTemplates[action], anyDetails) {
		re := detailPattern(t)
		sub := re.FindStringSubmatch(text)
		if sub == nil {
			continue
		}
		m := Message{Text: t}
		for i, name := range re.SubexpNames() {
			if name == "" {
				continue
			}
			if m.Data == nil {
				m.Data = map[string]any{}
			}
			m.Data[name] = detailValue(action, name, sub[i])
		}
		return m, true
	}
	return Message{}, false
}

// detailValue gives a value read back its type: a time, a count (for the
// plural forms of a translation), a setting, a role.
func detailValue(action, name, v string) any {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	if n, err := strconv.Atoi(v); err == nil && name == "N" {
		return n
	}
	switch {
	case name == "Key":
		if d, err := LookupSetting(v); err == nil {
			return d.Name()
		}
	case name == "Role" || action == ActionUserRole:
		if r, err := ParseRole(v); err == nil {
			return r
		}
	}
	return v
}

package app

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// auditDetails are the forms of the audit's details. Details are stored in
// English, so that an export reads without Sésame; each form is also a
// template, the key of its translation, so that the windows and the
// command line show them in the reader's language (AuditDetails). Details
// of several parts join them with "; ". A form whose data holds a time
// (Until, Expires, Since) stores it in RFC 3339, UTC; a count (N) comes
// back as a number, for the plural forms of its translations.
var auditDetails = []string{
	"role: {{.Role}}",
	"temporary password generated, expires {{.Expires}}",
	"temporary password typed by the administrator, expires {{.Expires}}",
	"no mailbox",
	"has a mailbox",
	"no mailbox (fictitious address)",
	"sent to {{.Email}}",
	"looks like {{.Logins}} (confirmed)",
	"temporary password: must change it",
	"refused: locked until {{.Until}}",
	"after {{.N}} failures, until {{.Until}}",
	"{{.N}} attempts refused while locked until {{.Until}}",
	"{{.N}} more of the same kind until {{.Until}}, counted rather than recorded one by one",
	"after {{.N}} failed sign-ins, was locked until {{.Until}}",
	"after {{.N}} failed sign-ins",
	"invalid credentials",
	"signed in",
	"must change password",
	"temporary password expired",
	"locked",
	"account disabled",
	"to {{.Email}}",
	"no code sent: no such account",
	"no code sent: the previous one is less than a minute old",
	"no code sent: no address may receive it",
	"no code sent: e-mail is not set up",
	"no code sent: {{.N}} codes sent in the last 24 hours (recovery.codes_per_day)",
	"no code sent: {{.Email}} received one less than a minute ago",
	"no code sent: {{.N}} codes sent to {{.Email}} since {{.Since}} (recovery.codes_per_day)",
	"code sent to {{.Email}}, valid until {{.Until}}",
	"no such account",
	"no code pending",
	"code expired or used up",
	"wrong code, try {{.N}} of {{.Max}}: the code is ended",
	"wrong code, try {{.N}} of {{.Max}}",
	"the code was replaced or ended meanwhile",
	"company: {{.Company}}",
	"by the user",
	"by the user, replacing a temporary password",
	"by the user, with a recovery code sent to {{.Email}}",
	"was {{.Email}}",
	"{{.Key}}: changed",
	"{{.Key}}: {{.Before}} → {{.After}}",
	"{{.Before}} → {{.After}}",
	LoginCollisionDetails,
	LoginAtFaultDetails,
}

// LoginCollisionDetails are the details of ActionLoginCollision: two logins
// of an older database that are one under the rules of CheckEmail.
const LoginCollisionDetails = "{{.Email}} (user #{{.ID}}) is the same login as {{.Other}} (user #{{.OtherID}}) under the rules of this version: " +
	"not merged; #{{.ID}} keeps its login, is disabled and can no longer be found by it"

// LoginAtFaultDetails are the details of ActionLoginAtFault: a login of an
// older database that does not follow the rules of CheckEmail.
const LoginAtFaultDetails = "{{.Email}} (user #{{.ID}}) does not follow the rules for logins of this version: kept, so that its owner " +
	"can still sign in, and marked in the list of users; give the person a new account with a valid login if it is not right"

// AuditDetailForms are the forms of the audit's details, for the
// translation files' tests.
func AuditDetailForms() []string { return auditDetails }

type detailForm struct {
	text string
	re   *regexp.Regexp
	keys []string
}

var placeholder = regexp.MustCompile(`\{\{\.(\w+)\}\}`)

// detailForms are the forms compiled to patterns, once.
var detailForms = sync.OnceValue(func() []detailForm {
	forms := make([]detailForm, len(auditDetails))
	for i, text := range auditDetails {
		var pattern strings.Builder
		pattern.WriteString("^")
		var keys []string
		last := 0
		for _, at := range placeholder.FindAllStringSubmatchIndex(text, -1) {
			pattern.WriteString(regexp.QuoteMeta(text[last:at[0]]))
			pattern.WriteString("(.*?)")
			keys = append(keys, text[at[2]:at[3]])
			last = at[1]
		}
		pattern.WriteString(regexp.QuoteMeta(text[last:]) + "$")
		forms[i] = detailForm{text: text, re: regexp.MustCompile(pattern.String()), keys: keys}
	}
	return forms
})

// AuditDetails turns stored details back into messages, one a part, to be
// translated and joined with "; ". A part of no known form is a message
// that says it as it is. Times come back as time.Time.
func AuditDetails(details string) []Message {
	if details == "" {
		return nil
	}
	var out []Message
	for _, part := range strings.Split(details, "; ") {
		out = append(out, auditDetail(part))
	}
	return out
}

func auditDetail(part string) Message {
	for _, f := range detailForms() {
		g := f.re.FindStringSubmatch(part)
		if g == nil {
			continue
		}
		m := Message{Text: f.text, Data: make(map[string]any, len(f.keys))}
		for i, k := range f.keys {
			var v any = g[i+1]
			if n, err := strconv.Atoi(g[i+1]); err == nil && k == "N" {
				v = n
			}
			if k == "Until" || k == "Expires" || k == "Since" {
				if t, err := time.Parse(time.RFC3339, g[i+1]); err == nil {
					v = t
				}
			}
			m.Data[k] = v
		}
		return m
	}
	return Msg("{{.Details}}", "Details", part)
}

// AuditActionName names an audit action for a person, in English (the key
// of its translation); an unknown action is named as it is.
func AuditActionName(action string) Message {
	switch action {
	case ActionSetup:
		return Msg("Company set up")
	case ActionUserCreate:
		return Msg("User created")
	case ActionUserRename:
		return Msg("User renamed")
	case ActionUserRole:
		return Msg("Role changed")
	case ActionUserMailbox:
		return Msg("Mailbox changed")
	case ActionUserDisable:
		return Msg("Account disabled")
	case ActionUserEnable:
		return Msg("Account enabled")
	case ActionUserUnlock:
		return Msg("Account unlocked")
	case ActionRecoverySet:
		return Msg("Recovery e-mail set")
	case ActionRecoveryClear:
		return Msg("Recovery e-mail removed")
	case ActionTemporaryGenerate:
		return Msg("Temporary password generated")
	case ActionTemporaryCustom:
		return Msg("Temporary password typed")
	case ActionPasswordChange:
		return Msg("Password changed")
	case ActionSignIn:
		return Msg("Signed in")
	case ActionSignInFailure:
		return Msg("Sign-in failed")
	case ActionSignInLocked:
		return Msg("Sign-in locked")
	case ActionSignInRefused:
		return Msg("Sign-ins refused while locked")
	case ActionSettingChange:
		return Msg("Setting changed")
	case ActionRecoveryRequest:
		return Msg("Recovery code asked for")
	case ActionRecoveryFailure:
		return Msg("Recovery code refused")
	case ActionMailTest:
		return Msg("Test message queued")
	case ActionLoginCollision:
		return Msg("Logins that became one")
	case ActionLoginAtFault:
		return Msg("Login at fault kept")
	}
	return Message{Text: action}
}

package app

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// auditDetails are the forms of the audit's details. Details are stored in
// English, so that an export reads without Sésame; each form is also a
// template, the key of its translation, so that the windows and the
// command line show them in the reader's language (AuditDetails). Details
// of several parts join them with "; ". A form whose data holds a time
// (Until, Expires) stores it in RFC 3339, UTC.
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
}

// AuditDetailForms are the forms of the audit's details, for the
// translation files' tests.
func AuditDetailForms() []string { return auditDetails }

type detailForm struct {
	text string
	re   *regexp.Regexp
	keys []string
}

var placeholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{\.(\w+)\}\}`) })

// detailForms are the forms compiled to patterns, once.
var detailForms = sync.OnceValue(func() []detailForm {
	forms := make([]detailForm, len(auditDetails))
	for i, text := range auditDetails {
		var pattern strings.Builder
		pattern.WriteString("^")
		var keys []string
		last := 0
		for _, at := range placeholder().FindAllStringSubmatchIndex(text, -1) {
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
			if k == "Until" || k == "Expires" {
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

package app

import (
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
)

// The e-mails Sésame sends, in English and French, as plain text and
// HTML. They hold no link and no tracking: the desktop application serves
// no page, and a link in a password e-mail teaches people to click them.

type mailText struct{ subject, body string }

// mailTexts maps kind → language → template. The body is plain text; the
// HTML version is the same text, escaped, one paragraph a blank line.
var mailTexts = map[string]map[string]mailText{
	MailRecoveryCode: {
		"en": {"Your {{.Company}} recovery code", `Hello {{.Name}},

Someone, probably you, asked to choose a new password for the account {{.Login}} at {{.Company}}.

Your recovery code: {{.Code}}

Type it in the Sésame window. It can be used once, until {{.Until}}.

If you did not ask for it, ignore this message: your password has not changed.`},
		"fr": {"Votre code de récupération {{.Company}}", `Bonjour {{.Name}},

Quelqu'un, sans doute vous, a demandé à choisir un nouveau mot de passe pour le compte {{.Login}} chez {{.Company}}.

Votre code de récupération : {{.Code}}

Saisissez-le dans la fenêtre de Sésame. Il ne sert qu'une fois, jusqu'au {{.Until}}.

Si vous n'avez rien demandé, ignorez ce message : votre mot de passe n'a pas changé.`},
	},
	MailTemporaryPassword: {
		"en": {"Your temporary {{.Company}} password", `Hello {{.Name}},

Your administrator gave you a temporary password for the account {{.Login}} at {{.Company}}:

{{.Password}}

It is valid until {{.Until}}. When you sign in with it, you will choose a password of your own.`},
		"fr": {"Votre mot de passe temporaire {{.Company}}", `Bonjour {{.Name}},

Votre administrateur vous a donné un mot de passe temporaire pour le compte {{.Login}} chez {{.Company}} :

{{.Password}}

Il est valable jusqu'au {{.Until}}. En vous connectant avec lui, vous choisirez un mot de passe personnel.`},
	},
	MailPasswordChanged: {
		"en": {"The password of your {{.Company}} account was changed", `Hello {{.Name}},

The password of the account {{.Login}} at {{.Company}} was changed on {{.When}}{{if .ByAdmin}} by an administrator, who gave you a temporary password{{end}}.

If this was not you{{if .ByAdmin}} and you did not ask for it{{end}}, tell your administrator at once.`},
		"fr": {"Le mot de passe de votre compte {{.Company}} a changé", `Bonjour {{.Name}},

Le mot de passe du compte {{.Login}} chez {{.Company}} a été changé le {{.When}}{{if .ByAdmin}} par un administrateur, qui vous a donné un mot de passe temporaire{{end}}.

Si ce n'était pas vous{{if .ByAdmin}} et que vous ne l'avez pas demandé{{end}}, prévenez tout de suite votre administrateur.`},
	},
	MailTest: {
		"en": {"Sésame test message", `This is a test message from Sésame at {{.Company}}, sent on {{.When}}.

E-mail works.`},
		"fr": {"Message de test de Sésame", `Ceci est un message de test de Sésame chez {{.Company}}, envoyé le {{.When}}.

L'envoi des e-mails fonctionne.`},
	},
}

// mailDate writes a time the way each language reads it, in the
// workstation's time zone.
func mailDate(t time.Time, language string) string {
	t = t.Local()
	if language == "fr" {
		return t.Format("02/01/2006 à 15:04")
	}
	return t.Format("2 January 2006 at 15:04 MST")
}

// compose renders a message of a kind in the company's language.
func compose(st Settings, kind, to, userEmail string, data map[string]any) OutboxMessage {
	lang := st.Language
	if _, ok := mailTexts[kind][lang]; !ok {
		lang = "en"
	}
	t := mailTexts[kind][lang]
	company := st.CompanyName
	if company == "" {
		company = "Sésame"
	}
	data["Company"] = company
	subject := renderText(t.subject, data)
	body := renderText(t.body, data)
	return OutboxMessage{Kind: kind, To: to, UserEmail: userEmail, Subject: subject, Text: body, HTML: textToHTML(subject, body)}
}

func renderText(tmpl string, data map[string]any) string {
	var b strings.Builder
	texttemplate.Must(texttemplate.New("").Parse(tmpl)).Execute(&b, data)
	return b.String()
}

var htmlPage = htmltemplate.Must(htmltemplate.New("").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}</body></html>`))

// textToHTML makes the HTML part from the plain text: the same words,
// escaped, so that the two parts never say different things.
func textToHTML(subject, body string) string {
	var b strings.Builder
	htmlPage.Execute(&b, map[string]any{"Subject": subject, "Paragraphs": strings.Split(body, "\n\n")})
	return b.String()
}

func composeTest(st Settings, to string, now time.Time) OutboxMessage {
	return compose(st, MailTest, to, "", map[string]any{"When": mailDate(now, st.Language)})
}

// recipients are the addresses of a user that may receive mail: the login
// when it has a mailbox, and the recovery address; never a fictitious login.
func recipients(u User) []string {
	var out []string
	if u.HasMailbox {
		out = append(out, u.Email)
	}
	if u.RecoveryEmail != "" && EmailKey(u.RecoveryEmail) != EmailKey(u.Email) {
		out = append(out, u.RecoveryEmail)
	}
	return out
}

// notifyPasswordChanged tells the user, at every address they have, that
// their password changed (OWASP ASVS 2.5.5). The message holds no secret.
// Nothing is queued when e-mail is not set up.
func notifyPasswordChanged(tx Tx, st Settings, u User, byAdmin bool, now time.Time, except string) error {
	if !st.SMTP.Configured() {
		return nil
	}
	for _, to := range recipients(u) {
		if except != "" && EmailKey(to) == EmailKey(except) {
			continue
		}
		msg := compose(st, MailPasswordChanged, to, u.Email, map[string]any{
			"Name": u.Name, "Login": u.Email, "When": mailDate(now, st.Language), "ByAdmin": byAdmin,
		})
		if err := enqueue(tx, msg, now); err != nil {
			return err
		}
	}
	return nil
}

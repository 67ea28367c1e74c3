package cli

import (
	"fmt"
	"slices"
	"strings"

	"sesame/app"
)

// auditActions are the actions that --action accepts, so that a mistyped
// one is refused rather than silently matching nothing.
var auditActions = app.AuditActions()

// auditPage is how many events `audit` asks the store for at a time.
const auditPage = 500

func runAudit(c *call) error {
	fs := c.flags()
	user := fs.String("user", "", "only events whose actor or subject e-mail contains `TEXT`")
	action := fs.String("action", "", "only events of this `ACTION`: "+strings.Join(auditActions, ", "))
	limit := fs.Int("limit", 100, "at most `N` events")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if _, err := c.parse(fs); err != nil {
		return err
	}
	if *limit < 1 {
		return usagef("--limit must be 1 or more.")
	}
	if *action != "" && !slices.Contains(auditActions, *action) {
		return usagef("Unknown action \"{{.Action}}\"; the actions are: {{.Actions}}.", "Action", *action, "Actions", fixed(strings.Join(auditActions, ", ")))
	}
	var events []app.AuditEvent
	err := c.svc().EachAuditPage(c.ctx, app.AuditQuery{Subject: *user, Action: *action}, auditPage, *limit, func(page []app.AuditEvent) error {
		events = append(events, page...)
		return nil
	})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]auditJSON, len(events))
		for i, e := range events {
			out[i] = auditJSON{ID: e.ID, At: jsonTime(e.At), Actor: e.Actor, Subject: nullable(e.Subject), Action: e.Action, Details: e.Details}
		}
		return writeJSON(c.env.Stdout, out)
	}
	tw := c.table()
	c.header(tw, "TIME", "ACTOR", "ACTION", "SUBJECT", "DETAILS")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format(secondsLayout), login(oneLine(e.Actor)), c.action(e.Action),
			login(oneLine(dash(e.Subject))), oneLine(c.details(e)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(events) == 0 {
		c.note("No event matches.")
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// action names an audit action in the command line's language, followed
// by the name that --action takes.
func (c *call) action(action string) string {
	name := c.actionName(action)
	if name == action {
		return action
	}
	return name + " (" + action + ")"
}

// details are an audit event's details in the command line's language,
// roles named as the command line names them.
func (c *call) details(e app.AuditEvent) string {
	parts := e.DetailMessages()
	out := make([]string, len(parts))
	for i, m := range parts {
		m = m.WithData(func(v any) any {
			if r, ok := v.(app.Role); ok {
				return c.role(r)
			}
			return v
		})
		out[i] = c.t.Message(humanMessage(c.t, m))
	}
	return strings.Join(out, "; ")
}

// actionName names an audit action in the command line's language.
func (c *call) actionName(action string) string {
	switch action {
	case app.ActionSetup:
		return c.t.L("Company set up")
	case app.ActionUserCreate:
		return c.t.L("User created")
	case app.ActionUserRename:
		return c.t.L("User renamed")
	case app.ActionUserRole:
		return c.t.L("Role changed")
	case app.ActionUserMailbox:
		return c.t.L("Mailbox changed")
	case app.ActionUserDisable:
		return c.t.L("Account disabled")
	case app.ActionUserEnable:
		return c.t.L("Account enabled")
	case app.ActionUserUnlock:
		return c.t.L("Account unlocked")
	case app.ActionRecoverySet:
		return c.t.L("Recovery e-mail set")
	case app.ActionRecoveryClear:
		return c.t.L("Recovery e-mail removed")
	case app.ActionTemporaryGenerate:
		return c.t.L("Temporary password generated")
	case app.ActionTemporaryCustom:
		return c.t.L("Temporary password typed")
	case app.ActionPasswordChange:
		return c.t.L("Password changed")
	case app.ActionSignIn:
		return c.t.L("Signed in")
	case app.ActionSignInFailure:
		return c.t.L("Sign-in failed")
	case app.ActionSignInLocked:
		return c.t.L("Sign-in locked")
	case app.ActionSignInRefused:
		return c.t.L("Sign-ins refused while locked")
	case app.ActionSettingChange:
		return c.t.L("Setting changed")
	case app.ActionRecoveryRequest:
		return c.t.L("Recovery code asked for")
	case app.ActionRecoveryFailure:
		return c.t.L("Recovery code refused")
	case app.ActionMailTest:
		return c.t.L("Test message queued")
	case app.ActionLoginCollision:
		return c.t.L("Logins that became one")
	case app.ActionLoginAtFault:
		return c.t.L("Login at fault kept")
	case app.ActionImport:
		return c.t.L("Users imported")
	case app.ActionBulk:
		return c.t.L("Action on several users")
	}
	return action
}

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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format(secondsLayout), oneLine(e.Actor), e.Action,
			oneLine(dash(e.Subject)), oneLine(c.details(e)))
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

// details are an audit event's details in the command line's language.
func (c *call) details(e app.AuditEvent) string {
	parts := e.DetailMessages()
	out := make([]string, len(parts))
	for i, m := range parts {
		out[i] = c.t.Message(humanMessage(c.t, m))
	}
	return strings.Join(out, "; ")
}

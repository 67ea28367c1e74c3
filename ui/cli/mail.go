package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"sesame/app"
)

// deliverTemporary tries to send the temporary password that an action
// just queued, and says whether it left; a message that could not leave
// stays in the outbox and is retried.
func (c *call) deliverTemporary(to string) error {
	r, err := c.flush()
	if err != nil {
		return err
	}
	if r.Failed > 0 || r.NotConfigured {
		c.note("The temporary password to {{.Email}} is queued but not sent yet; see `sesame mail status`.", "Email", to)
		return nil
	}
	c.note("The temporary password was sent to {{.Email}}.", "Email", to)
	return nil
}

// flush delivers what is due now.
func (c *call) flush() (app.MailReport, error) {
	if c.env.Mailer == nil {
		return app.MailReport{NotConfigured: true}, nil
	}
	return c.svc().DeliverMail(c.ctx, c.env.Mailer)
}

func runMailFlush(c *call) error {
	if _, err := c.parse(c.flags()); err != nil {
		return err
	}
	if err := c.svc().RetryMailNow(c.ctx); err != nil {
		return err
	}
	r, err := c.flush()
	if err != nil {
		return err
	}
	if r.NotConfigured {
		return app.Errorf(app.EInvalid, "E-mail is not set up: set smtp.host and smtp.from first (sesame settings).")
	}
	c.say("sent {{.Sent}}, failed {{.Failed}}, expired {{.Expired}}", "Sent", r.Sent, "Failed", r.Failed, "Expired", r.Expired)
	if r.Failed > 0 {
		return app.Errorf(app.EInternal, "Some messages could not be sent; they stay queued and will be retried. See `sesame mail status`.")
	}
	return nil
}

func runMailTest(c *call) error {
	pos, err := c.parse(c.flags(), "ADDR")
	if err != nil {
		return err
	}
	if err := c.svc().SendTestMail(c.ctx, c.env.Actor, pos[0]); err != nil {
		return err
	}
	r, err := c.flush()
	if err != nil {
		return err
	}
	if r.Failed > 0 {
		list, _, err := c.svc().Outbox(c.ctx, app.MailQuery{State: app.MailFailed, Limit: 1})
		if err == nil && len(list) > 0 {
			return app.Errorf(app.EInternal, "The test message could not be sent: {{.Answer}}", "Answer", list[0].LastError)
		}
		return app.Errorf(app.EInternal, "The test message could not be sent; see `sesame mail status`.")
	}
	c.say("sent to {{.Email}}", "Email", pos[0])
	return nil
}

type mailJSON struct {
	ID        int64   `json:"id"`
	Kind      string  `json:"kind"`
	To        string  `json:"to"`
	User      string  `json:"user"`
	Subject   string  `json:"subject"`
	State     string  `json:"state"`
	Attempts  int     `json:"attempts"`
	LastError string  `json:"last_error"`
	CreatedAt *string `json:"created_at"`
	SentAt    *string `json:"sent_at"`
	NextTry   *string `json:"next_attempt_at"`
}

func runMailStatus(c *call) error {
	fs := c.flags()
	state := fs.String("state", "", "only messages in `STATE`: queued, sending, sent, failed, expired")
	limit := fs.Int("limit", 20, "at most `N` messages")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs); err != nil {
		return err
	}
	if *limit < 1 {
		return usagef("--limit must be 1 or more.")
	}
	states := []string{"queued", "sending", "sent", "failed", "expired"}
	if *state != "" && !slices.Contains(states, *state) {
		return usagef("Unknown state \"{{.State}}\"; the states are: {{.States}}.", "State", *state, "States", fixed(strings.Join(states, ", ")))
	}
	list, counts, err := c.svc().Outbox(c.ctx, app.MailQuery{State: app.MailState(*state), Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			Counts   map[string]int `json:"counts"`
			Messages []mailJSON     `json:"messages"`
		}{Counts: map[string]int{}, Messages: []mailJSON{}}
		for _, s := range states {
			out.Counts[s] = counts[app.MailState(s)]
		}
		for _, m := range list {
			j := mailJSON{ID: m.ID, Kind: m.Kind, To: m.To, User: m.UserEmail, Subject: m.Subject, State: string(m.State),
				Attempts: m.Attempts, LastError: m.LastError, CreatedAt: jsonTime(m.CreatedAt), SentAt: jsonTime(m.SentAt)}
			if m.State == app.MailQueued || m.State == app.MailFailed {
				j.NextTry = jsonTime(m.NextAttemptAt)
			}
			out.Messages = append(out.Messages, j)
		}
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	c.say("queued {{.Queued}}, sending {{.Sending}}, sent {{.Sent}}, failed {{.Failed}}, expired {{.Expired}}",
		"Queued", counts[app.MailQueued], "Sending", counts[app.MailSending], "Sent", counts[app.MailSent],
		"Failed", counts[app.MailFailed], "Expired", counts[app.MailExpired])
	if len(list) == 0 {
		return nil
	}
	tw := c.table()
	c.header(tw, "#", "STATE", "KIND", "TO", "ATTEMPTS", "CREATED", "ANSWER")
	for _, m := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, c.mailState(m.State), c.mailKind(m.Kind), login(oneLine(m.To)), m.Attempts,
			c.when(m.CreatedAt), oneLine(m.LastError))
	}
	return tw.Flush()
}

func runRecoverRequest(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	if err := c.svc().RequestRecovery(c.ctx, pos[0]); err != nil {
		return err
	}
	if _, err := c.flush(); err != nil {
		return err
	}
	c.note("If an account with a recovery address exists for {{.Email}}, a code was sent to that address.", "Email", pos[0])
	return nil
}

func runRecoverComplete(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	lines, err := c.readSecrets(c.t.L("the recovery code"), c.t.L("the new password"))
	if err != nil {
		return err
	}
	u, err := c.svc().CompleteRecovery(c.ctx, pos[0], lines[0], lines[1])
	if err != nil {
		return err
	}
	if _, err := c.flush(); err != nil {
		return err
	}
	c.say("password changed for {{.Email}}", "Email", u.Email)
	return nil
}

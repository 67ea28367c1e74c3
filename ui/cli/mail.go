package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"sesame/app"
)

// Delivery delivers the outbox at once after an action, as the Service's
// Deliver hook (the command's process ends soon after: nothing would
// deliver it later), and keeps how that went over the command, for the
// command to say.
type Delivery struct {
	Mailer app.Mailer
	last   app.MailReport // every delivery of the command, added up
	err    error
}

// Deliver is the Service's Deliver hook.
func (d *Delivery) Deliver(ctx context.Context, s *app.Service) {
	r, err := s.DeliverMail(ctx, d.Mailer)
	d.last.Sent += r.Sent
	d.last.Failed += r.Failed
	d.last.Expired += r.Expired
	d.last.NotConfigured = d.last.NotConfigured || r.NotConfigured
	if err != nil {
		d.err = err
	}
}

// deliverTemporary says whether the temporary password that an action
// just queued left at once (the Deliver hook sent it); a message that
// could not leave stays in the outbox and is retried.
func (c *call) deliverTemporary(to string) error {
	d := c.env.Delivery
	if d == nil {
		return nil
	}
	if d.err != nil {
		return d.err
	}
	if d.last.Failed > 0 || d.last.NotConfigured || d.last.Sent == 0 {
		c.note("The temporary password to {{.Email}} is queued but not sent yet; see `sesame mail status`.", "Email", to)
		return nil
	}
	c.note("The temporary password was sent to {{.Email}}.", "Email", to)
	return nil
}

// flush delivers what is due now, and returns every delivery of the
// command.
func (c *call) flush() (app.MailReport, error) {
	d := c.env.Delivery
	if d == nil || d.Mailer == nil {
		return app.MailReport{NotConfigured: true}, nil
	}
	d.Deliver(c.ctx, c.svc())
	return d.last, d.err
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
	var r app.MailReport // the Deliver hook sent it
	if d := c.env.Delivery; d != nil {
		if d.err != nil {
			return d.err
		}
		r = d.last
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
	var want app.MailState
	if *state != "" {
		st, err := app.ParseMailState(*state)
		if err != nil {
			return &usageError{msg: humanMessage(c.t, app.AsError(err).Message)}
		}
		want = st
	}
	list, counts, err := c.svc().Outbox(c.ctx, app.MailQuery{State: want, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			Counts   map[string]int `json:"counts"`
			Messages []mailJSON     `json:"messages"`
		}{Counts: map[string]int{}, Messages: []mailJSON{}}
		for _, s := range app.MailStates() {
			out.Counts[string(s)] = counts[s]
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
	c.say("password changed for {{.Email}}", "Email", u.Email)
	return nil
}

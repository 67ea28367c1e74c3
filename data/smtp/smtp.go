// Package smtp delivers Sésame's outbox messages over SMTP, with
// github.com/wneessen/go-mail: plain (for a local relay), STARTTLS or
// implicit TLS, with PLAIN or LOGIN authentication when a user name is set.
package smtp

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"sesame/app"
)

// Sender is the app.Mailer that speaks SMTP.
type Sender struct {
	// Timeout bounds one delivery, connection included.
	Timeout time.Duration
	// TLSConfig, when set, replaces the system's TLS settings (a company
	// CA, or a test server's own certificate). Its ServerName is filled in.
	TLSConfig *tls.Config
}

var _ app.Mailer = Sender{}

// Send delivers one message. The error is the server's answer (or the
// network's), without the password.
func (s Sender) Send(ctx context.Context, cfg app.SMTPSettings, m app.OutboxMessage) error {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(timeout)}
	switch cfg.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	// An IPv6 literal is written in brackets (RFC 5321 §4.1.3); the dialer
	// adds its own around the address.
	host := strings.TrimSuffix(strings.TrimPrefix(cfg.Host, "["), "]")
	if s.TLSConfig != nil {
		tc := s.TLSConfig.Clone()
		tc.ServerName = host
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return err
	}
	msg, err := build(cfg, m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return scrub(err, cfg.Password)
	}
	return nil
}

// build makes the MIME message: plain text with an HTML alternative, and a
// Message-ID fixed by the outbox row, so that a message sent again after a
// crash is recognised as the same one.
func build(cfg app.SMTPSettings, m app.OutboxMessage) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(cfg.From); err != nil {
		return nil, fmt.Errorf("sender address %q: %w", cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	_, domain, _ := strings.Cut(cfg.From, "@")
	msg.SetMessageIDWithValue(fmt.Sprintf("sesame.outbox.%d.%d@%s", m.ID, m.CreatedAt.UnixNano(), domain))
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// scrub keeps the SMTP password out of an error that will be stored and
// shown.
func scrub(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), password, "********"))
}

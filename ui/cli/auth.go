package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"sesame/app"
)

// readSecrets reads one password a line from standard input, a line for
// each prompt. Only the line ending is removed: spaces belong to the
// password. When standard input is a terminal the prompts are shown on
// standard error (the terminal still shows what is typed).
func (c *call) readSecrets(prompts ...string) ([]string, error) {
	tty := isTerminal(c.env.Stdin)
	r := bufio.NewReader(c.env.Stdin)
	out := make([]string, 0, len(prompts))
	for i, p := range prompts {
		if tty {
			fmt.Fprint(c.env.Stderr, c.t.L("{{.What}} (shown as you type; pipe it in to hide it): ", "What", capitalize(p)))
		}
		line, err := r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, app.Internal(err)
		}
		if line == "" && err != nil {
			return nil, app.Errorf(app.EInvalid, "Standard input ended before {{.What}} (line {{.Line}}): give one password a line.",
				"What", p, "Line", i+1)
		}
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			return nil, app.Errorf(app.EInvalid, "Line {{.Line}} of standard input, {{.What}}, is empty.", "What", p, "Line", i+1)
		}
		out = append(out, line)
	}
	return out, nil
}

// isTerminal reports whether r (a reader or a writer) is a terminal: not
// only a character device, which /dev/null is too (a job run by cron).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runSignIn(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	pw, err := c.readSecrets(c.t.L("the password"))
	if err != nil {
		return err
	}
	res, err := c.svc().SignIn(c.ctx, pos[0], pw[0])
	if err != nil {
		return err
	}
	switch res.Outcome {
	case app.OutcomeSignedIn:
		c.say("signed in as {{.Name}} ({{.Role}})", "Name", res.User.Name, "Role", c.role(res.User.Role))
		return nil
	case app.OutcomeMustChange:
		c.say("must change password")
		c.note("This is a temporary password, which expires {{.Time}}: choose your own with \"sesame passwd {{.Email}}\".",
			"Time", c.when(res.User.TemporaryExpiresAt), "Email", res.User.Email)
		return exitStatus(outcomeStatus(res.Outcome))
	}
	return app.OutcomeError(res)
}

func runPasswd(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	pw, err := c.readSecrets(c.t.L("the current (or temporary) password"), c.t.L("the new password"))
	if err != nil {
		return err
	}
	u, err := c.svc().ChangePassword(c.ctx, pos[0], pw[0], pw[1])
	if err != nil {
		return err
	}
	c.say("password changed for {{.Email}}", "Email", u.Email)
	return nil
}

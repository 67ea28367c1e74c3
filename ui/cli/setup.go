package cli

import (
	"strconv"

	"sesame/app"
)

// maxGenerate bounds `dev generate`, so that a slip of the keyboard does
// not fill the disk.
const maxGenerate = 1_000_000

func runInit(c *call) error {
	fs := c.flags()
	company := fs.String("company", "", "the company's `NAME` (required)")
	email := fs.String("admin", "", "the first administrator's e-mail, the login (`EMAIL`, required)")
	name := fs.String("name", "", "the first administrator's full `NAME` (required)")
	if _, err := c.parse(fs); err != nil {
		return err
	}
	for _, f := range []struct{ value, flag string }{{*company, "--company NAME"}, {*email, "--admin EMAIL"}, {*name, "--name NAME"}} {
		if f.value == "" {
			return usagef("{{.Flag}} is required.", "Flag", f.flag)
		}
	}
	u, temp, err := c.svc().Setup(c.ctx, c.env.Actor, app.SetupRequest{Company: *company, Email: *email, Name: *name})
	if err != nil {
		return err
	}
	c.printRaw(temp.Plaintext)
	c.note("Sésame is set up for {{.Company}}, with {{.Email}} as administrator. Sign in with this temporary password and choose your own before {{.Time}}: \"sesame passwd {{.Email}}\" or the window.",
		"Company", *company, "Email", u.Email, "Time", c.when(temp.ExpiresAt))
	return nil
}

// requireSetUp refuses to add users to a database that has none: init
// would then refuse to run, and the company would have no administrator.
func (c *call) requireSetUp() error {
	empty, err := c.svc().NeedsSetup(c.ctx)
	if err != nil {
		return err
	}
	if empty {
		return app.Errorf(app.EInvalid, "This database is not set up yet: run \"sesame init --company NAME --admin EMAIL --name NAME\" first.")
	}
	return nil
}

func runDevGenerate(c *call) error {
	fs := c.flags()
	seed := fs.Int64("seed", 1, "`S`, the seed of the random draw: the same seed gives the same users")
	pos, err := c.parse(fs, "N")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(pos[0])
	if err != nil || n < 1 || n > maxGenerate {
		return usagef("N must be a whole number from 1 to {{.Max}}, not \"{{.Value}}\".", "Max", maxGenerate, "Value", pos[0])
	}
	if err := c.requireSetUp(); err != nil {
		return err
	}
	if c.env.Generate == nil {
		return app.Errorf(app.EInternal, "This build cannot generate users.")
	}
	c.noteN("Adding {{.N}} fake users, for testing only…", n)
	if err := c.env.Generate(c.ctx, n, *seed); err != nil {
		return err
	}
	c.sayN("added {{.N}} fake users (seed {{.Seed}})", n, "Seed", *seed)
	return nil
}

package cli

import "sesame/app"

// NeedsStore reports whether the command that args name works on the
// database given by --db: every command but db copy, which names its own.
func NeedsStore(args []string) bool {
	return len(args) == 0 || args[0] != "db"
}

func runDBCopy(c *call) error {
	fs := c.flags()
	from := fs.String("from", "", "the directory to copy: a database file or a postgres:// URL (required)")
	to := fs.String("to", "", "where to copy it: a new or empty database file or postgres:// database (required)")
	if _, err := c.parse(fs); err != nil {
		return err
	}
	for _, f := range []struct{ value, flag string }{{*from, "--from PATH_OR_URL"}, {*to, "--to PATH_OR_URL"}} {
		if f.value == "" {
			return usagef("{{.Flag}} is required.", "Flag", f.flag)
		}
	}
	if c.env.Copy == nil {
		return app.Errorf(app.EInternal, "This build cannot copy a directory.")
	}
	n, err := c.env.Copy(c.ctx, *from, *to)
	if err != nil {
		return err
	}
	c.say("copied {{.Users}} users, {{.History}} password history entries, {{.Throttle}} throttling records, {{.Audit}} audit events, {{.Outbox}} outbox messages, {{.Codes}} recovery codes, {{.Settings}} settings",
		"Users", n.Users, "History", n.PasswordHistory, "Throttle", n.Throttle, "Audit", n.Audit, "Outbox", n.Outbox,
		"Codes", n.RecoveryCodes, "Settings", n.Settings)
	return nil
}

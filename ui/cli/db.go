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
			return usagef("%s is required", f.flag)
		}
	}
	if c.env.Copy == nil {
		return app.Errorf(app.EInternal, "This build cannot copy a directory.")
	}
	n, err := c.env.Copy(c.ctx, *from, *to)
	if err != nil {
		return err
	}
	c.printf("copied %d users, %d password history entries, %d throttling records, %d audit events, %d outbox messages, %d recovery codes, %d settings\n",
		n.Users, n.PasswordHistory, n.Throttle, n.Audit, n.Outbox, n.RecoveryCodes, n.Settings)
	return nil
}

package cli

import (
	"fmt"
	"strings"

	"sesame/app"
)

func runUsersAdd(c *call) error {
	fs := c.flags()
	name := fs.String("name", "", "the user's full `NAME` (required)")
	admin := fs.Bool("admin", false, "make the user an administrator rather than an employee")
	noMailbox := fs.Bool("no-mailbox", false, "the login is a fictitious address: nothing is ever mailed to it")
	recovery := fs.String("recovery", "", "a recovery e-mail `ADDR`, other than the login")
	fromStdin := fs.Bool("password-stdin", false, "read the temporary password from the first line of stdin instead of generating one")
	send := fs.Bool("send", false, "mail the temporary password to the recovery address instead of printing it")
	similar := fs.Bool("allow-similar", false, "create the user although the login or ADDR looks like an existing login")
	pos, err := c.parse(fs, "EMAIL")
	if err != nil {
		return err
	}
	if *name == "" {
		return usagef("{{.Flag}} is required.", "Flag", "--name NAME")
	}
	if err := c.requireSetUp(); err != nil {
		return err
	}
	n := app.NewUser{Email: pos[0], Name: *name, Role: app.RoleEmployee, HasMailbox: !*noMailbox, RecoveryEmail: *recovery,
		SendToRecovery: *send, AllowSimilar: *similar}
	if *admin {
		n.Role = app.RoleAdmin
	}
	if *fromStdin {
		pw, err := c.readSecrets(c.t.L("the temporary password"))
		if err != nil {
			return err
		}
		n.TemporaryPassword = pw[0]
	}
	u, temp, err := c.svc().CreateUser(c.ctx, c.env.Actor, n)
	if err != nil {
		return c.similarHint(err)
	}
	if !*fromStdin && !*send {
		c.printRaw(temp.Plaintext)
	}
	c.note("Created {{.Email}} ({{.Role}}). The temporary password expires {{.Time}}; it must be changed at the first sign-in.",
		"Email", u.Email, "Role", c.role(u.Role), "Time", c.when(temp.ExpiresAt))
	if *send {
		return c.deliverTemporary(u.RecoveryEmail)
	}
	return nil
}

func runUsersShow(c *call) error {
	fs := c.flags()
	asJSON := fs.Bool("json", false, "print a JSON object")
	pos, err := c.parse(fs, "EMAIL")
	if err != nil {
		return err
	}
	u, err := c.svc().User(c.ctx, pos[0])
	if err != nil {
		return err
	}
	now := c.svc().Now()
	similar, err := c.svc().RecoveryLookAlikes(c.ctx, []app.User{u})
	if err != nil {
		return err
	}
	if *asJSON {
		j := toJSON(u, now)
		j.RecoveryLookAlike = len(similar[u.ID]) > 0
		return writeJSON(c.env.Stdout, j)
	}
	locked := c.t.L("no")
	if u.Locked(now) {
		locked = c.t.L("until {{.Time}}", "Time", u.LockedUntil.Local().Format(secondsLayout))
	}
	recovery := u.RecoveryEmail
	if recovery == "" {
		recovery = c.t.L("none")
	}
	mailbox := c.t.L("yes")
	if !u.HasMailbox {
		mailbox = c.t.L("no (fictitious address: nothing is mailed to it)")
	}
	looks := c.t.L("no")
	if u.HasLookAlike {
		others, err := c.svc().LookAlikes(c.ctx, u.Email, 5)
		if err != nil {
			return err
		}
		looks = emails(others)
	}
	if others := similar[u.ID]; len(others) > 0 {
		recovery = c.t.L("{{.Recovery}}, which looks like the login {{.Logins}} (confirmed)", "Recovery", login(u.RecoveryEmail), "Logins", strings.Join(others, ", "))
	}
	email := login(u.Email)
	if _, err := app.CheckEmail(u.Email); err != nil {
		email = c.t.L("{{.Email}}: at fault, kept from an older version ({{.Reason}})", "Email", email, "Reason", message(c.t, err))
	}
	tw := c.table()
	for _, row := range [][2]string{
		{c.t.L("email"), email},
		{c.t.L("looks like"), looks},
		{c.t.L("name"), u.Name},
		{c.t.L("role"), c.role(u.Role)},
		{c.t.L("mailbox"), mailbox},
		{c.t.L("recovery e-mail"), recovery},
		{c.t.L("password"), c.passwordWords(u, now)},
		{c.t.L("locked"), locked},
		{c.t.L("disabled"), c.yesNo(u.Disabled)},
		{c.t.L("last sign-in"), c.when(u.LastSignInAt)},
		{c.t.L("password changed"), c.when(u.PasswordChangedAt)},
		{c.t.L("created"), c.when(u.CreatedAt)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", row[0], oneLine(row[1]))
	}
	return tw.Flush()
}

func runUsersReset(c *call) error {
	fs := c.flags()
	fromStdin := fs.Bool("password-stdin", false, "read the temporary password from the first line of stdin instead of generating one")
	send := fs.Bool("send", false, "mail the temporary password to the recovery address instead of printing it")
	pos, err := c.parse(fs, "EMAIL")
	if err != nil {
		return err
	}
	custom := ""
	if *fromStdin {
		pw, err := c.readSecrets(c.t.L("the temporary password"))
		if err != nil {
			return err
		}
		custom = pw[0]
	}
	temp, err := c.svc().ResetPassword(c.ctx, c.env.Actor, pos[0], custom, *send)
	if err != nil {
		return err
	}
	if !*fromStdin && !*send {
		c.printRaw(temp.Plaintext)
	}
	c.note("New temporary password for {{.Email}}, which expires {{.Time}}; it must be changed at the next sign-in. The account is unlocked.",
		"Email", pos[0], "Time", c.when(temp.ExpiresAt))
	if *send {
		u, err := c.svc().User(c.ctx, pos[0])
		if err != nil {
			return err
		}
		return c.deliverTemporary(u.RecoveryEmail)
	}
	return nil
}

func runUsersSetRecovery(c *call) error {
	fs := c.flags()
	remove := fs.Bool("clear", false, "remove the recovery e-mail")
	similar := fs.Bool("allow-similar", false, "set ADDR although it looks like a login")
	pos, err := c.parseAny(fs)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usagef("Missing {{.What}}.", "What", "EMAIL")
	case len(pos) == 1 && !*remove:
		return usagef("Give the recovery address ADDR, or --clear.")
	case len(pos) == 2 && *remove:
		return usagef("Give ADDR or --clear, not both.")
	case len(pos) > 2:
		return usagef("Unexpected argument \"{{.Arg}}\".", "Arg", pos[2])
	}
	addr := ""
	if !*remove {
		if addr = pos[1]; addr == "" {
			return usagef("The recovery address is empty: to remove it, use --clear.")
		}
	}
	res, err := c.update(pos[0], app.UserChange{RecoveryEmail: &addr, AllowSimilar: *similar})
	if err != nil {
		return c.similarHint(err)
	}
	switch {
	case len(res.Changed) == 0 && *remove:
		c.say("{{.Email}} has no recovery e-mail", "Email", res.User.Email)
	case len(res.Changed) == 0:
		c.say("the recovery e-mail of {{.Email}} is already {{.Recovery}}", "Email", res.User.Email, "Recovery", res.User.RecoveryEmail)
	case *remove:
		c.say("recovery e-mail of {{.Email}} removed", "Email", res.User.Email)
	default:
		c.say("recovery e-mail of {{.Email}} set to {{.Recovery}}", "Email", res.User.Email, "Recovery", res.User.RecoveryEmail)
	}
	return nil
}

func runUsersUnlock(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	res, err := c.update(pos[0], app.UserChange{Unlock: true})
	if err != nil {
		return err
	}
	if len(res.Changed) == 0 {
		c.say("{{.Email}} was not locked", "Email", res.User.Email)
		return nil
	}
	c.say("{{.Email}} unlocked", "Email", res.User.Email)
	return nil
}

func runUsersDisable(c *call) error { return c.setDisabled(true) }

func runUsersEnable(c *call) error { return c.setDisabled(false) }

func (c *call) setDisabled(disabled bool) error {
	pos, err := c.parse(c.flags(), "EMAIL")
	if err != nil {
		return err
	}
	res, err := c.update(pos[0], app.UserChange{Disabled: &disabled})
	if err != nil {
		return err
	}
	switch {
	case len(res.Changed) == 0 && disabled:
		c.say("{{.Email}} is already disabled", "Email", res.User.Email)
	case len(res.Changed) == 0:
		c.say("{{.Email}} is already enabled", "Email", res.User.Email)
	case disabled:
		c.say("{{.Email}} disabled", "Email", res.User.Email)
	default:
		c.say("{{.Email}} enabled", "Email", res.User.Email)
	}
	return nil
}

func runUsersRole(c *call) error {
	pos, err := c.parse(c.flags(), "EMAIL", "ROLE")
	if err != nil {
		return err
	}
	role, err := app.ParseRole(pos[1])
	if err != nil {
		return err
	}
	res, err := c.update(pos[0], app.UserChange{Role: &role})
	if err != nil {
		return err
	}
	if len(res.Changed) == 0 {
		c.say("{{.Email}} is already {{.Role}}", "Email", res.User.Email, "Role", c.role(role))
		return nil
	}
	c.say("{{.Email}} is now {{.Role}}", "Email", res.User.Email, "Role", c.role(role))
	return nil
}

// similarHint adds to a refused look-alike address how to confirm it.
func (c *call) similarHint(err error) error {
	if app.CodeOf(err) != app.ELookAlike {
		return err
	}
	fmt.Fprintf(c.env.Stderr, "sesame: %s\n", message(c.t, err))
	c.note("If the address is right, run the command again with --allow-similar.")
	return exitStatus(exitError)
}

// emails lists the logins of users, comma-separated, each with its
// unusual characters.
func emails(users []app.User) string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = login(u.Email)
	}
	return strings.Join(out, ", ")
}

// update saves a change of one user as the command line's actor.
func (c *call) update(email string, ch app.UserChange) (app.UpdateResult, error) {
	return c.svc().UpdateUser(c.ctx, c.env.Actor, email, ch)
}

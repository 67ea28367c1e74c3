package cli

import (
	"fmt"
	"slices"

	"sesame/app"
)

// runSettings shows or sets the company's settings. It takes no flags, so
// that a value such as "-1" reaches the range check rather than the flag
// parser; "--" before the key lets a value be "--help".
func runSettings(c *call) error {
	args, help := settingsArgs(c.args)
	if help {
		c.help(c.flags())
		return errHelp
	}
	if len(args) > 2 {
		return usagef("Unexpected argument \"{{.Arg}}\" (quote a value that has spaces).", "Arg", args[2])
	}
	if len(args) > 0 {
		if _, err := app.LookupSetting(args[0]); err != nil {
			return err
		}
	}
	st, err := c.svc().Settings(c.ctx)
	if err != nil {
		return err
	}
	switch len(args) {
	case 0:
		return c.showSettings(st)
	case 1:
		v, err := st.Get(args[0])
		if err != nil {
			return err
		}
		c.printRaw(v)
		return nil
	}
	key, value := args[0], args[1]
	if d, _ := app.LookupSetting(key); d.Secret && value == "-" {
		// A secret read from stdin stays out of the shell's history and ps.
		lines, err := c.readSecrets(key)
		if err != nil {
			return err
		}
		value = lines[0]
	}
	before, _ := st.Get(key)
	next, err := c.svc().UpdateSettings(c.ctx, c.env.Actor, map[string]string{key: value})
	if err != nil {
		return err
	}
	after, _ := next.Get(key)
	if after == before {
		c.say("{{.Key}} is already {{.Value}}", "Key", key, "Value", quoteEmpty(after))
		return nil
	}
	c.say("{{.Key}}: {{.Before}} → {{.After}}", "Key", key, "Before", quoteEmpty(before), "After", quoteEmpty(after))
	return nil
}

// settingsArgs are the key and value of a settings command line, after a
// "--" that ends its options, and whether it asks for help instead. A
// value may start with "-": "-1" is a value, not an option.
func settingsArgs(args []string) ([]string, bool) {
	if len(args) > 0 && args[0] == "--" {
		return args[1:], false
	}
	return args, slices.ContainsFunc(args, func(a string) bool { return a != "help" && IsHelp(a) })
}

func (c *call) showSettings(st app.Settings) error {
	tw := c.table()
	c.header(tw, "KEY", "VALUE", "ALLOWED", "SETTING")
	for _, d := range app.SettingDefs() {
		v, err := st.Get(d.Key)
		if err != nil {
			return err
		}
		allowed := d.Range()
		if allowed == "" {
			allowed = c.t.L("text")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Key, oneLine(quoteEmpty(v)), allowed, c.t.L(d.Label))
	}
	return tw.Flush()
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// errHelp ends a command whose help was asked for and printed.
var errHelp = errors.New("help requested")

// usageError is a command line that does not match the command's synopsis.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef is a usage error; the texts it quotes are shown on one line, cut
// if long.
func usagef(format string, a ...any) error {
	for i, v := range a {
		if s, ok := v.(string); ok {
			a[i] = shown(s)
		}
	}
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// flags returns an empty flag set for the command; parse reports its
// errors, so that the flag package prints nothing of its own.
func (c *call) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("sesame "+c.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse reads the command's flags and returns its positional arguments,
// which must be as many as names (used in the error when they are not).
// Flags may come before or after the positional arguments, as in
// "users add EMAIL --name NAME"; after "--" everything is positional.
func (c *call) parse(fs *flag.FlagSet, names ...string) ([]string, error) {
	pos, err := c.parseAny(fs)
	if err != nil {
		return nil, err
	}
	if len(pos) < len(names) {
		return nil, usagef("missing %s", strings.Join(names[len(pos):], " "))
	}
	if len(pos) > len(names) {
		return nil, usagef("unexpected argument %q", pos[len(names)])
	}
	return pos, nil
}

// parseAny is parse for a command that checks its positional arguments
// itself.
func (c *call) parseAny(fs *flag.FlagSet) ([]string, error) {
	pos, err := intersperse(fs, c.args)
	if errors.Is(err, flag.ErrHelp) {
		c.help(fs)
		return nil, errHelp
	}
	if err != nil {
		msg := cutMessage(err.Error())
		if strings.HasSuffix(msg, "not defined: -db") || strings.HasSuffix(msg, "not defined: -lang") {
			msg += " (it goes before the command: sesame --db PATH " + c.cmd.name + " …)"
		}
		return nil, &usageError{msg: msg}
	}
	return pos, nil
}

// intersperse parses flags wherever they are among the arguments (the flag
// package alone stops at the first positional one) and returns the
// positional arguments in order.
func intersperse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// help prints the command's synopsis, summary and flags on standard output.
func (c *call) help(fs *flag.FlagSet) {
	w := c.env.Stdout
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", c.cmd.synopsis(), capitalize(c.cmd.summary))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprint(w, "\nOptions:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			text += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, arg, text)
	})
	tw.Flush()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

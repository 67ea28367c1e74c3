package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"sesame/app"
)

// errHelp ends a command whose help was asked for and printed.
var errHelp = errors.New("help requested")

// usageError is a command line that does not match the command's synopsis.
type usageError struct{ msg app.Message }

func (e *usageError) Error() string { return e.msg.String() }

// usagef is a usage error: a message to translate, filled with data given
// as key, value pairs; the texts it quotes are shown on one line, cut if
// long.
func usagef(text string, kv ...any) error {
	return &usageError{msg: app.Msg(text, shownAll(kv)...)}
}

// shownAll returns key, value pairs with their texts as shown(), but for
// the command line's own lists (fixed).
func shownAll(kv []any) []any {
	out := slices.Clone(kv)
	for i := 1; i < len(out); i += 2 {
		if s, ok := out[i].(string); ok {
			out[i] = shown(s)
		}
	}
	return out
}

// fixed is a text of the command line's own, shown whole.
type fixed string

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
		return nil, usagef("Missing {{.What}}.", "What", strings.Join(names[len(pos):], " "))
	}
	if len(pos) > len(names) {
		return nil, usagef("Unexpected argument \"{{.Arg}}\".", "Arg", pos[len(names)])
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
		return nil, flagError(err, c.cmd.name)
	}
	return pos, nil
}

// flagError says in words what the flag package found wrong.
func flagError(err error, command string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if name == "db" || name == "lang" {
			return usagef("Unknown option --{{.Name}}: it goes before the command (sesame --{{.Name}} … {{.Command}} …).", "Name", name, "Command", command)
		}
		return usagef("Unknown option --{{.Name}}.", "Name", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return usagef("The option --{{.Name}} needs a value.", "Name", name)
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if value, flagName, ok := strings.Cut(rest, " for flag -"); ok {
			flagName, _, _ = strings.Cut(flagName, ":")
			if v, err := strconv.Unquote(value); err == nil {
				value = v
			}
			return usagef("\"{{.Value}}\" is not a valid value for --{{.Name}}.", "Value", value, "Name", flagName)
		}
	}
	return usagef("{{.Problem}}", "Problem", cutMessage(msg))
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
	fmt.Fprintf(w, "%s %s\n\n%s.\n", c.t.L("usage:"), c.cmd.synopsis(), capitalize(c.t.L(c.cmd.summary)))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", c.t.L("Options:"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		translated := *f
		translated.Usage = c.t.L(f.Usage)
		arg, text := flag.UnquoteUsage(&translated)
		if arg != "" {
			arg = " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			text += " " + c.t.L("(default {{.Value}})", "Value", f.DefValue)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, arg, text)
	})
	tw.Flush()
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

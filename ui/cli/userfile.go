package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"sesame/app"
	"sesame/app/userfile"
	"sesame/ui/handout"
)

// Files of users on the command line: users import (a preview of every
// row, a confirmation, the writes with progress, the new temporary
// passwords mailed or saved as a hand-out) and users export.

func runUsersImport(c *call) error {
	fs := c.flags()
	format := fs.String("format", "", "read the file as `FORMAT`: sesame, google, entra, okta or hr (default: recognised from the header)")
	dryRun := fs.Bool("dry-run", false, "print the preview and write nothing")
	send := fs.Bool("send", false, "mail each new temporary password to the user's recovery e-mail; the others go to the hand-out")
	handoutPath := fs.String("handout", "", "save the new temporary passwords that are not mailed to `FILE`: a printable .pdf of slips or a .csv (- for standard output)")
	yes := fs.Bool("yes", false, "import without asking to confirm")
	noMailbox := fs.Bool("no-mailbox", false, "every login of the file is fictitious (no mailbox), unless its row says otherwise")
	similar := fs.Bool("allow-similar", false, "import the rows whose login or recovery e-mail looks like another login")
	pos, err := c.parse(fs, "FILE")
	if err != nil {
		return err
	}
	opts := userfile.Options{NoMailbox: *noMailbox}
	if *format != "" {
		if opts.Format, err = userfile.ParseFormat(*format); err != nil {
			return err
		}
	}
	if err := c.requireSetUp(); err != nil {
		return err
	}
	name, stdinUsed := pos[0], pos[0] == "-"
	if *handoutPath != "" && *handoutPath != "-" {
		if err := handout.CheckKind(*handoutPath); err != nil {
			return err
		}
		if err := checkNewFile(*handoutPath); err != nil {
			return err
		}
	}
	file, err := c.readUserFile(name, opts)
	if err != nil {
		return err
	}
	if len(file.Records) == 0 {
		return c.failed(c.t.L("{{.Path}} has column names but no row of users: nothing to import.", "Path", c.fileName(name)))
	}
	fileName := filepath.Base(name)
	if stdinUsed {
		fileName = "standard input"
	}
	plan, err := c.svc().PlanImport(c.ctx, c.env.Actor, app.ImportRequest{FileName: fileName, Records: file.Records, Send: *send,
		AllowSimilar: *similar})
	if err != nil {
		return err
	}
	// The preview is the result of a dry run; with the hand-out on
	// standard output, it goes to standard error.
	out := c.env.Stdout
	if *handoutPath == "-" {
		out = c.env.Stderr
	}
	c.preview(out, name, file, plan)
	if plan.LookAlike > 0 && !*similar {
		c.noteN("{{.N}} rows are refused only because an address looks like another login: if the addresses are right, run the import again with --allow-similar.", plan.LookAlike)
	}
	if *dryRun {
		c.note("Dry run: nothing was written.")
		return c.bulkStatus(plan.ErrorRows, 0)
	}
	if plan.Writes() == 0 {
		if _, err := c.svc().ApplyImport(c.ctx, c.env.Actor, plan, nil); err != nil {
			return err
		}
		c.note("Nothing to do: every row is unchanged or has an error.")
		return c.bulkStatus(plan.ErrorRows, 0)
	}
	if n := plan.NewPasswords - plan.Mailed; n > 0 && *handoutPath == "" {
		return c.failed(c.t.N("Nothing was written: {{.N}} new temporary passwords are to be handed out. Name the hand-out with --handout FILE (.pdf or .csv, or - for standard output), or mail them with --send to the users who have a recovery e-mail.", n))
	}
	if !*yes {
		if err := c.confirm(stdinUsed); err != nil {
			return err
		}
	}
	return c.applyImport(plan, *handoutPath)
}

// readUserFile reads a file of users, - for standard input.
func (c *call) readUserFile(name string, opts userfile.Options) (*userfile.File, error) {
	var r io.Reader = c.env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, c.cannotRead(name, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			return nil, c.failed(c.t.L("{{.Path}} is not a file.", "Path", shown(name)))
		}
		r = f
	}
	f, err := userfile.Read(r, opts)
	if err != nil {
		// Said with the file's name: the reader does not know it.
		if app.CodeOf(err) == app.EInternal {
			return nil, err
		}
		return nil, c.failed(c.t.L("{{.Path}}: {{.Reason}}", "Path", c.fileName(name), "Reason", fixed(c.t.Message(app.AsError(err).Message))))
	}
	return f, nil
}

// preview writes what the import will do with every row, and the counts.
func (c *call) preview(w io.Writer, name string, f *userfile.File, p app.ImportPlan) {
	fmt.Fprintln(w, c.t.L("{{.Path}}: {{.Format}}, {{.Encoding}}, separated by {{.Delimiter}}; column names on row {{.Row}}.",
		"Path", shown(name), "Format", fixed(c.t.Message(f.Format.Message())), "Encoding", fixed(c.t.Message(f.Encoding.Message())),
		"Delimiter", fixed(c.t.Message(userfile.DelimiterMessage(f.Delimiter))), "Row", f.HeaderRow))
	if len(f.Ignored) > 0 {
		list := make([]string, len(f.Ignored))
		for i, col := range f.Ignored {
			list[i] = shown(col)
		}
		fmt.Fprintln(w, c.t.N("{{.N}} columns ignored: {{.Columns}}.", len(list), "Columns", fixed(strings.Join(list, ", "))))
	}
	for _, row := range f.ExampleRows {
		fmt.Fprintln(w, c.t.L("Row {{.Row}} is the template's example: skipped.", "Row", row))
	}
	tw := c.table()
	c.header(tw, "ROW", "ACTION", "LOGIN", "DETAILS")
	for _, row := range p.Rows {
		login := row.Login
		if login == "" {
			login = row.Record.Login
		}
		switch row.Action {
		case app.ImportError:
			for i, pr := range row.Problems {
				msg := c.t.Message(humanMessage(c.t, pr.Message))
				if pr.Column != "" {
					msg = c.t.L("{{.Column}}: {{.Reason}}", "Column", shown(pr.Column), "Reason", fixed(msg))
				}
				action, who := c.t.L("error"), shown(login)
				if i > 0 {
					action, who = "", ""
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", row.Record.Row, action, who, oneLine(msg))
			}
		case app.ImportCreate:
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", row.Record.Row, c.t.L("create"), shown(login), oneLine(row.Name())+c.looksLike(row))
		case app.ImportUpdate:
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", row.Record.Row, c.t.L("update"), shown(login),
				app.ImportDetail(row.Changes, c.t.Message)+c.reissued(row)+c.looksLike(row))
		default:
			fmt.Fprintf(tw, "%d\t%s\t%s\t\n", row.Record.Row, c.t.L("unchanged"), shown(login))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, c.t.N("{{.N}} rows: {{.Create}} to create, {{.Update}} to update, {{.Unchanged}} unchanged, {{.Errors}} with errors.",
		len(p.Rows), "Create", p.Create, "Update", p.Update, "Unchanged", p.Unchanged, "Errors", p.ErrorRows))
	if p.NewPasswords > 0 {
		fmt.Fprintln(w, c.t.N("{{.N}} new temporary passwords, valid until {{.Time}}; {{.Mailed}} mailed to recovery e-mails, the others to hand out.",
			p.NewPasswords, "Time", c.when(p.Expires), "Mailed", p.Mailed))
	}
}

// reissued says why a row gives a new temporary password, when the last
// one is in no hand-out.
func (c *call) reissued(row app.ImportRow) string {
	if !row.Reissue {
		return ""
	}
	return " (" + c.t.L("the last one, from an interrupted import, is in no hand-out") + ")"
}

// looksLike is what the preview says of a row imported although it looks
// like other logins (--allow-similar), "" for the others.
func (c *call) looksLike(row app.ImportRow) string {
	if len(row.LooksLike) == 0 {
		return ""
	}
	list := make([]string, len(row.LooksLike))
	for i, l := range row.LooksLike {
		list[i] = shown(l)
	}
	return "; " + c.t.L("looks like {{.Logins}} (confirmed)", "Logins", fixed(strings.Join(list, ", ")))
}

// applyImport writes a plan: progress on standard error when it is a
// terminal; then the hand-out, the mail, and what was done.
func (c *call) applyImport(p app.ImportPlan, handoutPath string) error {
	tty, width := isTerminal(c.env.Stderr), 0
	var slips []handout.Slip
	var refused []app.ImportOutcome
	res, err := c.svc().ApplyImport(c.ctx, c.env.Actor, p, func(pr app.ImportProgress) {
		for _, o := range pr.Outcomes {
			if o.Action == app.ImportError {
				refused = append(refused, o)
			}
			if o.Temporary != nil && !o.Sent {
				slips = append(slips, handout.Slip{Login: o.Login, Name: o.Name, Password: o.Temporary.Plaintext, ValidUntil: o.Temporary.ExpiresAt})
			}
		}
		if tty {
			width = c.progress(c.t.L("{{.N}} of {{.Total}}…", "N", pr.Done, "Total", pr.Total), width)
		}
	})
	if tty {
		c.progress("", width)
	}
	// The passwords made are handed out even when the import stopped;
	// once they are, importing the file again does not make new ones.
	// Not with c.ctx: Ctrl+C, which may have stopped the import, must not
	// stop its hand-out too.
	herr := c.saveHandout(context.WithoutCancel(c.ctx), handoutPath, slips)
	if herr == nil && len(slips) > 0 {
		herr = c.svc().HandoutSaved(context.WithoutCancel(c.ctx), c.env.Actor, res.ID)
	}
	if herr != nil && err == nil {
		err = herr
	}
	for i, o := range refused {
		if i == 20 {
			c.noteN("… and {{.N}} more refused.", len(refused)-i)
			break
		}
		c.note("Row {{.Row}}, {{.Email}}: refused: {{.Reason}}", "Row", strconv.Itoa(o.Row), "Email", o.Login,
			"Reason", fixed(c.t.Message(humanMessage(c.t, o.Reason))))
	}
	if err != nil {
		c.note("Stopped by an error; what was written is recorded in the audit log ({{.ID}}). Run the same import again to finish.",
			"ID", c.t.Message(app.NoteMessage(res.ID)))
		return err
	}
	c.note("{{.Created}} created, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Errors}} with errors; recorded in the audit log as {{.ID}}.",
		"Created", res.Created, "Updated", res.Updated, "Unchanged", res.Unchanged, "Errors", res.ErrorRows+res.Refused, "ID", c.t.Message(app.NoteMessage(res.ID)))
	if res.Cancelled {
		c.note("Interrupted: the rows not reached are unchanged; run the same import again to finish.")
	}
	if p.Mailed > 0 {
		if err := c.sendQueued(); err != nil {
			return err
		}
	}
	if res.Cancelled {
		return exitStatus(exitError)
	}
	return c.bulkStatus(res.ErrorRows, res.Refused)
}

// saveHandout writes the slips to path (- for standard output).
func (c *call) saveHandout(ctx context.Context, path string, slips []handout.Slip) error {
	if len(slips) == 0 || path == "" {
		return nil
	}
	st, err := c.svc().Settings(ctx)
	if err != nil {
		return err
	}
	sheet := handout.Sheet{Company: st.CompanyName, Language: st.Language, Slips: slips}
	if path == "-" {
		if err := handout.WriteCSV(c.env.Stdout, sheet); err != nil {
			return app.Internal(err)
		}
		c.note("The temporary passwords are on standard output, once: hand them out, then delete any copy.")
		return nil
	}
	abs, err := handout.Save(path, sheet, false)
	if err != nil {
		return err
	}
	c.noteN("{{.N}} temporary passwords saved in {{.Path}} (readable by you only): hand them out, then delete the file.", len(slips), "Path", abs)
	return nil
}

// checkNewFile refuses, before anything is written, a path for a file to
// make that exists already (or is a link): the file would not be written at
// the end, when the temporary passwords are made.
func checkNewFile(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return app.Errorf(app.EInvalid, "Cannot write {{.Path}}: {{.Reason}}", "Path", path, "Reason", err.Error())
	}
	if _, err := os.Lstat(abs); err == nil {
		return app.Errorf(app.EConflict, "{{.Path}} already exists: choose another name.", "Path", abs)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return app.Errorf(app.EInvalid, "Cannot write {{.Path}}: {{.Reason}}", "Path", abs, "Reason", err.Error())
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return app.Errorf(app.EInvalid, "The folder of {{.Path}} does not exist.", "Path", abs)
	}
	return nil
}

func runUsersExport(c *call) error {
	fs := c.flags()
	format := fs.String("format", "sesame", "write the file as `FORMAT`: sesame, google, entra or okta")
	sel := addSelectFlags(fs, false)
	pos, err := c.parseAny(fs)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("Give one FILE at most (- or none for standard output).")
	}
	f, err := userfile.ParseFormat(*format)
	if err != nil || f == userfile.HR {
		return usagef("Sésame writes the formats sesame, google, entra and okta, not \"{{.Format}}\".", "Format", *format)
	}
	filter, _, err := sel.filter()
	if err != nil {
		return err
	}
	if err := c.requireSetUp(); err != nil {
		return err
	}
	var w io.Writer = c.env.Stdout
	path := ""
	if len(pos) == 1 && pos[0] != "-" {
		path = pos[0]
		if err := checkNewFile(path); err != nil {
			return err
		}
		// O_EXCL: never through a link, never over a file that appeared since.
		file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return c.failed(c.t.L("Cannot write {{.Path}}: {{.Reason}}", "Path", shown(path), "Reason", err.Error()))
		}
		defer file.Close()
		w = file
	}
	n, err := c.export(w, f, filter)
	if err != nil {
		if path != "" {
			os.Remove(path)
		}
		return err
	}
	if path != "" {
		c.noteN("{{.N}} users written to {{.Path}} (readable by you only).", n, "Path", path)
	}
	return nil
}

// export writes every user that the filter selects, in name order.
func (c *call) export(w io.Writer, f userfile.Format, filter app.UserFilter) (int, error) {
	uw, err := userfile.NewWriter(w, userfile.WriterOptions{Format: f, Language: c.t.Language(), Now: c.svc().Now()})
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		page, err := c.svc().ListUsers(c.ctx, app.UserListQuery{Filter: filter, Offset: n, Limit: listPage})
		if err != nil {
			return n, err
		}
		for _, u := range page.Users {
			if err := uw.Write(u); err != nil {
				return n, app.Internal(err)
			}
		}
		n += len(page.Users)
		if !page.More || len(page.Users) == 0 {
			break
		}
	}
	if err := uw.Flush(); err != nil {
		return n, app.Internal(err)
	}
	return n, nil
}

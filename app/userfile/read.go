package userfile

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"

	"sesame/app"
	"sesame/app/spreadsheet"
)

// MaxSize is the largest file that Read takes, in bytes: far above Google's
// 150,000 rows a file.
const MaxSize = 128 << 20

// maxTitleRows is how many rows may stand above the column names (a title
// that HR put on top of the sheet, say) before Read gives up looking for
// them.
const maxTitleRows = 10

// Options are the choices of the person who imports a file.
type Options struct {
	Format Format // "" to recognise the format from the header
	// NoMailbox makes every login of the file fictitious (no mailbox behind
	// it), except on rows whose own column says otherwise.
	NoMailbox bool
}

// Read reads a file of users. It detects the encoding (by validity: a
// byte-order mark, else UTF-8, else Windows-1252), Excel's "sep=" line and
// Entra's "version:" line, the delimiter (',' ';' or tab, the most frequent
// outside quotes on the first line that has one), the row of column names
// (the first of the first rows in which a column gives the login) and,
// unless opts forces it, the format. Quoted values may hold delimiters,
// doubled quotes and line breaks (RFC 4180).
//
// Each data row becomes a Record with its problems; rows whose login
// appears on an earlier row (compared as logins are, app.EmailKey) have a
// problem too. Blank rows and the example row of Entra's template are left
// out. A file that cannot be read at all (empty, a workbook, an unknown
// encoding, no login column) is an *app.Error of code app.EInvalid.
func Read(r io.Reader, opts Options) (*File, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "The file cannot be read: {{.Reason}}", "Reason", err.Error())
	}
	if len(b) > MaxSize {
		return nil, app.Errorf(app.EInvalid, "The file is larger than {{.Max}} MiB: split it.", "Max", MaxSize>>20)
	}
	text, enc, err := decode(b)
	if err != nil {
		return nil, err
	}
	text, skipped, delim, entra := preamble(text)
	f := &File{Encoding: enc, Delimiter: delim}
	format := opts.Format
	if format == "" && entra {
		format = Entra
	}
	rs := newRows(text, delim, skipped)

	// The header: the first row, of the first few, that names a login column.
	var (
		lay      layout
		found    bool
		firstRow []string // the first row that is not blank, to say what the file holds
	)
	for titles := 0; !found && titles < maxTitleRows; {
		cells, row, _, perr, err := rs.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if perr == nil && isBlank(cells) {
			continue
		}
		titles++
		if perr != nil {
			continue
		}
		if firstRow == nil {
			firstRow = slices.Clone(cells)
		}
		if format != "" {
			lay, found = layoutOf(format, cells)
		} else {
			lay, found = detect(cells)
		}
		if found {
			f.Format, f.HeaderRow, f.Ignored = lay.format, row, lay.ignored
		}
	}
	if !found {
		return nil, noLoginColumn(format, firstRow)
	}

	seen := map[string]int{} // login key → its first row
	for {
		cells, row, line, perr, err := rs.next()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		if perr != nil {
			f.Records = append(f.Records, Record{Row: row, Line: line,
				Problems: []Problem{{Row: row, Message: parseProblem(perr)}}})
			continue
		}
		if isBlank(cells) {
			continue
		}
		rec := lay.record(cells, row, line, opts)
		if lay.format == Entra && isEntraExample(cells, rec.Login) {
			f.ExampleRows = append(f.ExampleRows, row)
			continue
		}
		if key := app.EmailKey(rec.Login); key != "" {
			if first, ok := seen[key]; ok {
				addProblem(&rec, lay.loginColumn(), app.Msg("The same login is already on row {{.Row}}.", "Row", first))
			} else {
				seen[key] = row
			}
		}
		f.Records = append(f.Records, rec)
	}
}

// preamble takes off the lines that stand before the header, Excel's
// "sep=;" (which names the delimiter) and Entra's "version:v1.0", and
// returns the rest of the text, how many lines it took off, the delimiter
// and whether Entra's line was there.
func preamble(text string) (rest string, skipped int, delim rune, entra bool) {
	for {
		line, after := firstLine(text)
		if d, ok := sepLine(line); ok && skipped == 0 {
			delim = d
		} else if isVersionLine(line) && !entra {
			entra = true
		} else {
			break
		}
		text, skipped = after, skipped+1
	}
	if delim == 0 {
		delim = detectDelimiter(text)
	}
	return text, skipped, delim, entra
}

// rows reads the records of a CSV text with their numbers.
type rows struct {
	cr       *csv.Reader
	skipped  int // lines before the text
	embedded int // line breaks inside quoted values so far: lines that are no row
}

func newRows(text string, delim rune, skipped int) *rows {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &rows{cr: cr, skipped: skipped}
}

// next returns the next record's cells (valid until the next call), its
// row as a spreadsheet numbers it and the line of the file where it
// starts; perr when it is not CSV; io.EOF at the end.
func (rs *rows) next() (cells []string, row, line int, perr *csv.ParseError, err error) {
	cells, err = rs.cr.Read()
	switch {
	case err == nil:
		line, _ = rs.cr.FieldPos(0)
	case errors.As(err, &perr):
		line, err = perr.StartLine, nil
	case errors.Is(err, io.EOF):
		return nil, 0, 0, nil, err
	default:
		return nil, 0, 0, nil, app.Internal(err)
	}
	row = rs.skipped + line - rs.embedded
	if perr != nil {
		rs.embedded += perr.Line - perr.StartLine
	} else {
		for _, c := range cells {
			rs.embedded += strings.Count(c, "\n")
		}
	}
	return cells, row, rs.skipped + line, perr, nil
}

func noLoginColumn(format Format, firstRow []string) error {
	expected := expectedLogin(format)
	if format == "" {
		expected += ", Email Address [Required], User name [userPrincipalName] Required"
	}
	var names []string
	for _, c := range firstRow {
		if c = strings.TrimSpace(c); c != "" {
			names = append(names, c)
		}
	}
	if len(names) == 0 {
		return app.Errorf(app.EInvalid, "The file has no row of column names: its first row must name the columns, one of them the login ({{.Expected}}).",
			"Expected", expected)
	}
	return app.Errorf(app.EInvalid, "No column of the file gives the login (expected: {{.Expected}}). Its first row reads: {{.Columns}}.",
		"Expected", expected, "Columns", strings.Join(names, " | "))
}

// record maps the cells of a data row.
func (l *layout) record(cells []string, row, line int, opts Options) Record {
	r := Record{Row: row, Line: line, Columns: l.columns}
	cell := func(t target) string {
		i := l.index[t]
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(spreadsheet.Restore(strings.TrimSpace(cells[i])))
	}
	at := func(t target) string { return l.names[t] }

	r.Login = cell(tLogin)
	if r.Login == "" {
		r.Login = cell(tEmail)
	}
	if r.Login == "" {
		addProblem(&r, l.loginColumn(), app.Msg("The login is empty."))
	}

	name := cell(tName)
	if name == "" {
		name = cell(tFirst) + " " + cell(tLast)
	}
	if name = strings.Join(strings.Fields(name), " "); name != "" {
		r.Name, r.Given = name, r.Given|FieldName
	}
	if v := cell(tRecovery); v != "" {
		r.RecoveryEmail, r.Given = v, r.Given|FieldRecoveryEmail
	}
	if v := cell(tRole); v != "" {
		if role, err := parseRole(v, l.fold(v)); err != nil {
			addProblem(&r, at(tRole), err.Message)
		} else {
			r.Role, r.Given = role, r.Given|FieldRole
		}
	}

	yesNo := func(t target, field Field, set func(bool)) {
		v := cell(t)
		if v == "" {
			return
		}
		if yes, ok := parseYesNo(l.fold(v)); ok {
			set(yes)
			r.Given |= field
		} else {
			addProblem(&r, at(t), app.Msg("\"{{.Value}}\" is neither yes nor no.", "Value", v))
		}
	}
	yesNo(tMailbox, FieldMailbox, func(yes bool) { r.HasMailbox = yes })
	yesNo(tFictitious, FieldMailbox, func(yes bool) { r.HasMailbox = !yes })
	if opts.NoMailbox && !r.Has(FieldMailbox) {
		r.HasMailbox, r.Given = false, r.Given|FieldMailbox
	}

	yesNo(tDisabled, FieldDisabled, func(yes bool) { r.Disabled = yes })
	yesNo(tEnabled, FieldDisabled, func(yes bool) { r.Disabled = !yes })
	if v := cell(tStatus); v != "" {
		if disabled, ok := parseStatus(v); ok {
			r.Disabled, r.Given = disabled, r.Given|FieldDisabled
		} else {
			addProblem(&r, at(tStatus), app.Msg("\"{{.Value}}\" is not a status: use Active or Suspended.", "Value", v))
		}
	} else if disabled, ok := parseStatus(cell(tReadStatus)); ok {
		r.Disabled, r.Given = disabled, r.Given|FieldDisabled
	}

	pw := cell(tPassword)
	if l.format == Google && strings.Trim(pw, "*") == "" {
		pw = "" // Google's "****": leave the password as it is
	}
	switch hash := cell(tHashFunction); {
	case pw != "" && hash != "":
		addProblem(&r, at(tHashFunction), app.Msg("The password is given hashed with {{.Function}}, which Sésame cannot use: give it in clear, or leave it empty to have a temporary password generated.",
			"Function", hash))
	case pw != "":
		r.Password, r.Given = pw, r.Given|FieldPassword
	}
	yesNo(tChangePassword, 0, func(yes bool) {
		if yes {
			r.Given |= FieldPassword
		}
	})

	if l.width < len(cells) && !isBlank(cells[l.width:]) {
		addProblem(&r, "", app.Msg("This row has more values than there are column names: a value that holds the delimiter must be in quotes."))
	}
	return r
}

func addProblem(r *Record, column string, m app.Message) {
	r.Problems = append(r.Problems, Problem{Row: r.Row, Column: column, Message: m})
}

func (l *layout) loginColumn() string {
	if l.index[tLogin] >= 0 {
		return l.names[tLogin]
	}
	return l.names[tEmail]
}

// parseProblem says in words why a row is not CSV.
func parseProblem(err *csv.ParseError) app.Message {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return app.Msg("A quote stands inside a value that does not start with one: put the whole value in quotes and double the quote.")
	case errors.Is(err, csv.ErrQuote):
		return app.Msg("A value opens a quote that is not closed, or holds a quote that is not doubled.")
	}
	return app.Msg("This row cannot be read as CSV.")
}

// isEntraExample reports whether a row is the example that Entra's
// template ships: its values start with "Example:" in some versions, and
// its user is Chris Green of Contoso, Microsoft's fictitious company.
func isEntraExample(cells []string, login string) bool {
	for _, c := range cells {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(c)), "example:") {
			return true
		}
	}
	return app.EmailKey(login) == "chris@contoso.com"
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func firstLine(text string) (line, rest string) {
	i := strings.IndexByte(text, '\n')
	if i < 0 {
		return strings.TrimSuffix(text, "\r"), ""
	}
	return strings.TrimSuffix(text[:i], "\r"), text[i+1:]
}

// sepLine reads Excel's "sep=;" line, which names the delimiter.
func sepLine(line string) (rune, bool) {
	line = strings.Trim(line, "\"")
	if len(line) == 5 && strings.EqualFold(line[:4], "sep=") && strings.ContainsRune(",;\t|", rune(line[4])) {
		return rune(line[4]), true
	}
	return 0, false
}

// isVersionLine recognises the first line of Entra's template,
// "version:v1.0", with the delimiters that a spreadsheet adds after it.
func isVersionLine(line string) bool {
	line = strings.ToLower(strings.Trim(line, " \"',;\t"))
	return strings.HasPrefix(line, "version:v")
}

// detectDelimiter returns the most frequent of tab, ';' and ',' outside
// quotes on the first of the first lines that holds one of them (a tie
// goes in that order: the rarer a delimiter, the likelier it was meant),
// and ',' when none does.
func detectDelimiter(text string) rune {
	candidates := []rune{'\t', ';', ','}
	var counts [3]int
	quoted, lines := false, 0
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n':
			if best := bestDelimiter(candidates, counts); best != 0 {
				return best
			}
			if lines++; lines == maxTitleRows {
				return ','
			}
		default:
			if i := slices.Index(candidates, r); i >= 0 {
				counts[i]++
			}
		}
	}
	if best := bestDelimiter(candidates, counts); best != 0 {
		return best
	}
	return ','
}

func bestDelimiter(candidates []rune, counts [3]int) rune {
	best := -1
	for i, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	return candidates[best]
}

// Package config reads Sésame's configuration files, in TOML
// (https://toml.io/en/v1.0.0): the workstation's, set up once by its
// administrator (/etc/sesame/sesame.toml), then the user's
// (os.UserConfigDir()/sesame/sesame.toml), whose settings win. Flags and
// the environment win over both; main applies them.
//
// A file holds top-level keys only:
//
//	database = "postgres://sesame@db.acme.example/sesame?sslmode=verify-full"
//	language = "fr"
//	kiosk = true
//
// A file that is missing is no error; one that cannot be read, is not
// valid TOML, or holds an unknown key or a bad value is, and its error
// names the file, the line and the key.
package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"sesame/app"
)

// SystemEnv names the variable that, when set, replaces the path of the
// workstation's file (SystemPath): for tests, and for a workstation that
// keeps it elsewhere.
const SystemEnv = "SESAME_SYSTEM_CONFIG"

// SystemPath is where the workstation's file is, unless SystemEnv says
// otherwise.
const SystemPath = "/etc/sesame/sesame.toml"

// maxSize is the largest file read: a configuration has three lines.
const maxSize = 64 << 10

// Config is what the files set; a field left empty was set by none.
type Config struct {
	// Database is a SQLite file's path (a relative one is taken from the
	// folder of the file that gives it) or a postgres:// URL.
	Database string
	// Language is "en" or "fr".
	Language string
	// Kiosk opens the window full screen for a shared workstation.
	Kiosk bool
	// Read are the files that were found and read, in order.
	Read []string
}

// Paths are the files read, in order: the workstation's, then the user's
// ("" when the user has no configuration folder).
func Paths() []string {
	system := os.Getenv(SystemEnv)
	if system == "" {
		system = SystemPath
	}
	user := ""
	if dir, err := os.UserConfigDir(); err == nil {
		user = filepath.Join(dir, "sesame", "sesame.toml")
	}
	return []string{system, user}
}

// Load reads the files at paths in order, a later one's settings winning
// over an earlier one's. Missing files and empty paths are skipped.
func Load(paths []string) (Config, error) {
	var c Config
	for _, p := range paths {
		if p == "" {
			continue
		}
		data, err := read(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Config{}, err
		}
		if err := c.parse(p, data); err != nil {
			return Config{}, err
		}
		c.Read = append(c.Read, p)
	}
	return c, nil
}

// read returns the bytes of the file at path, at most maxSize.
func read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err == nil {
		defer f.Close()
		var info fs.FileInfo
		if info, err = f.Stat(); err == nil && !info.Mode().IsRegular() {
			err = errors.New("not a regular file")
		}
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(f, maxSize+1))
	}
	if err != nil {
		e := app.Errorf(app.EInvalid, "The configuration file {{.Path}} cannot be read: {{.Reason}}.", "Path", path, "Reason", reason(err))
		e.Err = err
		return nil, e
	}
	if len(data) > maxSize {
		return nil, app.Errorf(app.EInvalid, "The configuration file {{.Path}} is larger than {{.Max}} bytes: it is not a configuration of Sésame.",
			"Path", path, "Max", maxSize)
	}
	return data, nil
}

// reason is an error from the system without the path, which the message
// names already.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// keys are the settings a file may hold, in the order said to a person.
var keys = []string{"database", "language", "kiosk"}

// parse applies the settings of one file, data read from path.
func (c *Config) parse(path string, data []byte) error {
	// The decoder says where a document is not valid TOML.
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, column := de.Position()
			return app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}, column {{.Column}}: this is not valid TOML ({{.Reason}}).",
				"Path", path, "Line", line, "Column", column, "Reason", strings.TrimPrefix(de.Error(), "toml: "))
		}
		return app.Errorf(app.EInvalid, "{{.Path}}: this is not valid TOML ({{.Reason}}).", "Path", path, "Reason", err.Error())
	}
	// The parser gives each key its line.
	p := unstable.Parser{KeepComments: false}
	p.Reset(data)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			key, line := keyOf(&p, e)
			return unknownKey(path, line, key)
		case unstable.KeyValue:
			key, line := keyOf(&p, e)
			if err := c.set(path, line, key, e.Value()); err != nil {
				return err
			}
		}
	}
	return p.Error()
}

// keyOf is the dotted key of a key-value or a table header, and its line.
func keyOf(p *unstable.Parser, e *unstable.Node) (key string, line int) {
	var parts []string
	for it := e.Key(); it.Next(); {
		if len(parts) == 0 {
			line = p.Shape(it.Node().Raw).Start.Line
		}
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, "."), line
}

func unknownKey(path string, line int, key string) error {
	return app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}: unknown setting “{{.Key}}”: the settings are {{.Keys}}.",
		"Path", path, "Line", line, "Key", key, "Keys", strings.Join(keys, ", "))
}

// set applies one key's value, found on line of path.
func (c *Config) set(path string, line int, key string, v *unstable.Node) error {
	if !slices.Contains(keys, key) {
		return unknownKey(path, line, key)
	}
	text := func() (string, error) {
		if v.Kind != unstable.String {
			return "", app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}: “{{.Key}}” must be a text in double quotes.",
				"Path", path, "Line", line, "Key", key)
		}
		s := strings.TrimSpace(string(v.Data))
		if s == "" {
			return "", app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}: “{{.Key}}” is empty.", "Path", path, "Line", line, "Key", key)
		}
		return s, nil
	}
	switch key {
	case "database":
		s, err := text()
		if err != nil {
			return err
		}
		if !strings.Contains(s, "://") && !filepath.IsAbs(s) {
			s = filepath.Join(filepath.Dir(path), s)
		}
		c.Database = s
	case "language":
		s, err := text()
		if err != nil {
			return err
		}
		l, err := app.ParseLanguage(s)
		if err != nil {
			return app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}: the language “{{.Value}}” is not one Sésame speaks: en or fr.",
				"Path", path, "Line", line, "Value", s)
		}
		c.Language = l.Code
	case "kiosk":
		if v.Kind != unstable.Bool {
			return app.Errorf(app.EInvalid, "{{.Path}}, line {{.Line}}: “{{.Key}}” must be true or false, without quotes.",
				"Path", path, "Line", line, "Key", key)
		}
		c.Kiosk = string(v.Data) == "true"
	}
	return nil
}

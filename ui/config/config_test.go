package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sesame/app"
	"sesame/ui/config"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadOrderAndValues: the later file wins key by key; a relative
// database is taken from its file's folder; missing files are skipped.
func TestLoadOrderAndValues(t *testing.T) {
	dir := t.TempDir()
	system := write(t, dir, "system.toml", "# the workstation\ndatabase = \"/srv/sesame.db\"\nkiosk = true\nlanguage = \"fr\"\n")
	user := write(t, dir, "user.toml", "language = 'EN'\n\n\tdatabase = \"mine/sesame.db\" # a comment\n")
	c, err := config.Load([]string{system, filepath.Join(dir, "missing.toml"), "", user})
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{Database: filepath.Join(dir, "mine/sesame.db"), Language: "en", Kiosk: true, Read: []string{system, user}}
	if c.Database != want.Database || c.Language != want.Language || c.Kiosk != want.Kiosk || strings.Join(c.Read, ",") != strings.Join(want.Read, ",") {
		t.Errorf("got %+v, want %+v", c, want)
	}
	off := write(t, dir, "off.toml", "kiosk = false\ndatabase = \"postgres://h/db\"\n")
	if c, err := config.Load([]string{system, off}); err != nil || c.Kiosk || c.Database != "postgres://h/db" || c.Language != "fr" {
		t.Errorf("kiosk turned off by the later file: %+v %v", c, err)
	}
}

// TestBadFiles: every fault names the file, the line and the key, and
// nothing of a bad file is taken.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, text, want string }{
		{"unknown", "database = \"a.db\"\n\ncolour = \"blue\"\n", "line 3: unknown setting “colour”"},
		{"dotted", "kiosk.enabled = true\n", "line 1: unknown setting “kiosk.enabled”"},
		{"table", "kiosk = true\n[database]\npath = \"x\"\n", "line 2: unknown setting “database”"},
		{"quoted key", "\"Language\" = \"fr\"\n", "line 1: unknown setting “Language”"},
		{"kiosk text", "\n\nkiosk = \"yes\"\n", "line 3: “kiosk” must be true or false"},
		{"database number", "database = 5\n", "line 1: “database” must be a text in double quotes"},
		{"empty database", "language = \"fr\"\ndatabase = \"  \"\n", "line 2: “database” is empty"},
		{"language", "language = \"de\"\n", "line 1: the language “de” is not one Sésame speaks"},
		{"syntax", "kiosk = true\nlanguage = fr\n", "line 2, column"},
		{"duplicate", "kiosk = true\nkiosk = false\n", "line 2"},
		{"unterminated", "database = \"a.db\n", "line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name+".toml", c.text)
			got, err := config.Load([]string{p})
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			text := app.AsError(err).Error()
			if app.CodeOf(err) != app.EInvalid || !strings.Contains(text, p) || !strings.Contains(text, c.want) {
				t.Errorf("error %q, want the file and %q", text, c.want)
			}
		})
	}
}

// TestUnreadable: a folder or a huge file where the file should be is an
// error naming it; a file that is not there is none.
func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "sesame.toml")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load([]string{folder}); err == nil || !strings.Contains(app.AsError(err).Error(), "cannot be read") {
		t.Errorf("a folder: %v", err)
	}
	big := write(t, dir, "big.toml", "# "+strings.Repeat("x", 70<<10)+"\n")
	if _, err := config.Load([]string{big}); err == nil || !strings.Contains(app.AsError(err).Error(), "larger than") {
		t.Errorf("a large file: %v", err)
	}
}

// TestPaths: SESAME_SYSTEM_CONFIG replaces /etc's file; the user's is in
// the configuration folder.
func TestPaths(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/home/alice/.config")
	t.Setenv(config.SystemEnv, "")
	if got := config.Paths(); got[0] != "/etc/sesame/sesame.toml" || got[1] != "/home/alice/.config/sesame/sesame.toml" {
		t.Errorf("paths %v", got)
	}
	t.Setenv(config.SystemEnv, "/opt/sesame.toml")
	if got := config.Paths(); got[0] != "/opt/sesame.toml" {
		t.Errorf("paths %v", got)
	}
}

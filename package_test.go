package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDebianPackage checks the package that `make package` built, named
// by $SESAME_PACKAGE (`make test-package` sets it): its files and their
// modes, its control fields, no maintainer scripts (so that uninstalling
// leaves nothing behind but the users' data), a desktop entry that starts
// the binary with its icon, and a binary that runs.
func TestDebianPackage(t *testing.T) {
	deb := os.Getenv("SESAME_PACKAGE")
	if deb == "" {
		t.Skip("run by make test-package")
	}
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb is missing")
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(args[0], args[1:]...).Output()
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return string(out)
	}

	// The files, with their modes; folders aside.
	want := map[string]string{
		"./usr/bin/sesame":                                     "-rwxr-xr-x",
		"./usr/share/applications/sesame.desktop":              "-rw-r--r--",
		"./usr/share/icons/hicolor/256x256/apps/sesame.png":    "-rw-r--r--",
		"./usr/share/doc/sesame/README.md":                     "-rw-r--r--",
		"./usr/share/doc/sesame/copyright":                     "-rw-r--r--",
		"./usr/share/doc/sesame/examples/sesame.toml":          "-rw-r--r--",
		"./usr/share/doc/sesame/examples/sesame-kiosk.desktop": "-rw-r--r--",
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(run("dpkg-deb", "-c", deb)), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c: %q", line)
		}
		mode, owner, path := f[0], f[1], f[len(f)-1]
		if owner != "root/root" {
			t.Errorf("%s is owned by %s", path, owner)
		}
		if !strings.HasPrefix(path, "./usr/") && path != "./usr/" {
			t.Errorf("%s is outside /usr", path)
		}
		if mode[0] != 'd' {
			got[path] = mode
		}
	}
	for path, mode := range want {
		if got[path] != mode {
			t.Errorf("%s: mode %q, want %q", path, got[path], mode)
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("unexpected file %s", path)
		}
	}

	// The control fields.
	fyneApp, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(fyneApp)
	arch := strings.TrimSpace(run("dpkg", "--print-architecture"))
	field := func(name string) string { return strings.TrimSpace(run("dpkg-deb", "-f", deb, name)) }
	if field("Package") != "sesame" || version == nil || field("Version") != string(version[1]) || field("Architecture") != arch {
		t.Errorf("Package %q, Version %q (FyneApp.toml: %s), Architecture %q (want %s)",
			field("Package"), field("Version"), version, field("Architecture"), arch)
	}
	depends := strings.Split(field("Depends"), ", ")
	for _, lib := range []string{"libc6", "libgl1", "libx11-6", "libxcursor1", "libxrandr2", "libxi6", "libxinerama1", "libxxf86vm1"} {
		if !slices.Contains(depends, lib) {
			t.Errorf("Depends %v lacks %s", depends, lib)
		}
	}
	if field("Maintainer") == "" || !strings.Contains(field("Description"), "\n") || field("Section") != "admin" {
		t.Errorf("Maintainer %q, Section %q, Description %q", field("Maintainer"), field("Section"), field("Description"))
	}

	// No maintainer script: dpkg removes exactly what it installed.
	control := t.TempDir()
	run("dpkg-deb", "-e", deb, control)
	entries, _ := os.ReadDir(control)
	for _, e := range entries {
		if e.Name() != "control" && e.Name() != "md5sums" {
			t.Errorf("the package runs %s when installed or removed", e.Name())
		}
	}

	// What it installs.
	root := t.TempDir()
	run("dpkg-deb", "-x", deb, root)
	desktop, err := os.ReadFile(filepath.Join(root, "usr/share/applications/sesame.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"[Desktop Entry]", "Type=Application", "Name=Sésame", "Exec=sesame", "Icon=sesame", "Terminal=false"} {
		if !slices.Contains(strings.Split(string(desktop), "\n"), line) {
			t.Errorf("the desktop entry lacks %q", line)
		}
	}
	if validate, err := exec.LookPath("desktop-file-validate"); err == nil {
		for _, f := range []string{"usr/share/applications/sesame.desktop", "usr/share/doc/sesame/examples/sesame-kiosk.desktop"} {
			if out, err := exec.Command(validate, filepath.Join(root, f)).CombinedOutput(); err != nil {
				t.Errorf("%s: %s", f, out)
			}
		}
	}
	readme, _ := os.ReadFile("README.md")
	if packaged, _ := os.ReadFile(filepath.Join(root, "usr/share/doc/sesame/README.md")); !bytes.Equal(readme, packaged) {
		t.Error("the packaged README is not the README")
	}
	out, err := exec.Command(filepath.Join(root, "usr/bin/sesame"), "--help").Output()
	if err != nil || !strings.Contains(string(out), "--kiosk") {
		t.Errorf("the packaged binary: %v\n%s", err, out)
	}
}

package ui

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sesame/data/smtp/mailpittest"
)

// TestSmoke runs the real program's window under Xvfb and drives it from
// the keyboard with xdotool (testdata/smoke.sh): sign-in, the enforced
// reset, the account page, sign out, Forgot password?, the administration
// of 100,000 users (search, a card's generated password shown, copied to
// the real clipboard and saved, the settings), in English and French. It
// runs only with SESAME_SMOKE=1 and SESAME_BIN set to a built binary; the
// screenshots go to SESAME_SHOTS (docs/screenshots, say), or to a
// temporary folder.
func TestSmoke(t *testing.T) {
	bin, shots := smokeSetup(t)
	out, err := xvfbRun(t, 0, bin, "testdata/smoke.sh", bin, t.TempDir(), shots)
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("smoke run: %v", err)
	}
	for _, lang := range []string{"en", "fr"} {
		if !strings.Contains(string(out), "smoke: "+lang+" ok") {
			t.Errorf("the %s run did not finish", lang)
		}
		for _, name := range []string{"signin", "reset", "reset-ready", "account", "signin-narrow", "forgot", "admin",
			"admin-users", "admin-users-end", "admin-card", "admin-card-narrow", "admin-narrow", "admin-settings", "admin-audit", "admin-mail"} {
			checkScreenshot(t, filepath.Join(shots, name+"-"+lang+".png"))
		}
	}
}

// smokeSetup skips the test unless SESAME_SMOKE=1, checks that the tools
// are there (besides extra ones) and returns the binary under test (the
// one built with -race, SESAME_RACE_BIN, when there is one) and where
// screenshots go.
func smokeSetup(t *testing.T, extra ...string) (bin, shots string) {
	t.Helper()
	if os.Getenv("SESAME_SMOKE") != "1" {
		t.Skip("set SESAME_SMOKE=1 and SESAME_BIN to run the real window under Xvfb")
	}
	bin = os.Getenv("SESAME_RACE_BIN")
	if bin == "" {
		bin = os.Getenv("SESAME_BIN")
	}
	if bin == "" {
		t.Fatal("SESAME_BIN names no binary: build one with go build -tags sqlite_fts5")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range append([]string{"xvfb-run", "xdotool", "import", "bash", "xclip"}, extra...) {
		if _, err := exec.LookPath(tool); err != nil {
			// Asked for (SESAME_SMOKE=1) but impossible: a failure, not a skip,
			// so that a machine without the tools never passes silently.
			t.Fatalf("%s is missing: apt-get install xvfb xauth xdotool imagemagick xclip (make test does)", tool)
		}
	}
	shots = os.Getenv("SESAME_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	return bin, shots
}

// TestSmokeRecovery runs "Forgot password?" in the real window against a
// real SMTP server (testdata/smoke-recovery.sh): the code is read from the
// message that mailpit received and typed into the window, then a new
// password, which the command line then signs in with. Same switches as
// TestSmoke; mailpit comes from SESAME_MAILPIT (make test installs it).
func TestSmokeRecovery(t *testing.T) {
	bin, shots := smokeSetup(t, "curl")
	srv := mailpittest.Start(t, 0)
	out, err := xvfbRun(t, 1, bin, "testdata/smoke-recovery.sh",
		bin, t.TempDir(), shots, strconv.Itoa(srv.SMTPPort), strconv.Itoa(srv.HTTPPort))
	t.Logf("%s", out)
	if err != nil || !strings.Contains(string(out), "smoke: recovery ok") {
		t.Fatalf("recovery smoke run: %v", err)
	}
	for _, name := range []string{"recovery-window-code-fr", "recovery-window-done-fr"} {
		checkScreenshot(t, filepath.Join(shots, name+".png"))
	}
}

// xvfbRun runs a smoke script under a display of its own and returns what
// it printed. The smoke runs mostly wait for the window (all the more with
// a binary built with -race, which runs several times slower, so the run
// waits and types slower too): they run at once, each from its own server
// number (slot), so that two never take the same display.
func xvfbRun(t *testing.T, slot int, bin, script string, args ...string) ([]byte, error) {
	t.Helper()
	t.Parallel()
	xvfb := []string{"-a", "-n", strconv.Itoa(150 + 40*slot + os.Getpid()%20), "-s", "-screen 0 1280x800x24", "bash", script}
	cmd := exec.Command("xvfb-run", append(xvfb, args...)...)
	cmd.Env = os.Environ()
	if bin == os.Getenv("SESAME_RACE_BIN") {
		cmd.Env = append(cmd.Env, "SMOKE_SLOW=4")
	}
	return cmd.CombinedOutput()
}

// checkScreenshot fails unless path is a PNG of a window, not a blank one.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	b := img.Bounds()
	if b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("%s is %dx%d: not a window", path, b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	if len(colours) < 10 {
		t.Errorf("%s has %d colours: a blank window?", path, len(colours))
	}
}

// TestSmokeImport runs ui/testdata/smoke-import.sh: Administration → Users
// → Import… in the real window, in English and French, with the file dialog
// of the system, the preview, the confirmation, the result and the
// hand-out saved as PDF.
func TestSmokeImport(t *testing.T) {
	bin, shots := smokeSetup(t, "pdftotext")
	out, err := xvfbRun(t, 2, bin, "testdata/smoke-import.sh",
		bin, t.TempDir(), shots, filepath.Join("..", "app", "userfile", "testdata", "google-upload.csv"))
	t.Logf("%s", out)
	for _, lang := range []string{"en", "fr"} {
		if err != nil || !strings.Contains(string(out), "smoke: import "+lang+" ok") {
			t.Fatalf("import smoke run (%s): %v", lang, err)
		}
		for _, name := range []string{"import", "import-preview", "import-confirm", "import-result"} {
			checkScreenshot(t, filepath.Join(shots, name+"-"+lang+".png"))
		}
	}
}

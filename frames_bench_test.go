package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sqlite"
)

// BenchmarkWindowFramesBulkReset runs the real window (Fyne's GLFW driver
// under Xvfb, a binary built with the tag framemeter: see framemeter.go) on
// a real file of $SESAME_FRAMES_USERS generated users (10,000 unless set)
// and their administrator, and drives it with xdotool as an administrator
// would: sign-in, "company.example" in the search box (every generated
// user), Ctrl+A in the table, Actions → Reset passwords…, the start button
// of the plan. Meanwhile the mouse moves and the wheel scrolls over the
// table, so that frames are drawn. It measures the window's frames twice:
// for scrollSeconds with the plan on view and nothing running (the peer:
// what scrolling alone costs this machine), then from the start button to
// the batch's row in the audit log. A frame is the time between two turns
// of Fyne's draw loop (input, animations, layout and painting; 1/60 s when
// nothing holds the loop up); "late" is how long a callback queued with
// fyne.Do every 50 ms waited for the UI goroutine. It then hashes a fifth
// of as many passwords alone on every core, the peer of the total time.
// Screenshots go to $SESAME_SHOTS (or a temporary folder): frames-plan.png
// before, frames-run.png about a third of the way, frames-done.png at the
// end. With $SESAME_FRAMES_TRACE set to a file, the window's execution
// trace of the ten seconds before frames-run.png is written there, and
// those around the first long frames to FILE.long1… (see framemeter.go).
// $SESAME_FRAMES_SCROLL sets the seconds of scrolling alone (10); with
// $SESAME_FRAMES_STILL=1 the mouse stops when the reset starts (the
// reset's time with the window on view but idle).
//
// It needs Xvfb, xdotool and ImageMagick's import: without them it is
// skipped, unless SESAME_SMOKE=1 asks for the real window (then it fails).
func BenchmarkWindowFramesBulkReset(b *testing.B) {
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SESAME_SMOKE") == "1" {
				b.Fatalf("%s is missing: apt-get install xvfb xdotool imagemagick (make deps does)", tool)
			}
			b.Skipf("%s is missing: the real window's frames need Xvfb, xdotool and ImageMagick", tool)
		}
	}
	n := 10_000
	if s := os.Getenv("SESAME_FRAMES_USERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("SESAME_FRAMES_USERS=%q: a number of users", s)
		}
	}
	shots := os.Getenv("SESAME_SHOTS")
	if shots == "" {
		shots = b.TempDir()
	}
	// The binary measured: this source, built with the frame meter, or
	// $SESAME_FRAMES_BIN, built so (to compare two versions).
	bin := os.Getenv("SESAME_FRAMES_BIN")
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "sesame-framemeter")
		build := exec.Command("go", "build", "-tags", "sqlite_fts5,framemeter", "-o", bin, ".")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("building with the frame meter: %v\n%s", err, out)
		}
	}
	for b.Loop() {
		b.StopTimer()
		r := runFrames(b, bin, n, shots)
		b.ReportMetric(r.run.frames.max, "frame-max-ms")
		b.ReportMetric(r.run.frames.p99, "frame-p99-ms")
		b.ReportMetric(float64(r.run.frames.over), "frames>50ms")
		b.ReportMetric(r.run.late.max, "late-max-ms")
		b.ReportMetric(r.scroll.frames.max, "scroll-frame-max-ms")
		b.ReportMetric(r.bulk.Seconds(), "bulk-s")
		b.ReportMetric(r.peer.Seconds(), "peer-s")
		b.Logf("%d users reset in %v; hashing as many alone on every core (%d measured, scaled): %v (ratio %.3f)",
			n, r.bulk.Round(time.Millisecond), r.peerN, r.peer.Round(time.Millisecond), r.bulk.Seconds()/r.peer.Seconds())
		b.Logf("%-34s %7s %8s %8s %8s %8s %8s", "", "count", "median", "p99", "max", ">50 ms", ">16.7ms")
		for _, row := range []struct {
			name string
			s    frameStats
		}{
			{"scrolling, nothing running: frame", r.scroll.frames}, {"scrolling, nothing running: late", r.scroll.late},
			{"during the reset: frame", r.run.frames}, {"during the reset: late", r.run.late},
		} {
			b.Logf("%-34s %7d %8.1f %8.1f %8.1f %8d %8d", row.name, row.s.n, row.s.p50, row.s.p99, row.s.max, row.s.over, row.s.overFrame)
		}
		b.StartTimer()
	}
}

// scrollSeconds is how long the peer of the frames (scrolling alone) is
// measured, unless $SESAME_FRAMES_SCROLL gives another number of seconds
// (as long as the reset, to compare how often a long frame comes).
func scrollSeconds(b *testing.B) float64 {
	s := os.Getenv("SESAME_FRAMES_SCROLL")
	if s == "" {
		return 10
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		b.Fatalf("SESAME_FRAMES_SCROLL=%q: a number of seconds", s)
	}
	return n
}

type frameRun struct {
	scroll, run phaseStats
	bulk, peer  time.Duration
	peerN       int
}

type phaseStats struct{ frames, late frameStats }

// frameStats are durations in milliseconds.
type frameStats struct {
	n               int
	p50, p99, max   float64
	over, overFrame int // longer than 50 ms, than a 60 Hz frame (with 1 ms of slack)
}

func statsOf(ds []float64) frameStats {
	s := frameStats{n: len(ds)}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	rank := func(p float64) float64 { return ds[max(0, int(math.Ceil(p*float64(len(ds))))-1)] }
	s.p50, s.p99, s.max = rank(0.5), rank(0.99), ds[len(ds)-1]
	for _, d := range ds {
		if d > 50 {
			s.over++
		}
		if d > 1000.0/60+1 {
			s.overFrame++
		}
	}
	return s
}

// runFrames makes the directory, opens the window under a display of its
// own, and measures.
func runFrames(b *testing.B, bin string, n int, shots string) frameRun {
	dir := b.TempDir()
	db := filepath.Join(dir, "sesame.db")
	cli := func(args ...string) string {
		cmd := exec.Command(bin, append([]string{"--db", db}, args...)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("sesame %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	lines := strings.Split(cli("init", "--company", "Acme", "--admin", "admin@acme.example", "--name", "Alice Admin"), "\n")
	temporary := lines[len(lines)-1]
	cli("dev", "generate", strconv.Itoa(n))

	display := startXvfb(b)
	frames := filepath.Join(dir, "frames.txt")
	window := exec.Command(bin, "--db", db, "--lang", "en")
	window.Env = append(os.Environ(), "DISPLAY="+display, "SESAME_FRAMES="+frames, "LANG=en_US.UTF-8")
	tracing := os.Getenv("SESAME_FRAMES_TRACE") != ""
	window.Stderr = os.Stderr
	if err := window.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		window.Process.Kill()
		window.Wait()
	}()
	x := func(args ...string) string {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("xdotool %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	pause := func(s float64) { time.Sleep(time.Duration(s * float64(time.Second))) }
	wid := strings.Fields(x("search", "--sync", "--name", "^Sésame$"))[0]
	// Without a window manager these may report a failure that did no
	// harm (as in ui/testdata/smoke.sh): the screenshots show the outcome.
	for _, args := range [][]string{{"windowsize", "--sync", wid, "1100", "720"}, {"windowmove", "--sync", wid, "0", "0"}, {"windowfocus", "--sync", wid}} {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		cmd.Run()
	}
	pause(2)
	shot := func(name string) {
		cmd := exec.Command("import", "-window", "root", "-crop", "1100x720+0+0", "+repage", filepath.Join(shots, name+".png"))
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Errorf("screenshot %s: %v\n%s", name, err, out)
		}
	}

	// The administrator's first sign-in, with the reset of the temporary
	// password, as in ui/testdata/smoke.sh.
	good := "violet tramway umbrella 1987"
	x("type", "--delay", "20", "admin@acme.example")
	x("key", "Tab")
	x("type", "--delay", "20", temporary)
	x("key", "Return")
	pause(2)
	x("type", "--delay", "40", good)
	pause(1)
	x("key", "Return")
	pause(1)
	x("type", "--delay", "40", good)
	pause(2)
	x("key", "Return")
	pause(4)
	// Every generated user: the search box has the focus; Down goes to the
	// table, Ctrl+A picks every user that matches.
	x("type", "--delay", "40", "company.example")
	pause(2)
	x("key", "Down")
	pause(0.5)
	x("key", "ctrl+a")
	pause(1)
	// Actions → Reset passwords… (the first item); the plan focuses its
	// start button once counted.
	x("key", "shift+Tab", "shift+Tab")
	x("key", "space")
	pause(1)
	x("key", "Down", "Return")
	pause(3)
	shot("frames-plan")

	// The peer: scrolling the table with nothing running.
	scrollFrom := time.Now()
	stopMouse := moveMouse(display, wid)
	pause(scrollSeconds(b))
	scrollTo := time.Now()

	// The reset, until the batch is in the audit log.
	store, err := sqlite.OpenReadOnly(db)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := app.NewService(app.Config{Store: store})
	if os.Getenv("SESAME_FRAMES_STILL") == "1" {
		// The administrator watches the progress without scrolling: what
		// the window's drawing costs the reset's time.
		stopMouse()
		stopMouse = func() {}
	}
	start := time.Now()
	x("key", "Return")
	var end time.Time
	var batch app.AuditEvent
	shotAt := start.Add(max(2*time.Second, time.Duration(n)*10*time.Millisecond)) // about a third of the way

	for end.IsZero() {
		time.Sleep(250 * time.Millisecond)
		if !shotAt.IsZero() && time.Now().After(shotAt) {
			shot("frames-run")
			shotAt = time.Time{}
			if tracing { // the trace of the last seconds, to $SESAME_FRAMES_TRACE
				window.Process.Signal(syscall.SIGUSR1)
			}
		}
		page, err := svc.AuditPage(context.Background(), app.AuditQuery{Action: app.ActionBulk, Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Events) > 0 {
			batch, end = page.Events[0], time.Now()
			if at := page.Events[0].At; at.After(start) && at.Before(end) {
				end = at
			}
		}
		if time.Since(start) > 2*time.Hour {
			b.Fatal("the reset did not end within two hours")
		}
	}
	want := fmt.Sprintf("%d selected; %d done", n, n)
	if !strings.Contains(batch.Details, want) {
		b.Fatalf("the batch's audit row says %q, want %q", batch.Details, want)
	}
	stopMouse()
	pause(1)
	shot("frames-done")

	r := frameRun{bulk: end.Sub(start)}
	r.scroll = readFrames(b, frames, scrollFrom, scrollTo)
	r.run = readFrames(b, frames, start, end)
	r.peerN = max(1, n/5)
	r.peer = hashAlone(b, r.peerN) * time.Duration(n) / time.Duration(r.peerN)
	return r
}

// startXvfb starts an X server on a free display and returns its name.
func startXvfb(b *testing.B) string {
	rd, wr, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	xvfb.ExtraFiles = []*os.File{wr}
	if err := xvfb.Start(); err != nil {
		b.Fatal(err)
	}
	wr.Close()
	b.Cleanup(func() {
		xvfb.Process.Kill()
		xvfb.Wait()
	})
	line, err := bufio.NewReader(rd).ReadString('\n')
	rd.Close()
	if err != nil {
		b.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// moveMouse moves the pointer over the table and turns the wheel, ten
// steps a second, until the function it returns is called.
func moveMouse(display, wid string) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			// One xdotool a second, which sleeps between its steps.
			var args []string
			for j := range 10 {
				k := i*10 + j
				args = append(args, "mousemove", "--window", wid, strconv.Itoa(40+(k*53)%500), strconv.Itoa(360+(k*37)%330))
				if k%2 == 0 {
					args = append(args, "click", strconv.Itoa(4+(k/20)%2)) // down the table for 2 s, then up
				}
				args = append(args, "sleep", "0.1")
			}
			cmd := exec.Command("xdotool", args...)
			cmd.Env = append(os.Environ(), "DISPLAY="+display)
			cmd.Run()
			select {
			case <-quit:
				return
			default:
			}
		}
	})
	return func() {
		close(quit)
		wg.Wait()
	}
}

// readFrames reads the frame meter's lines of the events from..to.
func readFrames(b *testing.B, path string, from, to time.Time) phaseStats {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var frames, late []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kind string
		var at, d int64
		if _, err := fmt.Sscan(sc.Text(), &kind, &at, &d); err != nil {
			b.Fatalf("%s: %q: %v", path, sc.Text(), err)
		}
		if at < from.UnixNano() || at > to.UnixNano() {
			continue
		}
		ms := float64(d) / 1e6
		switch kind {
		case "frame":
			frames = append(frames, ms)
		case "late":
			late = append(late, ms)
		}
	}
	if err := sc.Err(); err != nil && err != io.EOF {
		b.Fatal(err)
	}
	if len(frames) == 0 {
		b.Fatalf("%s: no frame between %v and %v", path, from, to)
	}
	return phaseStats{frames: statsOf(frames), late: statsOf(late)}
}

// hashAlone hashes n passwords with the production parameters on every
// core, as many at once as there are cores, and returns the time taken.
func hashAlone(b *testing.B, n int) time.Duration {
	h := app.Hasher{}
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for range jobs {
				if _, err := h.Hash("violet tramway umbrella 1987"); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return time.Since(start)
}

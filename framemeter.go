//go:build framemeter

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
)

// A binary built with the tag framemeter records, while its window is
// open, how the window's loop keeps time, into the file that
// $SESAME_FRAMES names (nothing without it). The shipped binary has none
// of this. One line an event: a kind, the Unix time in nanoseconds at which
// it was seen, and a duration in nanoseconds:
//
//	frame T D   a turn of Fyne's draw loop began at T, D after the previous
//	            one: the loop's turn handles input, ticks animations, lays
//	            out and paints what changed, then runs the callbacks queued
//	            with fyne.Do; D is 1/60 s while nothing holds it up
//	late T D    a callback queued with fyne.Do at T ran D later: how long the
//	            UI goroutine was busy with something else (a probe every
//	            frameProbe)
//
// The lines are written by a goroutine of their own, flushed every tenth of
// a second, so that the measure costs the loop a channel send.
//
// With $SESAME_FRAMES_TRACE set too, Go's flight recorder keeps an
// execution trace of the last seconds, written to that file on SIGUSR1
// (go tool trace reads it): what the UI goroutine ran, and when it waited
// for a processor. Each frame longer than longFrame is marked in the trace
// by a log event "frame" (its duration) at its end, and the trace of the
// seconds around the first few of them is written to FILE.long1, .long2…
func init() { meterFrames = startFrameMeter }

// longFrame is the frame the issue allows at most; longTraces is how many
// traces of long frames are kept.
const (
	longFrame  = 50 * time.Millisecond
	longTraces = 6
)

// frameProbe is how often a callback is queued to the UI goroutine: often
// enough to sample the loop, seldom enough not to load it (each callback is
// a turn of the loop, which a starved loop pays for with a wait).
const frameProbe = 50 * time.Millisecond

type frameEvent struct {
	kind string
	at   time.Time
	d    time.Duration
}

func startFrameMeter(a fyne.App) {
	path := os.Getenv("SESAME_FRAMES")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sesame: frame meter:", err)
		return
	}
	var long chan<- struct{}
	if out := os.Getenv("SESAME_FRAMES_TRACE"); out != "" {
		long = recordTrace(out)
	}
	events := make(chan frameEvent, 1<<16)
	go writeFrames(f, events)
	record := func(e frameEvent) {
		select {
		case events <- e:
		default: // the writer is behind: a lost line, never a stalled loop
		}
	}
	a.Lifecycle().SetOnStarted(func() {
		last := time.Now()
		tick := fyne.NewAnimation(time.Second, func(float32) {
			now := time.Now()
			d := now.Sub(last)
			record(frameEvent{"frame", now, d})
			last = now
			if d > longFrame && long != nil {
				trace.Log(context.Background(), "frame", d.String())
				select {
				case long <- struct{}{}:
				default: // a trace is being written
				}
			}
		})
		tick.Curve = fyne.AnimationLinear
		tick.RepeatCount = fyne.AnimationRepeatForever
		tick.Start()
		go func() {
			for range time.Tick(frameProbe) {
				due := time.Now()
				fyne.Do(func() { record(frameEvent{"late", due, time.Since(due)}) })
			}
		}()
	})
}

func writeFrames(f *os.File, events <-chan frameEvent) {
	w := bufio.NewWriter(f)
	flush := time.Tick(100 * time.Millisecond)
	for {
		select {
		case e := <-events:
			fmt.Fprintf(w, "%s %d %d\n", e.kind, e.at.UnixNano(), e.d.Nanoseconds())
		case <-flush:
			if err := w.Flush(); err != nil {
				fmt.Fprintln(os.Stderr, "sesame: frame meter:", err)
				return
			}
		}
	}
}

// recordTrace keeps the last seconds of an execution trace, written to out
// on each SIGUSR1, and to out.longN a second after a long frame is sent on
// the channel it returns.
func recordTrace(out string) chan<- struct{} {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Second, MaxBytes: 256 << 20})
	if err := fr.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "sesame: frame meter:", err)
		return nil
	}
	write := func(path string) {
		f, err := os.Create(path)
		if err == nil {
			_, err = fr.WriteTo(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sesame: frame meter:", err)
		}
	}
	long := make(chan struct{})
	go func() {
		for n := 1; n <= longTraces; n++ {
			<-long
			time.Sleep(time.Second) // what followed the frame too
			write(fmt.Sprintf("%s.long%d", out, n))
			time.Sleep(10 * time.Second) // traces that do not overlap
		}
		// Then no one receives: the meter's sends find no taker and
		// drop the frame's signal.
	}()
	cpu, err := os.Create(out + ".cpu")
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sesame: frame meter:", err)
	}
	asked := make(chan os.Signal, 1)
	signal.Notify(asked, syscall.SIGUSR1)
	go func() {
		for range asked {
			pprof.StopCPUProfile()
			write(out)
		}
	}()
	return long
}

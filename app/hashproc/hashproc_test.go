package hashproc

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sesame/app"
)

// The test binary is its own child, as the program is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == Arg {
		os.Exit(Serve(os.Args[2:], os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

var fast = app.Hasher{Params: app.HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

func TestChildrenHashWithTheParametersGiven(t *testing.T) {
	hashers, stop, err := Start(2, fast)
	if err != nil {
		t.Fatal(err)
	}
	passwords := []string{"violet tramway umbrella 1987", "pässwörd ñ 🔑", "two\nlines and a \x00", "", strings.Repeat("x", 4096)}
	var wg sync.WaitGroup
	for k, h := range hashers {
		wg.Go(func() {
			for _, p := range passwords {
				phc, err := h.Hash(p)
				if err != nil {
					t.Errorf("hasher %d, %q: %v", k, p, err)
					continue
				}
				if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") || !fast.Verify(phc, p) || fast.Verify(phc, p+"!") {
					t.Errorf("hasher %d, %q: %q does not verify as it should", k, p, phc)
				}
			}
		})
	}
	wg.Wait()
	children := make([]*child, len(hashers))
	for i, h := range hashers {
		children[i] = h.(*child)
		if children[i].failed {
			t.Errorf("child %d hashed nothing: this process did", i)
		}
	}
	stop()
	for i, c := range children {
		if c.cmd.ProcessState == nil || !c.cmd.ProcessState.Success() {
			t.Errorf("child %d after stop: %v", i, c.cmd.ProcessState)
		}
	}
}

func TestChildRunsAtLowestPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the priority is set on Linux only")
	}
	hashers, stop, err := Start(1, fast)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := hashers[0].Hash("warm up"); err != nil { // its threads are started
		t.Fatal(err)
	}
	pid := hashers[0].(*child).cmd.Process.Pid
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
		if err != nil {
			t.Fatal(err)
		}
		if nice := 20 - prio; nice != 19 { // the raw system call returns 20 - nice
			t.Errorf("thread %d of the child runs at nice %d, want 19", tid, nice)
		}
	}
	if len(tasks) == 0 {
		t.Error("the child has no thread")
	}
}

// A child that dies leaves the hashing to this process: the caller never
// sees the failure.
func TestDeadChildIsReplacedByThisProcess(t *testing.T) {
	hashers, stop, err := Start(1, fast)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := hashers[0].(*child)
	c.cmd.Process.Kill()
	c.cmd.Process.Wait()
	phc, err := c.Hash("violet tramway umbrella 1987")
	if err != nil || !fast.Verify(phc, "violet tramway umbrella 1987") {
		t.Fatalf("after the child died: %q, %v", phc, err)
	}
	if !c.failed {
		t.Error("the child is not marked as failed")
	}
}

func TestServeRefusesWhatIsNotItsInput(t *testing.T) {
	for _, args := range [][]string{nil, {"19456,2,1,16"}, {"19456,2,1,16,x"}, {"0,2,1,16,32"}, {"19456,2,300,16,32"}} {
		if code := Serve(args, strings.NewReader(""), &bytes.Buffer{}); code != 2 {
			t.Errorf("Serve(%q) = %d, want 2", args, code)
		}
	}
	// A frame longer than any password, or cut short (serve: Serve would
	// lower this test's priority).
	var long bytes.Buffer
	long.Write([]byte{0, 2, 0, 0})
	for name, in := range map[string][]byte{"too long": long.Bytes(), "cut": {0, 0, 0, 9, 'a'}} {
		var out bytes.Buffer
		if err := serve(fast, bytes.NewReader(in), &out); err == nil || out.Len() != 0 {
			t.Errorf("%s: serve gave %v with %d bytes out, want an error and nothing", name, err, out.Len())
		}
	}
}

// Package hashproc hashes passwords with argon2id in child processes of
// lowest priority, for a program that must stay responsive while a bulk
// action or an import hashes on every core: the window.
//
// In the window's own process the hashing could not be made to yield:
// golang.org/x/crypto/argon2 runs each hash on goroutines of its own, on
// any of the process's threads, whatever the priority of the goroutine that
// asked for it; and its 19 MiB a hash made Go collect garbage tens of times
// a second, stopping the UI goroutine at each collection. A child process
// at nice 19 takes every cycle that the window, the display server and the
// renderer leave, and its garbage is its own (docs/BENCHMARKS.md).
//
// The child is the program itself, started with the argument Arg, which
// the program hands to Serve before anything else. A password goes to the
// child through a pipe and its PHC string comes back; neither is stored or
// logged on the way.
package hashproc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/term"

	"sesame/app"
)

// Arg is the argument that makes the program a hashing child.
const Arg = "--hash-worker"

// maxFrame bounds a message (a password or a PHC string), in bytes.
const maxFrame = 1 << 16

// Serve is the child's program: it reads passwords from r, one frame each,
// and writes each one's PHC string (or an error) to w, until r ends. args
// are the arguments after Arg: the hash parameters (see Start). It returns
// the process's exit code.
func Serve(args []string, r io.Reader, w io.Writer) int {
	if f, ok := r.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(os.Stderr, "sesame: "+Arg+" is started by the window to hash passwords; it is not for direct use.")
		return 2
	}
	h, err := parseParams(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sesame: hash worker:", err)
		return 2
	}
	lowerPriority()
	runtime.GOMAXPROCS(1) // one hash at a time, with one lane
	if err := serve(h, bufio.NewReader(r), w); err != nil {
		fmt.Fprintln(os.Stderr, "sesame: hash worker:", err)
		return 1
	}
	return 0
}

func serve(h app.Hasher, r io.Reader, w io.Writer) error {
	for {
		password, err := readFrame(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		phc, err := h.Hash(string(password))
		clear(password)
		reply := "+" + phc
		if err != nil {
			reply = "-" + err.Error()
		}
		if err := writeFrame(w, []byte(reply)); err != nil {
			return err
		}
	}
}

// Start starts n children that hash with h's parameters (set in full, as
// app.Config.HashWorkers gives them). The hashers it
// returns are each for one goroutine at a time; stop ends the children. A
// child that fails afterwards is replaced by hashing in this process, so
// that a bulk action never fails for want of one.
func Start(n int, h app.Hasher) (hashers []app.PasswordHasher, stop func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	var children []*child
	stop = func() {
		for _, c := range children {
			c.close()
		}
	}
	for range n {
		c, err := startChild(exe, h)
		if err != nil {
			stop()
			return nil, nil, err
		}
		children = append(children, c)
		hashers = append(hashers, c)
	}
	return hashers, stop, nil
}

// child is one hashing process.
type child struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	local  app.Hasher // when the child has failed
	failed bool
}

func startChild(exe string, h app.Hasher) (*child, error) {
	cmd := exec.Command(exe, append([]string{Arg}, formatParams(h)...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &child{cmd: cmd, in: in, out: bufio.NewReader(out), local: h}, nil
}

// Hash returns the PHC string of password, made by the child.
func (c *child) Hash(password string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.failed {
		phc, err := c.ask(password)
		if err == nil {
			return phc, nil
		}
		// The child is gone or broken: this process hashes from now on.
		c.failed = true
		c.cmd.Process.Kill()
	}
	return c.local.Hash(password)
}

func (c *child) ask(password string) (string, error) {
	if err := writeFrame(c.in, []byte(password)); err != nil {
		return "", err
	}
	reply, err := readFrame(c.out)
	if err != nil {
		return "", err
	}
	switch {
	case len(reply) > 0 && reply[0] == '+':
		return string(reply[1:]), nil
	case len(reply) > 0 && reply[0] == '-':
		return "", errors.New(string(reply[1:]))
	}
	return "", errors.New("hash worker: a reply of the wrong shape")
}

func (c *child) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.in.Close() // the child ends at the end of its input
	c.cmd.Wait()
}

// writeFrame writes b with its length before it (4 bytes, big-endian).
func writeFrame(w io.Writer, b []byte) error {
	if len(b) > maxFrame {
		return fmt.Errorf("a message of %d bytes, more than %d", len(b), maxFrame)
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err := w.Write(buf)
	clear(buf)
	return err
}

// readFrame reads what writeFrame wrote; io.EOF at the end of r between
// frames.
func readFrame(r io.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxFrame {
		return nil, fmt.Errorf("a message of %d bytes, more than %d", n, maxFrame)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return b, nil
}

// formatParams gives h's parameters as the child's arguments.
func formatParams(h app.Hasher) []string {
	p := h.Params
	return []string{fmt.Sprintf("%d,%d,%d,%d,%d", p.Memory, p.Time, p.Threads, p.SaltLen, p.KeyLen)}
}

func parseParams(args []string) (app.Hasher, error) {
	if len(args) != 1 {
		return app.Hasher{}, fmt.Errorf("want the hash parameters (memory,time,threads,salt,key), got %q", args)
	}
	var v [5]int
	parts := strings.Split(args[0], ",")
	if len(parts) != len(v) {
		return app.Hasher{}, fmt.Errorf("hash parameters %q: want memory,time,threads,salt,key", args[0])
	}
	for i, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1<<22 || i == 2 && n > 255 {
			return app.Hasher{}, fmt.Errorf("hash parameters %q: %q is not a valid number", args[0], s)
		}
		v[i] = n
	}
	return app.Hasher{Params: app.HashParams{Memory: uint32(v[0]), Time: uint32(v[1]), Threads: uint8(v[2]), SaltLen: v[3], KeyLen: v[4]}}, nil
}

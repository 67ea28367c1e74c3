// Package display tells whether the window can be shown: on Linux and the
// BSDs, whether $DISPLAY names an X server that answers (the window is an
// X11 client, under Wayland through Xwayland). It is asked before anything
// is made, so that "sesame" started without a display says so in words,
// instead of making a database and Fyne's settings and then failing in
// GLFW.
package display

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrNone says that no display is set.
var ErrNone = errors.New("no display")

// Check returns nil when the window can be shown, ErrNone when $DISPLAY is
// not set, and an error naming the display when its X server does not
// answer. Other systems always have a display.
func Check() error {
	switch runtime.GOOS {
	case "darwin", "windows", "android", "ios", "js":
		return nil
	}
	d := os.Getenv("DISPLAY")
	if d == "" {
		return ErrNone
	}
	network, address, ok := socket(d)
	if !ok {
		return fmt.Errorf("display %q: not of the form [HOST]:NUMBER[.SCREEN]", d)
	}
	conn, err := net.DialTimeout(network, address, 2*time.Second)
	if err != nil && network == "unix" && runtime.GOOS == "linux" {
		// Xwayland and some servers listen on the abstract socket alone.
		conn, err = net.DialTimeout(network, "@"+address, 2*time.Second)
	}
	if err != nil {
		return fmt.Errorf("display %q: %w", d, err)
	}
	conn.Close()
	return nil
}

// socket is where the X server of a display listens (X(7)): the local
// socket for ":N" or "unix:N", TCP port 6000+N otherwise; a display given
// as a socket's path (macOS's launchd) is that path.
func socket(d string) (network, address string, ok bool) {
	if strings.HasPrefix(d, "/") {
		return "unix", d, true
	}
	colon := strings.LastIndexByte(d, ':')
	if colon < 0 {
		return "", "", false
	}
	host, number := d[:colon], d[colon+1:]
	if dot := strings.IndexByte(number, '.'); dot >= 0 {
		number = number[:dot]
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 0 || n > 59535 {
		return "", "", false
	}
	if host == "" || host == "unix" {
		return "unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n), true
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return "tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), true
}

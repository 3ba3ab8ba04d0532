// Package e2e runs the built binary as a user would: real processes, free
// ports on 127.0.0.1, a config directory of its own per test.
package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	// The binary is built from source by TestMain, out of sight of the test
	// cache; importing the command tree ties the cached result to the code.
	_ "github.com/petstoreapi/petstore-webhooks/internal/cli"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "petstore-webhooks-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "petstore-webhooks")
	build := exec.Command("go", "build", "-ldflags", "-X github.com/petstoreapi/petstore-webhooks/internal/cli.version=e2e", "-o", binary, "../../cmd/petstore-webhooks")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// user is a person on a fresh machine: an empty config directory.
type user struct {
	t   *testing.T
	env []string
	dir string
}

func newUser(t *testing.T) *user {
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "PATH=" + os.Getenv("PATH")}
	return &user{t: t, env: env, dir: dir}
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs the binary to the end.
func (u *user) run(args ...string) result {
	u.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = u.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatal(err)
	}
	r := result{out.String(), errOut.String(), code}
	assertNoStackTrace(u.t, r.stderr)
	return r
}

func assertNoStackTrace(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		t.Fatalf("stack trace on stderr:\n%s", stderr)
	}
}

// listener is a running background command: `listen` or `emulator`.
type listener struct {
	cmd    *exec.Cmd
	URL    string   // listen's URL, or the emulator's base URL
	ready  []string // the ready line's submatches
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{}
	code   int
}

var readyLine = regexp.MustCompile(`Listening on (http://\S+)`)

// listen starts `listen` on a free port and waits for its ready line.
func (u *user) listen(args ...string) *listener {
	u.t.Helper()
	return u.start(readyLine, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...)...)
}

// start runs the binary in the background until a stderr line matches
// ready; with a nil ready it returns at once.
func (u *user) start(ready *regexp.Regexp, args ...string) *listener {
	u.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = u.env
	l := &listener{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout = l.stdout
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		u.t.Fatal(err)
	}
	readyCh := make(chan []string, 1)
	drained := make(chan struct{}) // stderr read to its end
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			l.stderr.Write([]byte(sc.Text() + "\n"))
			if ready == nil {
				continue
			}
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case readyCh <- m:
				default:
				}
			}
		}
	}()
	go func() {
		<-drained // Wait closes the pipe: read it all first
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			l.code = ee.ExitCode()
		}
		close(l.exited)
	}()
	u.t.Cleanup(func() { cmd.Process.Kill(); <-l.exited })
	if ready == nil {
		return l
	}
	select {
	case l.ready = <-readyCh:
		l.URL = l.ready[1]
	case <-l.exited:
		u.t.Fatalf("%s exited before it was ready (code %d):\n%s", args[0], l.code, l.stderr)
	case <-time.After(10 * time.Second):
		u.t.Fatalf("%s not ready after 10s:\n%s", args[0], l.stderr)
	}
	return l
}

// wait waits for the command to exit by itself.
func (l *listener) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-l.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still running after 10s:\n%s", l.cmd.Args[1], l.stderr)
	}
	assertNoStackTrace(t, l.stderr.String())
	return l.code
}

func (l *listener) interrupt(t *testing.T) int { return l.stop(t, syscall.SIGINT) }

func (l *listener) stop(t *testing.T, sig os.Signal) int {
	l.cmd.Process.Signal(sig)
	return l.wait(t)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)

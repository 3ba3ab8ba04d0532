// Package e2e runs the built binary as a user would: real processes, free
// ports on 127.0.0.1, a config directory of its own per test.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
	stdout *output
	stderr *output
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
	l := &listener{cmd: cmd, stdout: &output{}, stderr: &output{}, exited: make(chan struct{})}
	// exec copies both streams into the outputs, and Wait returns once
	// they are copied to their end: after exited, they hold everything.
	cmd.Stdout, cmd.Stderr = l.stdout, l.stderr
	if err := cmd.Start(); err != nil {
		u.t.Fatal(err)
	}
	go func() {
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
	switch l.stderr.await(l.exited, patience, func(lines string) bool { l.ready = firstMatch(ready, lines); return l.ready != nil }) {
	case holds:
		l.URL = l.ready[1]
	case ended:
		u.t.Fatalf("%s exited before it was ready (code %d):\n%s", args[0], l.code, l.stderr)
	case timedOut:
		u.t.Fatalf("%s not ready after %s:\n%s", args[0], patience, l.stderr)
	}
	return l
}

// firstMatch returns the submatches of the first of lines that re matches.
func firstMatch(re *regexp.Regexp, lines string) []string {
	for line := range strings.Lines(lines) {
		if m := re.FindStringSubmatch(strings.TrimSuffix(line, "\n")); m != nil {
			return m
		}
	}
	return nil
}

// wait waits for the command to exit by itself.
func (l *listener) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-l.exited:
	case <-time.After(patience):
		t.Fatalf("%s still running after %s:\n%s", l.cmd.Args[1], patience, l.stderr)
	}
	assertNoStackTrace(t, l.stderr.String())
	return l.code
}

func (l *listener) interrupt(t *testing.T) int { return l.stop(t, syscall.SIGINT) }

func (l *listener) stop(t *testing.T, sig os.Signal) int {
	l.cmd.Process.Signal(sig)
	return l.wait(t)
}

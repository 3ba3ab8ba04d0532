package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeBlock returns the first fenced block of the given language in the
// README section under heading.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no section %q", heading)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```"+lang+"\n")
	if !ok {
		t.Fatalf("README section %q has no %s block", heading, lang)
	}
	block, _, _ = strings.Cut(block, "```")
	return block
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// readmeShell is a user's shell: the built binary on PATH, a fresh home.
func readmeShell(u *user, script string, env ...string) *exec.Cmd {
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
	cmd.Env = append(append(u.env, "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH")), env...)
	cmd.Dir = u.dir
	return cmd
}

// terminalComment starts a terminal's commands in the quick start.
var terminalComment = regexp.MustCompile(`^# (terminal \d)`)

// The quick start as written: terminal 1's command in the background,
// terminal 2's in the foreground. PETSTORE_LISTEN_ADDR moves both to a free port.
func TestReadmeQuickStart(t *testing.T) {
	block := readmeBlock(t, "Quick start, in two terminals", "sh")
	terminals := map[string][]string{}
	current := ""
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		if m := terminalComment.FindStringSubmatch(line); m != nil {
			current = m[1]
			continue
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			terminals[current] = append(terminals[current], line)
		}
	}
	if len(terminals["terminal 1"]) != 1 || len(terminals["terminal 2"]) == 0 {
		t.Fatalf("quick start: want one command in terminal 1 and some in terminal 2, got %q", terminals)
	}
	u := newUser(t)
	env := "PETSTORE_LISTEN_ADDR=127.0.0.1:" + freePort(t)
	one := readmeShell(u, terminals["terminal 1"][0], env)
	out, errOut := &syncBuffer{}, &syncBuffer{}
	one.Stdout, one.Stderr = out, errOut
	if err := one.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Process.Kill(); one.Wait() })
	eventually(t, "terminal 1's ready line", func() bool { return strings.Contains(errOut.String(), "Ready!") })
	for _, command := range terminals["terminal 2"] {
		if b, err := readmeShell(u, command, env).CombinedOutput(); err != nil {
			t.Fatalf("terminal 2: %s: %v\n%s", command, err, b)
		}
	}
	eventually(t, "the event shown verified in terminal 1", func() bool { return strings.Contains(out.String(), "verified") })
	assertNoStackTrace(t, errOut.String())
}

// The CI script as written, with free ports; it asserts with jq itself.
func TestReadmeCIScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq is needed for this test (apt-get install jq)")
	}
	u := newUser(t)
	script := filepath.Join(u.dir, "ci.sh")
	if err := os.WriteFile(script, []byte(readmeBlock(t, "Use it in CI", "bash")), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := readmeShell(u, "bash "+script, "API_PORT="+freePort(t), "LISTEN_PORT="+freePort(t))
	done := make(chan struct{})
	var b []byte
	var err error
	go func() { b, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the CI script still ran after 60s:\n%s", b)
	}
	if err != nil || !strings.Contains(string(b), "webhook flow OK") {
		t.Fatalf("the README's CI script: %v\n%s", err, b)
	}
	assertNoStackTrace(t, string(b))
}

package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
)

// readmeSection returns the README's section under heading, up to the next.
func readmeSection(t *testing.T, heading string) string {
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
	return section
}

// readmeBlock returns the first fenced block of the given language in the
// README section under heading.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	section := readmeSection(t, heading)
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
	out, errOut := &output{}, &output{}
	one.Stdout, one.Stderr = out, errOut
	if err := one.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Process.Kill(); one.Wait() })
	errOut.waitFor(t, "terminal 1's ready line", func(lines string) bool { return strings.Contains(lines, "Ready!") })
	for _, command := range terminals["terminal 2"] {
		if b, err := readmeShell(u, command, env).CombinedOutput(); err != nil {
			t.Fatalf("terminal 2: %s: %v\n%s", command, err, b)
		}
	}
	out.waitFor(t, "the event shown verified in terminal 1", func(lines string) bool { return strings.Contains(lines, "verified") })
	assertNoStackTrace(t, errOut.String())
}

// ciScript runs the README's CI script as written, with a TMPDIR of its own,
// and returns its output and error, failing after 60 s.
func ciScript(t *testing.T, u *user, env ...string) (string, error) {
	t.Helper()
	script := filepath.Join(u.dir, "ci.sh")
	if err := os.WriteFile(script, []byte(readmeBlock(t, "Use it in CI", "bash")), 0o700); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(u.dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := readmeShell(u, "bash "+script, append(env, "TMPDIR="+tmp)...)
	var out output
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the CI script still ran after 60s:\n%s", out.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the CI script left %s in TMPDIR", left[0].Name())
	}
	assertNoStackTrace(t, out.String())
	return out.String(), err
}

// With its ports taken, by another listen or anything else, the CI script
// says which of its own processes did not start and shows its log; it sends
// nothing to the other listen.
func TestReadmeCIScriptWithAPortTaken(t *testing.T) {
	u := newUser(t)
	other := u.listen("--secret", "whsec_someone_elses_secret")
	_, otherPort, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimSuffix(other.URL, "/webhooks"), "http://"))
	out, err := ciScript(t, u, "API_PORT="+freePort(t), "LISTEN_PORT="+otherPort)
	if err == nil || !strings.Contains(out, "listen did not start:") || strings.Contains(out, "webhook flow OK") {
		t.Fatalf("the CI script with its listen port taken: %v\n%s", err, out)
	}
	if got := other.stdout.String(); got != "" {
		t.Fatalf("the other listen got requests from the CI script:\n%s", got)
	}

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	u = newUser(t)
	out, err = ciScript(t, u, "API_PORT="+strconv.Itoa(taken.Addr().(*net.TCPAddr).Port), "LISTEN_PORT="+freePort(t))
	if err == nil || !strings.Contains(out, "emulator did not start:") {
		t.Fatalf("the CI script with its API port taken: %v\n%s", err, out)
	}
}

// commandLines are a block's commands: its lines that are not blank or comments.
func commandLines(block string) []string {
	var lines []string
	for _, line := range strings.Split(block, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}

// The Set up block's "run it" line as written, in a fresh shell that has Go
// but not $(go env GOPATH)/bin on PATH: it builds, installs and starts listen,
// which then verifies an event. The module and build caches are the test's own
// (GOPROXY=off: nothing is downloaded). Its "test it" line is the test
// command of .ci/run without -race, which needs cgo and so a C compiler.
func TestReadmeSetUp(t *testing.T) {
	lines := commandLines(readmeBlock(t, "Set up", "sh"))
	if len(lines) != 2 {
		t.Fatalf("Set up: want two commands (run it, test it), got %q", lines)
	}
	ci, err := os.ReadFile(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	testIt, _, _ := strings.Cut(lines[1], "#")
	testIt = strings.TrimSpace(testIt)
	for _, command := range strings.Split(testIt, " && ") {
		inCI := strings.Replace(command, "go test ", "go test -race -tags tools ", 1)
		if strings.Contains(command, "-race") || strings.Contains(command, "-tags") || !strings.Contains(string(ci), "\n"+inCI+"\n") {
			t.Errorf("Set up's test line %q: want .ci/run's go vet and go test, without -race and -tags tools", testIt)
		}
	}

	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := func(name string) string {
		out, err := exec.Command(goBin, "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	home := t.TempDir()
	addr := "127.0.0.1:" + freePort(t)
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", lines[0])
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = []string{"HOME=" + home, "PATH=" + filepath.Dir(goBin) + ":/usr/bin:/bin",
		"GOMODCACHE=" + goEnv("GOMODCACHE"), "GOCACHE=" + goEnv("GOCACHE"), "GOPROXY=off", "GOTOOLCHAIN=local",
		"PETSTORE_LISTEN_ADDR=" + addr}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // bash and the listen it starts
	out, errOut := &output{}, &output{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); <-exited })
	ready := func(lines string) bool { return strings.Contains(lines, "Ready!") }
	switch errOut.await(exited, 5*time.Minute, ready) { // a build with a cold cache
	case ended:
		t.Fatalf("Set up: %s\nexited before listen was ready:\n%s%s", lines[0], out, errOut)
	case timedOut:
		t.Fatalf("Set up: listen not ready after 5 min:\n%s", errOut)
	}
	installed := filepath.Join(home, "go", "bin", "petstore-webhooks")
	trigger := exec.Command(installed, "trigger", "pet.adopted")
	trigger.Env = cmd.Env
	if b, err := trigger.CombinedOutput(); err != nil {
		t.Fatalf("trigger with the installed binary: %v\n%s", err, b)
	}
	out.waitFor(t, "the event shown verified", func(lines string) bool { return strings.Contains(lines, "verified") })
	assertNoStackTrace(t, errOut.String())
}

// blocksCommand are the commands that run until stopped: in a README block
// split into terminals, nothing can follow them in their terminal.
var blocksCommand = regexp.MustCompile(`^petstore-webhooks (emulator|listen)( |$)`)

// In every README block split into "# terminal N" parts, a command that runs
// until stopped is the last of its terminal: a line after it would never run.
func TestReadmeTerminalsEndWithTheirBlockingCommand(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(?:sh|bash)\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	checked := 0
	for _, b := range blocks {
		terminal, blocked := "", ""
		for _, line := range strings.Split(b[1], "\n") {
			line = strings.TrimSpace(line)
			if m := terminalComment.FindStringSubmatch(line); m != nil {
				terminal, blocked = m[1], ""
				checked++
				continue
			}
			if terminal == "" || line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if blocked != "" {
				t.Errorf("README, %s: %q comes after %q, which runs until stopped: it never runs", terminal, line, blocked)
			}
			if command, _, _ := strings.Cut(line, "#"); blocksCommand.MatchString(command) && !strings.Contains(command, "--print-") && !strings.Contains(command, "--max-events") {
				blocked = line
			}
		}
	}
	if checked < 5 {
		t.Fatalf("found %d terminals in the README's blocks, want the quick start's and Manage webhooks'", checked)
	}
}

// The README and emulator --help describe the retry schedule the emulator
// follows (whose log says "retry in 1m" after the first attempt).
func TestReadmeRetryScheduleIsTheEmulators(t *testing.T) {
	want := emulator.DescribeSchedule(emulator.DefaultSchedule)
	words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if section := readmeSection(t, "The emulator"); !strings.Contains(words(section), want) {
		t.Errorf("README, The emulator: want %q in\n%s", want, section)
	}
	if help := newUser(t).run("emulator", "--help").stdout; !strings.Contains(words(help), want) {
		t.Errorf("emulator --help: want %q in\n%s", want, help)
	}
}

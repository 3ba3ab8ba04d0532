package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cli"
)

// Examples of --help that are not run, and why. A new example that cannot run
// here belongs on this list; an entry that matches no example fails the test.
var helpExamplesNotRun = append([]notRunExample{
	{regexp.MustCompile(`completion powershell`), "needs PowerShell"},
	{regexp.MustCompile(`completion zsh`), `zsh syntax: ${fpath[1]} is empty in bash, which would write to /`},
}, helpExamplesNeedingTools...)

// notRunExample is an example of --help that is not run, and why.
type notRunExample struct {
	match *regexp.Regexp
	why   string
}

// Examples of --help whose exit status is not 0 when run as written, and why.
var helpExampleExits = []struct {
	match *regexp.Regexp
	code  int
	why   string
}{
	{regexp.MustCompile(`^petstore-webhooks verify .*\.\.\.`), 1, "the signature is elided (...): not valid"},
	{regexp.MustCompile(`^petstore-webhooks trigger .*--scheme standard --secret`), 3, "another provider's scheme and secret: the listen started here answers 401"},
	{regexp.MustCompile(`^petstore-webhooks delete wh_\S+$`), 2, "it asks on a terminal, and without one wants --yes"},
	{regexp.MustCompile(`^petstore-webhooks events prune --older-than \S+$`), 2, "it asks on a terminal, and without one wants --yes"},
}

// The ports that examples name, which the test moves to free ones: 8080 is
// listen's (through PETSTORE_LISTEN_ADDR), 4010 the emulator's, 3000 and 4000
// an app that answers 200, 9000 any other.
var examplePort = regexp.MustCompile(`\b(8080|4010|3000|4000|9000)\b`)

// exampleWebhookID is the webhook id that examples show.
var exampleWebhookID = regexp.MustCompile(`\bwh_[A-Za-z0-9]{16}\b`)

// runsUntilStopped are the examples that serve: they pass once they say Ready.
func runsUntilStopped(line string) bool {
	return regexp.MustCompile(`petstore-webhooks (listen|emulator|inspect)\b`).MatchString(line) && !strings.Contains(line, "--print-")
}

// exampleWorld is a user's machine for a command's examples: the files and
// variables they name, and, when shared, an emulator with a webhook and a
// listen (forwarding to the app) with events in its history.
type exampleWorld struct {
	u         *user
	ports     map[string]string
	webhookID string
}

const exampleEventID = "019b4132-70aa-764f-b315-e2803d882a24"

func newExampleWorld(t *testing.T, shared bool) *exampleWorld {
	t.Helper()
	u := newUser(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(app.Close)
	_, appPort, _ := net.SplitHostPort(app.Listener.Addr().String())
	w := &exampleWorld{u: u, ports: map[string]string{"3000": appPort, "4000": appPort, "8080": freePort(t), "4010": freePort(t), "9000": freePort(t)}}
	u.env = append(u.env, "XDG_DATA_HOME="+filepath.Join(u.dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(u.dir, "state"), "NEW=whsec_new_example_secret", "OLD=whsec_old_example_secret",
		"SECRET=whsec_example_secret", "APP_SECRET=whsec_app_example_secret")
	var event map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("fixtures", "show", "pet.adopted")), &event); err != nil {
		t.Fatal(err)
	}
	event["id"] = exampleEventID
	body, _ := json.Marshal(event)
	files := map[string]string{"event.json": string(body), "captured.json": string(body), "body.txt": "hello\n",
		"adopter.json": `{"data":{"adopter":{"name":"Ada Lovelace"}}}`, "stripe-secret.txt": "whsec_stripe_example_secret\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(u.dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sig := strings.TrimSpace(u.mustRun("sign", filepath.Join(u.dir, "event.json"), "--secret", "whsec_new_example_secret"))
	u.env = append(u.env, "SIG="+sig)
	if !shared {
		u.env = append(u.env, "PETSTORE_LISTEN_ADDR=127.0.0.1:"+w.ports["8080"])
		return w
	}
	u.emulator(filepath.Join(u.dir, "emulator.db"), "--addr", "127.0.0.1:"+w.ports["4010"])
	// The shared listen takes a port the system gives it: a port found free
	// earlier may since be another test's.
	l := u.listen("--forward-to", appPort)
	listenURL, err := url.Parse(l.URL)
	if err != nil {
		t.Fatal(err)
	}
	w.ports["8080"] = listenURL.Port()
	u.env = append(u.env, "PETSTORE_LISTEN_ADDR=127.0.0.1:"+w.ports["8080"])
	secret := strings.TrimSpace(u.mustRun("listen", "--print-secret"))
	w.webhookID = u.registerJSON("--url", l.URL, "--events", "pet.adopted,order.created", "--secret", secret)["id"].(string)
	u.mustRun("trigger", "--raw", filepath.Join(u.dir, "event.json"))
	u.mustRun("trigger", "pet.adopted", "--count", "41")
	return w
}

// rewrite moves the example's fixed ports to the world's and its webhook id
// to the world's webhook; an emulator without --addr gets the world's.
func (w *exampleWorld) rewrite(line string) string {
	line = examplePort.ReplaceAllStringFunc(line, func(p string) string { return w.ports[p] })
	if w.webhookID != "" {
		line = exampleWebhookID.ReplaceAllString(line, w.webhookID)
	}
	if runsUntilStopped(line) && strings.Contains(line, "petstore-webhooks emulator") && !strings.Contains(line, "--addr") {
		line = strings.Replace(line, "petstore-webhooks emulator", "petstore-webhooks emulator --addr 127.0.0.1:"+w.ports["4010"], 1)
	}
	return line
}

// start runs line in the user's shell, in a process group of its own that
// the test ends; its stdout and stderr go to one output.
func (w *exampleWorld) start(t *testing.T, line string) *listener {
	t.Helper()
	cmd := readmeShell(w.u, line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &output{}
	cmd.Stdout, cmd.Stderr = out, out
	sh := &listener{cmd: cmd, stdout: out, stderr: out, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		sh.code = cmd.ProcessState.ExitCode()
		close(sh.exited)
	}()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return sh
}

// run runs one example line: a command that serves until it says Ready, any
// other to its end, with the exit status expected of it.
func (w *exampleWorld) run(t *testing.T, line string, usedExit map[int]bool) {
	t.Helper()
	sh := w.start(t, w.rewrite(line))
	out := sh.stdout
	if runsUntilStopped(line) {
		switch out.await(sh.exited, patience, func(lines string) bool { return strings.Contains(lines, "Ready!") }) {
		case ended:
			t.Errorf("%s\nexited %d before it was ready:\n%s", line, sh.code, out)
			return
		case timedOut:
			t.Errorf("%s\nnot ready after %s:\n%s", line, patience, out)
			return
		}
		assertNoStackTrace(t, out.String())
		return
	}
	want := 0
	for i, e := range helpExampleExits {
		if e.match.MatchString(line) {
			want = e.code
			usedExit[i] = true
		}
	}
	select {
	case <-sh.exited:
		if sh.code != want {
			t.Errorf("%s\nexit %d, want %d:\n%s", line, sh.code, want, out)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s\nstill running after 30s:\n%s", line, out)
	}
	assertNoStackTrace(t, out.String())
}

// exampleLines are an Example's commands, continuation lines joined, in the
// terminals its "# terminal N" comments start ("" before any).
func exampleLines(example string) (terminals []string, lines map[string][]string) {
	lines = map[string][]string{}
	terminal, pending := "", ""
	for _, raw := range strings.Split(example, "\n") {
		line := strings.TrimSpace(raw)
		if pending != "" {
			line = pending + " " + line
			pending = ""
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSpace(strings.TrimSuffix(line, `\`))
			continue
		}
		if m := terminalComment.FindStringSubmatch(line); m != nil {
			terminal = m[1]
			terminals = append(terminals, terminal)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines[terminal] = append(lines[terminal], line)
	}
	return terminals, lines
}

// Every example in every command's --help runs as written (ports and ids
// moved to the test's), with an emulator and a listen that the test starts;
// one that cannot run here is on helpExamplesNotRun with the reason. The
// examples are read from the command tree, so new ones are run too.
func TestHelpExamplesRun(t *testing.T) {
	usedNotRun, usedExit := map[int]bool{}, map[int]bool{}
	var commands []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		commands = append(commands, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cli.Tree())
	ran := 0
	for _, c := range commands {
		if c.Example == "" {
			continue
		}
		terminals, lines := exampleLines(c.Example)
		t.Run(strings.ReplaceAll(c.CommandPath(), " ", "_"), func(t *testing.T) {
			notRun := func(line string) bool {
				for i, n := range helpExamplesNotRun {
					if n.match.MatchString(line) {
						usedNotRun[i] = true
						return true
					}
				}
				return false
			}
			// Lines before any terminal each run on their own, in a
			// world shared by the command's examples (a server in one of
			// its own); the terminals of an example share a fresh world,
			// where each terminal's server keeps running for the next.
			var shared *exampleWorld
			for _, line := range lines[""] {
				if notRun(line) {
					continue
				}
				ran++
				if runsUntilStopped(line) {
					newExampleWorld(t, false).run(t, line, usedExit)
					continue
				}
				if shared == nil {
					shared = newExampleWorld(t, true)
				}
				shared.run(t, line, usedExit)
			}
			if len(terminals) == 0 {
				return
			}
			// A terminal's other commands run in one shell, so that an
			// export holds for the commands after it.
			w := newExampleWorld(t, false)
			for _, terminal := range terminals {
				var script []string
				flush := func() {
					if len(script) > 0 {
						w.run(t, "set -e\n"+strings.Join(script, "\n"), usedExit)
						script = nil
					}
				}
				for _, line := range lines[terminal] {
					if notRun(line) {
						continue
					}
					ran++
					if runsUntilStopped(line) {
						flush()
						w.run(t, line, usedExit)
						continue
					}
					script = append(script, line)
				}
				flush()
			}
		})
	}
	for i, n := range helpExamplesNotRun {
		if !usedNotRun[i] {
			t.Errorf("helpExamplesNotRun: %q (%s) matches no example: remove it", n.match, n.why)
		}
	}
	for i, e := range helpExampleExits {
		if !usedExit[i] {
			t.Errorf("helpExampleExits: %q (%s) matches no example: remove it", e.match, e.why)
		}
	}
	if ran < 50 {
		t.Errorf("ran %d examples, want every one (more than 50)", ran)
	}
}

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

var bundled = []string{"order.created", "order.status_changed", "payment.failed", "payment.succeeded", "pet.adopted", "pet.status_changed"}

// The quick start: listen and trigger agree on a secret with no set-up.
func TestQuickStartEveryBundledEvent(t *testing.T) {
	u := newUser(t)
	l := u.listen()
	if !strings.Contains(l.stderr.String(), "Made a webhook secret and saved it in "+filepath.Join(u.dir, "config", "petstore-webhooks", "config.yaml")) {
		t.Fatalf("listen did not say it made a secret:\n%s", l.stderr)
	}
	r := u.run(append([]string{"trigger", "--url", l.URL}, bundled...)...)
	if r.code != 0 {
		t.Fatalf("trigger exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	sent := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\t(\S+)\t([0-9a-f-]{36})\t200 OK\t\S+$`).FindAllStringSubmatch(r.stdout, -1)
	if len(sent) != len(bundled) {
		t.Fatalf("trigger printed:\n%s", r.stdout)
	}
	if code := l.interrupt(t); code != 0 {
		t.Fatalf("listen exit %d after SIGINT", code)
	}
	for _, s := range sent {
		if !strings.Contains(l.stdout.String(), "-->\t"+s[1]+"\t"+s[2]+"\tverified") {
			t.Errorf("listen did not show %s %s verified:\n%s", s[1], s[2], l.stdout)
		}
	}
	if !strings.Contains(l.stderr.String(), "Stopped. received 6 · verified 6 · unverified 0 · rejected 0 · duplicates 0") {
		t.Fatalf("summary:\n%s", l.stderr)
	}
	fi, err := os.Stat(filepath.Join(u.dir, "config", "petstore-webhooks", "config.yaml"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v %v", fi, err)
	}
	// The ready line went to a pipe, not a person: the secret is masked.
	secret := strings.TrimSpace(u.run("listen", "--print-secret").stdout)
	if !strings.HasPrefix(secret, "whsec_") || strings.Contains(l.stderr.String()+l.stdout.String()+r.stdout+r.stderr, secret) {
		t.Fatalf("secret %q leaked into output", secret)
	}
}

func TestTriggerJSONWithMaxEvents(t *testing.T) {
	u := newUser(t)
	l := u.listen("--format", "json", "--max-events", "2")
	r := u.run("trigger", "pet.adopted", "order.created", "--url", l.URL, "--format", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("trigger exit %d: %s", r.code, r.stderr)
	}
	var sent []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var d map[string]any
		if err := json.Unmarshal([]byte(line), &d); err != nil || d["status"] != 200.0 || d["url"] != l.URL {
			t.Fatalf("trigger line %q: %v", line, err)
		}
		sent = append(sent, d)
	}
	if code := l.wait(t); code != 0 {
		t.Fatalf("listen --max-events exit %d", code)
	}
	got := strings.Split(strings.TrimSpace(l.stdout.String()), "\n")
	if len(got) != 2 {
		t.Fatalf("listen printed:\n%s", l.stdout)
	}
	for i, line := range got {
		var e struct {
			EventID, EventType, Verification string
			Status                           int
			Event                            struct{ Data map[string]any }
			Headers                          map[string]string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("listen line %q: %v", line, err)
		}
		// One vocabulary: what trigger sent is what listen received.
		if e.EventID != sent[i]["eventId"] || e.EventType != sent[i]["eventType"] || e.Verification != "verified" || e.Status != 200 || len(e.Event.Data) == 0 ||
			!strings.HasPrefix(e.Headers["X-Petstore-Signature"], "sha256=") {
			t.Fatalf("listen line %d = %+v", i, e)
		}
	}
}

func TestWrongSecretIsRejectedWithAReason(t *testing.T) {
	u := newUser(t)
	l := u.listen()
	r := u.run("trigger", "pet.adopted", "--url", l.URL, "--secret", "whsec_someone_else")
	if r.code != 3 {
		t.Fatalf("trigger exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "401 Unauthorized: signature does not match the secret") ||
		r.stderr != "Error: 1 of 1 deliveries got a non-2xx answer (1 was 401 Unauthorized): is --secret the receiver's? 'petstore-webhooks listen --print-secret' shows listen's\n" {
		t.Fatalf("trigger output:\n%s%s", r.stdout, r.stderr)
	}
	l.interrupt(t)
	if !regexp.MustCompile(`-->\tpet\.adopted\t[0-9a-f-]{36}\t401 rejected\tsignature does not match the secret`).MatchString(l.stdout.String()) {
		t.Fatalf("listen output:\n%s", l.stdout)
	}
}

func TestUnreachableReceiver(t *testing.T) {
	u := newUser(t)
	l := u.listen()
	url := l.URL
	if code := l.stop(t, syscall.SIGTERM); code != 0 || !strings.Contains(l.stderr.String(), "Stopped. received 0") {
		t.Fatalf("SIGTERM: exit %d\n%s", code, l.stderr)
	}
	r := u.run("trigger", "pet.adopted", "--url", url)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/webhooks")
	if r.code != 4 || !strings.Contains(r.stdout, "connection refused") || r.stderr != "Error: nothing is listening at "+addr+" (connection refused): start 'petstore-webhooks listen --addr "+addr+"' in another terminal, or set --url\n" {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestListenTimeoutBeforeMaxEvents(t *testing.T) {
	u := newUser(t)
	l := u.listen("--max-events", "3", "--timeout", "300ms")
	if code := l.wait(t); code != 5 {
		t.Fatalf("exit %d, want 5:\n%s", code, l.stderr)
	}
	if !strings.Contains(l.stderr.String(), "Error: timed out after 300ms: 0 of 3 events arrived") {
		t.Fatalf("stderr:\n%s", l.stderr)
	}
}

func TestSignAndVerifyCommands(t *testing.T) {
	u := newUser(t)
	file := filepath.Join(u.dir, "body.txt")
	os.WriteFile(file, []byte("Hello, World!"), 0o644)
	secret := "It's a Secret to Everybody"
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if r := u.run("sign", file, "--secret", secret); r.code != 0 || r.stdout != want+"\n" {
		t.Fatalf("sign: %+v", r)
	}
	if r := u.run("verify", file, "--secret", secret, "--signature", want); r.code != 0 {
		t.Fatalf("verify valid: %+v", r)
	}
	r := u.run("verify", file, "--secret", "other", "--signature", want)
	if r.code != 1 || r.stderr != "Error: signature is not valid: signature does not match the secret\n" {
		t.Fatalf("verify invalid: %+v", r)
	}
}

func TestUsageErrorsAndHelp(t *testing.T) {
	u := newUser(t)
	r := u.run("trigger", "pet.sold")
	if r.code != 2 || r.stderr != `Error: unknown event type "pet.sold" (known: order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)`+"\nRun 'petstore-webhooks trigger --help' for usage.\n" {
		t.Fatalf("unknown event: %+v", r)
	}
	if r := u.run("listen", "--bogus"); r.code != 2 || r.stderr != "Error: unknown flag: --bogus\nRun 'petstore-webhooks listen --help' for usage.\n" {
		t.Fatalf("unknown flag: %+v", r)
	}
	if r := u.run("trigr"); r.code != 2 || r.stderr != "Error: unknown command \"trigr\" for \"petstore-webhooks\"\nDid you mean trigger?\nRun 'petstore-webhooks --help' for usage.\n" {
		t.Fatalf("unknown command: %+v", r)
	}
	if r := u.run("events", "foo"); r.code != 2 || r.stdout != "" || r.stderr != "Error: unknown command \"foo\" for \"petstore-webhooks events\"\nRun 'petstore-webhooks events --help' for usage.\n" {
		t.Fatalf("unknown subcommand: %+v", r)
	}
	r = u.run("help", "exit-codes")
	for _, code := range []string{"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  ", "130  "} {
		if !strings.Contains(r.stdout, code) {
			t.Errorf("help exit-codes lacks %q:\n%s", code, r.stdout)
		}
	}
	if r := u.run("--version"); r.stdout != "petstore-webhooks e2e\n" {
		t.Fatalf("--version: %+v", r)
	}
	if r := u.run("version"); r.stdout != "petstore-webhooks e2e\n" {
		t.Fatalf("version: %+v", r)
	}
}

func TestConfigCommands(t *testing.T) {
	u := newUser(t)
	if r := u.run("config", "set", "webhook_secret", "whsec_0123456789abcdefXYZW"); r.code != 0 {
		t.Fatalf("config set: %+v", r)
	}
	r := u.run("config", "list")
	if !strings.Contains(r.stdout, "webhook_secret\twhsec_****XYZW\tfile\n") || !strings.Contains(r.stdout, "api_base\thttps://api.petstoreapi.com/v1\tdefault\n") {
		t.Fatalf("config list:\n%s", r.stdout)
	}
	if r := u.run("config", "list", "--reveal"); !strings.Contains(r.stdout, "whsec_0123456789abcdefXYZW") {
		t.Fatalf("config list --reveal:\n%s", r.stdout)
	}
	if r := u.run("config", "get", "webhook_secret"); r.stdout != "whsec_0123456789abcdefXYZW\n" {
		t.Fatalf("config get: %+v", r)
	}
	if r := u.run("config", "set", "colour", "x"); r.code != 2 {
		t.Fatalf("unknown key: %+v", r)
	}
	if r := u.run("config", "unset", "webhook_secret"); r.code != 0 {
		t.Fatalf("config unset: %+v", r)
	}
	if r := u.run("config", "get", "webhook_secret"); r.code != 1 || r.stderr != "Error: webhook_secret is not set\n" {
		t.Fatalf("config get after unset: %+v", r)
	}
}

func TestFiltersDuplicatesAndSkipVerify(t *testing.T) {
	u := newUser(t)
	raw := filepath.Join(u.dir, "captured.json")
	os.WriteFile(raw, []byte(`{"id":"evt_same","eventType":"pet.adopted","data":{}}`), 0o644)
	l := u.listen("--events", "pet.*", "--max-events", "2")
	for _, args := range [][]string{
		{"trigger", "order.created"}, // answered, not shown
		{"trigger", "--raw", raw},
		{"trigger", "--raw", raw}, // duplicate: shown, not counted
		{"trigger", "pet.status_changed"},
	} {
		if r := u.run(append(args, "--url", l.URL)...); r.code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
	if code := l.wait(t); code != 0 {
		t.Fatalf("listen exit %d", code)
	}
	out := l.stdout.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Contains(out, "order.created") || !strings.HasSuffix(lines[1], "evt_same\tverified\tduplicate") ||
		!strings.Contains(lines[2], "pet.status_changed") {
		t.Fatalf("listen output:\n%s", out)
	}
	if !strings.Contains(l.stderr.String(), "received 4 · verified 4 · unverified 0 · rejected 0 · duplicates 1") {
		t.Fatalf("summary:\n%s", l.stderr)
	}

	l = u.listen("--skip-verify", "--verbose")
	resp, err := http.Post(l.URL, "application/json", strings.NewReader(`{"id":"u1","type":"order.created","data":{"n":1}}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("unsigned POST with --skip-verify: %v %v", resp, err)
	}
	l.interrupt(t)
	if !strings.Contains(l.stdout.String(), "order.created\tu1\tunverified\t(X-Petstore-Signature header missing)\n") ||
		!strings.Contains(l.stdout.String(), "    Content-Type: application/json\n") || !strings.Contains(l.stdout.String(), `      "n": 1`) {
		t.Fatalf("--skip-verify --verbose output:\n%s", l.stdout)
	}
}

func TestUserFixturesAndShow(t *testing.T) {
	u := newUser(t)
	dir := filepath.Join(u.dir, "fixtures")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "shelter.opened.json"), []byte(`{"id":"x","eventType":"shelter.opened","timestamp":"x","data":{"shelterId":"{{id:shl}}","opened":"{{today}}"}}`), 0o644)
	u.env = append(u.env, "PETSTORE_FIXTURES_DIR="+dir)
	r := u.run("fixtures")
	if !strings.Contains(r.stdout, "shelter.opened\tuser fixture\n") || !strings.Contains(r.stdout, "pet.adopted\ta pet was adopted") {
		t.Fatalf("fixtures:\n%s", r.stdout)
	}
	r = u.run("fixtures", "show", "shelter.opened")
	if r.code != 0 || !regexp.MustCompile(`"shelterId":"shl_[A-Za-z0-9]{16}"`).MatchString(r.stdout) || strings.Contains(r.stdout, `"x"`) {
		t.Fatalf("fixtures show:\n%s%s", r.stdout, r.stderr)
	}
	l := u.listen("--format", "json", "--max-events", "2")
	if r := u.run("trigger", "shelter.opened", "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger user fixture: %+v", r)
	}
	if r := u.run("trigger", "--fixture", filepath.Join(dir, "shelter.opened.json"), "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger --fixture: %+v", r)
	}
	l.wait(t)
	if strings.Count(l.stdout.String(), `"eventType":"shelter.opened","status":200`) != 2 {
		t.Fatalf("listen:\n%s", l.stdout)
	}
	// Event names complete in the shell.
	r = u.run("__complete", "trigger", "pet")
	if !strings.Contains(r.stdout, "pet.adopted\ta pet was adopted") || !strings.Contains(r.stdout, "shelter.opened") {
		t.Fatalf("completion:\n%s", r.stdout)
	}
}

func TestColorConfigFileAndEnvironmentHelp(t *testing.T) {
	u := newUser(t)
	other := filepath.Join(u.dir, "elsewhere.yaml")
	if r := u.run("--config", other, "config", "set", "webhook_secret", "whsec_elsewhere"); r.code != 0 {
		t.Fatalf("config set --config: %+v", r)
	}
	if r := u.run("--config", other, "config", "path"); r.stdout != other+"\n" {
		t.Fatalf("config path: %+v", r)
	}
	r := u.run("--config", other, "--color", "always", "trigger", "pet.adopted", "--dry-run")
	if !strings.Contains(r.stdout, "X-Petstore-Signature: sha256=") {
		t.Fatalf("dry run: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(u.dir, "config", "petstore-webhooks", "config.yaml")); !os.IsNotExist(err) {
		t.Fatal("--config still wrote the default config file")
	}
	if r := u.run("--color", "always", "verify", "--signature", "x", "--secret", "s", other); !strings.HasPrefix(r.stderr, "\x1b[") {
		t.Fatalf("--color always left stderr plain: %q", r.stderr)
	}
	if r := u.run("--color", "sometimes", "version"); r.code != 2 || !strings.HasPrefix(r.stderr, `Error: invalid --color "sometimes": want auto, always or never`) {
		t.Fatalf("bad --color: %+v", r)
	}
	r = u.run("help", "environment")
	for _, v := range []string{"PETSTORE_WEBHOOK_SECRET", "PETSTORE_API_KEY", "PETSTORE_API_BASE", "PETSTORE_FIXTURES_DIR", "NO_COLOR", "CLICOLOR_FORCE", "XDG_CONFIG_HOME"} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("help environment lacks %s", v)
		}
	}
}

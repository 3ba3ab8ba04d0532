package e2e

import (
	"encoding/json"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var emulatorReady = regexp.MustCompile(`^export PETSTORE_API_BASE=(\S+)$`)

// emulator starts the emulator on a free port, with its API key from the
// environment, and points the user at it.
func (u *user) emulator(db string, args ...string) *listener {
	u.t.Helper()
	u.env = append(u.env, "PETSTORE_EMULATOR_API_KEY=pk_emulator_e2e", "PETSTORE_API_KEY=pk_emulator_e2e")
	e := u.start(emulatorReady, append([]string{"emulator", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	u.env = append(u.env, "PETSTORE_API_BASE="+e.ready[1])
	return e
}

func (u *user) mustRun(args ...string) string {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		u.t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func (u *user) registerJSON(args ...string) map[string]any {
	u.t.Helper()
	var w map[string]any
	if err := json.Unmarshal([]byte(u.mustRun(append([]string{"register", "--format", "json"}, args...)...)), &w); err != nil {
		u.t.Fatal(err)
	}
	return w
}

func TestManageWebhooksAgainstTheEmulator(t *testing.T) {
	u := newUser(t)
	em := u.emulator(filepath.Join(u.dir, "emulator.db"))
	l := u.listen()
	secret := strings.TrimSpace(u.mustRun("listen", "--print-secret"))

	hook := u.registerJSON("--url", l.URL, "--events", "pet.adopted,order.created", "--secret", secret)
	id := hook["id"].(string)
	if hook["secret"] != secret || hook["status"] != "active" {
		t.Fatalf("registered %v", hook)
	}
	if out := u.mustRun("list"); !strings.HasPrefix(out, id+"\t"+l.URL+"\tpet.adopted,order.created\tactive\t") {
		t.Fatalf("list:\n%s", out)
	}
	if out := u.mustRun("get", id); !strings.Contains(out, "Secret\twhsec_****") || strings.Contains(out, secret) {
		t.Fatalf("get:\n%s", out)
	}
	if out := u.mustRun("test", id); !strings.HasPrefix(out, "✓ Delivered pet.adopted ") {
		t.Fatalf("test:\n%s", out)
	}
	out := u.mustRun("trigger", "order.created", "--api", "--override", "data.order.currency=EUR")
	if !regexp.MustCompile(`^\d\d:\d\d:\d\d\torder.created\t[0-9a-f-]{36}\t` + id + `\tdelivered: 200 OK\t[0-9.]+(µs|ms)\t-\n$`).MatchString(out) {
		t.Fatalf("trigger --api:\n%s", out)
	}
	sentID := strings.Split(out, "\t")[2]
	l.stdout.waitFor(t, "listen shows the event from trigger --api", func(lines string) bool {
		return strings.Contains(lines, "order.created\t"+sentID+"\tverified")
	})
	if !strings.Contains(l.stdout.String(), "pet.adopted\t") {
		t.Fatalf("the test event did not arrive:\n%s", l.stdout)
	}
	u.mustRun("update", id, "--remove-event", "order.created", "--status", "disabled")
	if out := u.mustRun("get", id, "--format", "json"); !strings.Contains(out, `"events":["pet.adopted"]`) || !strings.Contains(out, `"status":"disabled"`) {
		t.Fatalf("after update:\n%s", out)
	}
	if out := u.mustRun("deliveries", id, "--format", "json"); strings.Count(out, `"status":200`) != 2 {
		t.Fatalf("deliveries:\n%s", out)
	}
	if out := u.mustRun("__complete", "get", ""); !strings.Contains(out, id+"\t"+l.URL) {
		t.Fatalf("webhook ids do not complete:\n%s", out)
	}
	if out := u.mustRun("delete", id, "--yes", "--format", "json"); out != `{"deleted":true,"id":"`+id+`"}`+"\n" {
		t.Fatalf("delete --format json: %q", out)
	}
	if r := u.run("get", id); r.code != 6 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("get after delete: %+v", r)
	}
	if r := u.run("register", "--url", l.URL, "--events", "pet.adopted", "--api-key", "tok_wrong"); r.code != 7 || !strings.Contains(r.stderr, "check the API key") {
		t.Fatalf("wrong key: %+v", r)
	}
	l.interrupt(t)
	if !strings.Contains(l.stderr.String(), "verified 2 · unverified 0 · rejected 0") {
		t.Fatalf("listen summary:\n%s", l.stderr)
	}
	if code := em.interrupt(t); code != 0 {
		t.Fatalf("emulator exit %d", code)
	}
	for _, want := range []string{"POST   /v1/webhooks  201", "GET    /v1/webhooks/" + id + "  404", "deliver order.created " + sentID + " → " + l.URL + "  attempt 1/5  200 OK"} {
		if !strings.Contains(em.stdout.String(), want) {
			t.Errorf("emulator log lacks %q:\n%s", want, em.stdout)
		}
	}
}

func TestRetriesDisableTheWebhook(t *testing.T) {
	u := newUser(t)
	em := u.emulator(":memory:", "--retry-schedule", "0s,50ms,50ms")
	hook := u.registerJSON("--url", closedPortURL(t), "--events", "payment.failed")
	id := hook["id"].(string)
	if r := u.run("trigger", "payment.failed", "--api"); r.code != 4 {
		t.Fatalf("trigger --api to a closed port: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The emulator logs an attempt once it is recorded, and the webhook
	// disabled with it.
	em.stdout.waitFor(t, "the emulator disables the webhook", func(lines string) bool { return strings.Contains(lines, "webhook disabled") })
	if out := u.mustRun("get", id, "--format", "json"); !strings.Contains(out, `"status":"disabled"`) {
		t.Fatalf("get once the emulator disabled the webhook:\n%s", out)
	}
	rows := strings.Split(strings.TrimSpace(u.mustRun("deliveries", id)), "\n")
	if len(rows) != 3 {
		t.Fatalf("deliveries:\n%s", strings.Join(rows, "\n"))
	}
	for i, row := range rows {
		if !strings.Contains(row, "\tpayment.failed\t"+string(rune('1'+i))+"\t-\t") || !strings.Contains(row, "connection refused") {
			t.Errorf("attempt %d: %s", i+1, row)
		}
	}
	em.interrupt(t)
	if !strings.Contains(em.stdout.String(), "attempt 3/3  error: dial tcp") || !strings.Contains(em.stdout.String(), "webhook disabled") {
		t.Fatalf("emulator log:\n%s", em.stdout)
	}
}

func TestPendingRetriesSurviveARestart(t *testing.T) {
	u := newUser(t)
	db := filepath.Join(u.dir, "emulator.db")
	em := u.emulator(db, "--retry-schedule", "0s,1500ms,1500ms")
	target := closedPortURL(t)
	hook := u.registerJSON("--url", target, "--events", "pet.adopted")
	id := hook["id"].(string)
	if r := u.run("trigger", "pet.adopted", "--api", "--wait", "0"); r.code != 0 || !strings.HasSuffix(r.stdout, "\tqueued for 1 webhook(s)\n") {
		t.Fatalf("trigger --api --wait 0: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The retry is due 1500 ms after the first attempt: time enough to stop
	// the emulator before it, and short enough not to wait long after.
	em.stdout.waitFor(t, "the first attempt fails", func(lines string) bool { return strings.Contains(lines, "attempt 1/3  error:") })
	em.interrupt(t)
	if strings.Contains(em.stdout.String(), "attempt 2/3") {
		t.Fatalf("the retry came before the emulator stopped: the machine is too slow for the 1500 ms schedule\n%s", em.stdout)
	}

	// The endpoint comes up while the emulator is down; the retry happens after the restart.
	port := strings.TrimSuffix(strings.TrimPrefix(target, "http://127.0.0.1:"), "/webhooks")
	l := u.start(readyLine, "listen", "--addr", "127.0.0.1:"+port, "--secret", hook["secret"].(string), "--max-events", "1")
	u.emulator(db, "--retry-schedule", "0s,1500ms,1500ms")
	if code := l.wait(t); code != 0 {
		t.Fatalf("listen exit %d", code)
	}
	if !strings.Contains(l.stdout.String(), "pet.adopted\t") || !strings.Contains(l.stdout.String(), "\tverified") {
		t.Fatalf("listen:\n%s", l.stdout)
	}
	out := u.mustRun("deliveries", id, "--format", "json")
	var atts []map[string]any
	json.Unmarshal([]byte(out), &atts)
	if len(atts) != 2 || atts[0]["status"] != 0.0 || atts[1]["status"] != 200.0 || atts[1]["attempt"] != 2.0 {
		t.Fatalf("deliveries:\n%s", out)
	}
}

// The first hour's question: did the event reach my receiver? trigger
// --api says, for each webhook, what the emulator's first attempt got:
// listen's 401 and its reason for the wrong secret, a 200 for the right one,
// a refused connection for a closed port; and exits 4.
func TestTriggerAPIReportsWhatEachWebhookAnswered(t *testing.T) {
	u := newUser(t)
	u.emulator(":memory:")
	l := u.listen()
	secret := strings.TrimSpace(u.mustRun("listen", "--print-secret"))
	wrong := u.registerJSON("--url", l.URL, "--events", "pet.adopted", "--secret", "whsec_not_the_listen_secret")["id"].(string)
	right := u.registerJSON("--url", l.URL, "--events", "pet.adopted", "--secret", secret)["id"].(string)
	closed := u.registerJSON("--url", closedPortURL(t), "--events", "pet.adopted")["id"].(string)

	r := u.run("trigger", "pet.adopted", "--api")
	if r.code != 4 || r.stderr != "Error: the API could not reach the webhook in 1 of 3 first attempts\n" {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wants := map[string]*regexp.Regexp{
		wrong:  regexp.MustCompile(`\tanswered 401 Unauthorized: signature does not match the secret\t[0-9.]+(µs|ms)\tretry in 1m$`),
		right:  regexp.MustCompile(`\tdelivered: 200 OK\t[0-9.]+(µs|ms)\t-$`),
		closed: regexp.MustCompile(`\tnot reachable: dial tcp 127\.0\.0\.1:\d+: connect: connection refused\t[0-9.]+(µs|ms)\tretry in 1m$`),
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	for _, line := range lines {
		cells := strings.Split(line, "\t")
		if want := wants[cells[3]]; len(cells) != 7 || want == nil || !want.MatchString(line) {
			t.Errorf("line %q", line)
		}
		delete(wants, cells[3])
	}
	eventID := strings.Split(lines[0], "\t")[2]
	if out := u.mustRun("deliveries", wrong, "--format", "json"); !strings.Contains(out, `"eventId":"`+eventID+`"`) || !strings.Contains(out, `"status":401`) {
		t.Fatalf("deliveries of the wrong secret's webhook:\n%s", out)
	}

	// The same as JSON, and an exit status of 0 once every webhook takes it.
	u.mustRun("delete", wrong, "--yes")
	u.mustRun("delete", closed, "--yes")
	var sent struct {
		EventID    string `json:"eventId"`
		Webhooks   int
		Deliveries []map[string]any
	}
	if err := json.Unmarshal([]byte(u.mustRun("trigger", "pet.adopted", "--api", "--format", "json")), &sent); err != nil || sent.Webhooks != 1 || len(sent.Deliveries) != 1 ||
		sent.Deliveries[0]["webhookId"] != right || sent.Deliveries[0]["outcome"] != "delivered" || sent.Deliveries[0]["status"] != 200.0 {
		t.Fatalf("trigger --api --format json: %+v (%v)", sent, err)
	}
}

// closedPortURL is a URL on 127.0.0.1 where nothing listens, for now.
func closedPortURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String() + "/webhooks"
}

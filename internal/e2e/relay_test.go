package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// app is the developer's application: it records what arrives and checks
// the Petstore signature with its own secret.
type app struct {
	t      *testing.T
	srv    *http.Server
	URL    string
	secret string
	mu     sync.Mutex
	bodies [][]byte
	bad    int
	// arrived gets a line for each request, once the app has taken it in.
	arrived output
}

func startApp(t *testing.T, addr, secret string) *app {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, URL: "http://" + l.Addr().String() + "/hooks", secret: secret}
	a.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		defer a.mu.Unlock()
		defer a.arrived.Write([]byte("request\n"))
		if err := signature.Petstore.Verify(r.Header, body, []string{a.secret}, time.Now()); err != nil {
			a.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		a.bodies = append(a.bodies, body)
	})}
	go a.srv.Serve(l)
	t.Cleanup(func() { a.srv.Close() })
	return a
}

func (a *app) ids() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := map[string]int{}
	for _, b := range a.bodies {
		var e struct{ ID string }
		json.Unmarshal(b, &e)
		ids[e.ID]++
	}
	return ids
}

// waitFor fails the test unless cond comes to hold, checked at each request.
func (a *app) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	a.arrived.waitFor(t, what, func(string) bool { return cond() })
}

func (a *app) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.bodies)
}

func secretOf(u *user) string { return strings.TrimSpace(u.mustRun("listen", "--print-secret")) }

func TestRelayKeepsBytesExact(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	a := startApp(t, "127.0.0.1:0", secret)
	own := startApp(t, "127.0.0.1:0", "whsec_the_apps_own")
	l := u.listen("--forward-to", a.URL)
	l2 := u.listen("--forward-to", own.URL, "--forward-secret", "whsec_the_apps_own", "--history", filepath.Join(u.dir, "h2.db"))

	big := bytes.Repeat([]byte(`{"k":"v","n":1.50}, `), 900*1024/20)
	bodies := map[string][]byte{
		"odd.json":     []byte("{\n\t\"type\" :  \"pet.adopted\",\"id\":\"odd\",   \"z\":1, \"a\":[ 1 ,2 ]\r\n}\n\n"),
		"unicode.json": []byte(`{"id":"uni","eventType":"pet.adopted","data":{"name":"Zoë 🐕 Müller","note":"\u00e9 kept as written"}}`),
		"big.json":     append(append([]byte(`{"id":"big","eventType":"order.created","data":[`), big...), []byte(`{}]}`)...),
	}
	for name, b := range bodies {
		path := filepath.Join(u.dir, name)
		os.WriteFile(path, b, 0o644)
		for _, url := range []string{l.URL, l2.URL} {
			if r := u.run("trigger", "--raw", path, "--url", url); r.code != 0 {
				t.Fatalf("trigger %s: %+v", name, r)
			}
		}
	}
	a.waitFor(t, "the app got the three bodies", func() bool { return a.count() == 3 })
	own.waitFor(t, "the app with its own secret got the three bodies", func() bool { return own.count() == 3 })
	for _, got := range [][][]byte{a.bodies, own.bodies} {
		sums := map[[32]byte]bool{}
		for _, b := range got {
			sums[sha256.Sum256(b)] = true
		}
		for name, b := range bodies {
			if !sums[sha256.Sum256(b)] {
				t.Errorf("%s did not arrive byte for byte", name)
			}
		}
	}
	if a.bad != 0 || own.bad != 0 {
		t.Fatalf("signature failures at the apps: %d, %d", a.bad, own.bad)
	}
	if len(bodies["big.json"]) < 900*1000 {
		t.Fatalf("the big body is only %d bytes", len(bodies["big.json"]))
	}
}

func TestRelayTargetDownThenUp(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	addr := strings.TrimSuffix(strings.TrimPrefix(closedPortURL(t), "http://"), "/webhooks")
	l := u.listen("--forward-to", addr+"/hooks")
	out := u.mustRun("trigger", "pet.adopted", "order.created", "payment.failed", "--url", l.URL, "--format", "json")
	l.stdout.waitFor(t, "failed forwards are shown", func(lines string) bool { return strings.Count(lines, "connection refused") >= 3 })
	a := startApp(t, addr, secret)
	a.waitFor(t, "the app got all three", func() bool { return a.count() >= 3 })
	l.interrupt(t)
	ids := a.ids()
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var d struct{ EventID string }
		json.Unmarshal([]byte(line), &d)
		if ids[d.EventID] != 1 {
			t.Errorf("event %s arrived %d times", d.EventID, ids[d.EventID])
		}
	}
	if len(ids) != 3 {
		t.Fatalf("app got %v", ids)
	}
}

func TestRelaySurvivesSIGKILL(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	addr := strings.TrimSuffix(strings.TrimPrefix(closedPortURL(t), "http://"), "/webhooks")
	history := filepath.Join(u.dir, "history.db")
	l := u.listen("--forward-to", addr, "--history", history)
	// Load, and kill -9 once some events have been answered.
	trig := u.start(nil, "trigger", "pet.adopted", "--count", "400", "--concurrency", "4", "--url", l.URL, "--format", "json")
	trig.stdout.waitFor(t, "some events answered", func(lines string) bool { return strings.Count(lines, `"status":200`) >= 50 })
	l.cmd.Process.Signal(syscall.SIGKILL)
	<-l.exited
	trig.wait(t)
	var answered []string
	for _, line := range strings.Split(strings.TrimSpace(trig.stdout.String()), "\n") {
		var d struct {
			EventID string
			Status  int
		}
		json.Unmarshal([]byte(line), &d)
		if d.Status == 200 {
			answered = append(answered, d.EventID)
		}
	}
	a := startApp(t, addr, secret)
	l = u.start(readyLine, "listen", "--addr", "127.0.0.1:0", "--forward-to", addr, "--history", history)
	a.waitFor(t, "every answered event reaches the app", func() bool {
		ids := a.ids()
		for _, id := range answered {
			if ids[id] == 0 {
				return false
			}
		}
		return true
	})
	l.interrupt(t)
	ids := a.ids()
	for _, id := range answered {
		if ids[id] != 1 {
			t.Errorf("event %s arrived %d times", id, ids[id])
		}
	}
	list := u.mustRun("events", "list", "--history", history, "--limit", "0", "--format", "json")
	for _, id := range answered {
		if !strings.Contains(list, id) {
			t.Errorf("answered event %s is not in the history", id)
		}
	}
	t.Logf("%d events answered before SIGKILL, all delivered once after the restart", len(answered))
}

func TestRelayRoutingFanOutAndPassthrough(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	pets := startApp(t, "127.0.0.1:0", secret)
	all := startApp(t, "127.0.0.1:0", secret)
	l := u.listen("--forward-to", "pet.*="+pets.URL, "--forward-to", all.URL, "--format", "json")
	u.mustRun("trigger", "pet.adopted", "order.created", "--url", l.URL)
	pets.waitFor(t, "routing: the pets app got the pet event", func() bool { return pets.count() == 1 })
	all.waitFor(t, "routing: the other app got both events", func() bool { return all.count() == 2 })
	l.interrupt(t)
	if !strings.Contains(string(pets.bodies[0]), `"pet.adopted"`) {
		t.Fatalf("pets app got %s", pets.bodies[0])
	}
	if n := strings.Count(l.stdout.String(), `"kind":"forward"`); n != 3 {
		t.Fatalf("%d forward lines:\n%s", n, l.stdout)
	}

	teapot := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-App", "teapot")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"brew":"no"}`)
	})}
	tl, _ := net.Listen("tcp", "127.0.0.1:0")
	go teapot.Serve(tl)
	defer teapot.Close()
	l = u.listen("--forward-to", tl.Addr().String(), "--passthrough", "--verbose")
	if r := u.run("trigger", "pet.adopted", "--url", l.URL, "--format", "json"); r.code != 3 || !strings.Contains(r.stdout, `"status":418`) {
		t.Fatalf("trigger through passthrough: %+v", r)
	}
	body := []byte(`{"id":"p1","type":"pet.adopted"}`)
	h, _ := signature.Petstore.Sign(signature.Payload{Body: body}, secret)
	req, _ := http.NewRequest("POST", l.URL, bytes.NewReader(body))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || resp.Header.Get("X-App") != "teapot" || string(answer) != `{"brew":"no"}` {
		t.Fatalf("passthrough answer: %d %v %s", resp.StatusCode, resp.Header, answer)
	}
	l.interrupt(t)
	if !strings.Contains(l.stdout.String(), "<--\t418 I'm a teapot\tPOST\thttp://"+tl.Addr().String()) ||
		!strings.Contains(l.stdout.String(), "\n    {\"brew\":\"no\"}\n") {
		t.Fatalf("listen output:\n%s", l.stdout)
	}
}

func TestEventsCommands(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	a := startApp(t, "127.0.0.1:0", secret)
	history := filepath.Join(u.dir, "h.db")
	l := u.listen("--forward-to", a.URL, "--history", history)
	out := u.mustRun("trigger", "order.created", "--url", l.URL, "--format", "json")
	var sent struct{ EventID string }
	json.Unmarshal([]byte(out), &sent)
	u.run("trigger", "pet.adopted", "--url", l.URL, "--secret", "whsec_wrong")
	a.waitFor(t, "delivered", func() bool { return a.count() == 1 })
	l.interrupt(t)

	var list []map[string]any
	json.Unmarshal([]byte(u.mustRun("events", "list", "--history", history, "--format", "json")), &list)
	if len(list) != 2 || list[0]["state"] != "rejected" || list[0]["status"] != 401.0 || list[1]["eventId"] != sent.EventID || list[1]["state"] != "delivered" {
		t.Fatalf("events list: %v", list)
	}
	if out := u.mustRun("events", "list", "--history", history, "--status", "rejected", "--events", "pet.*"); strings.Count(out, "\n") != 1 {
		t.Fatalf("filtered list:\n%s", out)
	}
	var show map[string]any
	json.Unmarshal([]byte(u.mustRun("events", "show", sent.EventID, "--history", history, "--format", "json")), &show)
	fwds := show["forwards"].([]any)
	if show["eventType"] != "order.created" || len(fwds) != 1 || fwds[0].(map[string]any)["state"] != "delivered" || !strings.Contains(show["body"].(string), sent.EventID) {
		t.Fatalf("events show: %v", show)
	}
	r := u.run("events", "resend", sent.EventID, "--history", history, "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"status":200`) || a.count() != 2 || !bytes.Equal(a.bodies[0], a.bodies[1]) {
		t.Fatalf("events resend: %+v (app has %d)", r, a.count())
	}
	own := startApp(t, "127.0.0.1:0", "whsec_the_apps_own")
	u.env = append(u.env, "PETSTORE_FORWARD_SECRET=whsec_the_apps_own")
	if r := u.run("events", "resend", sent.EventID, "--to", own.URL, "--history", history); r.code != 0 || own.count() != 1 || own.bad != 0 {
		t.Fatalf("events resend re-signed with $PETSTORE_FORWARD_SECRET: %+v (app has %d, %d bad)", r, own.count(), own.bad)
	}
	if r := u.run("events", "show", "nope", "--history", history); r.code != 6 {
		t.Fatalf("unknown event: %+v", r)
	}
	if r := u.run("events", "prune", "--older-than", "0s", "--history", history, "--yes"); r.code != 0 || !strings.HasPrefix(r.stderr, "Pruned 2 request(s)") {
		t.Fatalf("prune: %+v", r)
	}
	if r := u.run("events", "list", "--history", filepath.Join(u.dir, "none.db")); r.code != 1 || !strings.Contains(r.stderr, "no history at") {
		t.Fatalf("missing history: %+v", r)
	}
}

func TestRelayWithoutHistory(t *testing.T) {
	u := newUser(t)
	secret := secretOf(u)
	a := startApp(t, "127.0.0.1:0", secret)
	l := u.listen("--no-history", "--forward-to", a.URL)
	u.mustRun("trigger", "pet.adopted", "order.created", "--url", l.URL)
	a.waitFor(t, "both events forwarded", func() bool { return a.count() == 2 })
	l.interrupt(t)
	if !strings.Contains(l.stderr.String(), "History is off: forwards retry in memory only") {
		t.Fatalf("stderr:\n%s", l.stderr)
	}
	plain := u.listen("--no-history")
	u.mustRun("trigger", "pet.adopted", "--url", plain.URL)
	plain.interrupt(t)
	if _, err := os.Stat(filepath.Join(u.dir, ".local", "state", "petstore-webhooks", "history.db")); !os.IsNotExist(err) {
		t.Fatalf("--no-history wrote a history: %v", err)
	}
}

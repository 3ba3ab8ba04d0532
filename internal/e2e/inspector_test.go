package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var inspectorLine = regexp.MustCompile(`Inspector(?:: | on )(http://\S+)`)

// inspectorURL waits for l's line that names the inspector (it follows
// the ready line) and returns its URL.
func inspectorURL(t *testing.T, l *listener) string {
	t.Helper()
	var m []string
	if l.stderr.await(l.exited, patience, func(lines string) bool { m = firstMatch(inspectorLine, lines); return m != nil }) != holds {
		t.Fatalf("no inspector line in:\n%s", l.stderr)
	}
	return m[1]
}

// getJSON GETs url and decodes its 200 answer into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

type eventList struct {
	Events []struct {
		Number       int64
		EventID      string
		EventType    string
		Verification string
		Scheme       string
	}
}

// The path a new user takes: listen, with nothing but a port, serves the
// inspector, names it in the ready lines, and shows there what arrives.
func TestListenServesTheInspector(t *testing.T) {
	u := newUser(t)
	l := u.listen("--history", filepath.Join(u.dir, "history.db"), "--ui-addr", "127.0.0.1:0")
	ui := inspectorURL(t, l)
	resp, err := http.Get(ui + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("GET /: %s %v", resp.Status, resp.Header)
	}
	stream, err := http.Get(ui + "/api/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if r := u.run("trigger", "pet.adopted", "order.created", "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger exit %d: %s", r.code, r.stderr)
	}
	awaitStreamed(t, stream, "order.created")
	var list eventList
	getJSON(t, ui+"/api/events", &list)
	if len(list.Events) != 2 || list.Events[0].EventType != "order.created" || list.Events[0].Verification != "verified" || list.Events[0].Scheme != "petstore" {
		t.Fatalf("/api/events = %+v", list)
	}
	req, _ := http.NewRequest("GET", ui+"/api/events", nil)
	req.Host = "attacker.example:80"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("Host attacker.example: %s, want 403", resp.Status)
	}
	if code := l.interrupt(t); code != 0 {
		t.Fatalf("listen exit %d:\n%s", code, l.stderr)
	}
}

func TestListenWithoutTheInspector(t *testing.T) {
	for _, args := range [][]string{{"--no-ui"}, {"--no-history"}} {
		u := newUser(t)
		l := u.listen(args...)
		if code := l.interrupt(t); code != 0 || inspectorLine.MatchString(l.stderr.String()) {
			t.Errorf("listen %s: exit %d, an inspector named:\n%s", args, code, l.stderr)
		}
	}
}

// inspect serves a history that a listen records into, beside it: what
// arrives reaches its stream.
func TestInspectBesideListen(t *testing.T) {
	u := newUser(t)
	history := filepath.Join(u.dir, "history.db")
	l := u.listen("--history", history, "--no-ui")
	if r := u.run("trigger", "pet.adopted", "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger exit %d: %s", r.code, r.stderr)
	}
	in := u.start(inspectorLine, "inspect", "--history", history, "--ui-addr", "127.0.0.1:0")
	ui := in.ready[1]
	var list eventList
	getJSON(t, ui+"/api/events", &list)
	if len(list.Events) != 1 || list.Events[0].EventType != "pet.adopted" {
		t.Fatalf("/api/events = %+v", list)
	}
	resp, err := http.Get(ui + "/api/stream?after=" + strconv.FormatInt(list.Events[0].Number, 10))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if r := u.run("trigger", "order.created", "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger exit %d: %s", r.code, r.stderr)
	}
	awaitStreamed(t, resp, "order.created")
	var stats struct{ Received, Verified int }
	getJSON(t, ui+"/api/stats?since=1h", &stats)
	if stats.Received != 2 || stats.Verified != 2 {
		t.Errorf("/api/stats = %+v, want 2 received and verified", stats)
	}
	if code := in.interrupt(t); code != 0 {
		t.Fatalf("inspect exit %d:\n%s", code, in.stderr)
	}
	l.interrupt(t)
}

func TestInspectRefusesAnotherHost(t *testing.T) {
	u := newUser(t)
	r := u.run("inspect", "--ui-addr", "0.0.0.0:4040")
	if r.code != 2 || !strings.Contains(r.stderr, "only a loopback address will do") {
		t.Fatalf("inspect --ui-addr 0.0.0.0:4040: exit %d, %s", r.code, r.stderr)
	}
}

// awaitStreamed reads the inspector's stream until a request of eventType
// arrives on it.
func awaitStreamed(t *testing.T, stream *http.Response, eventType string) {
	t.Helper()
	arrived := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok && strings.Contains(data, `"eventType":"`+eventType+`"`) {
				close(arrived)
				return
			}
		}
	}()
	select {
	case <-arrived:
	case <-time.After(patience):
		t.Fatalf("no %s reached the inspector's stream", eventType)
	}
}

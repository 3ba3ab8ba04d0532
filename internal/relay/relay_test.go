package relay

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestParseTarget(t *testing.T) {
	tests := []struct{ in, glob, url, err string }{
		{"3000", "", "http://localhost:3000", ""},
		{"localhost:3000/hooks", "", "http://localhost:3000/hooks", ""},
		{"https://app.test/h?a=b", "", "https://app.test/h?a=b", ""},
		{"pet.*=3000", "pet.*", "http://localhost:3000", ""},
		{"order.created=127.0.0.1:4000/o", "order.created", "http://127.0.0.1:4000/o", ""},
		{"http://x.test/?k=v=w", "", "http://x.test/?k=v=w", ""},
		{"99999", "", "", `forward target "99999": port 99999 is out of range`},
		{"+3000", "", "http://localhost:3000", ""},
		{"localhost:99999", "", "", `forward target "localhost:99999": port 99999 is out of range`},
		{"localhost:0", "", "", `forward target "localhost:0": port 0 is out of range`},
		{":3000", "", "", `forward target ":3000": want a port, host:port[/path] or an http(s) URL`},
		{"=3000", "", "", `forward target "=3000": empty event glob before =`},
		{"pet.[=3000", "", "", `forward target "pet.[=3000": bad glob "pet.["`},
		{"ftp://x", "", "", `forward target "ftp://x": want a port, host:port[/path] or an http(s) URL`},
		{"pet.*=", "", "", `forward target "pet.*=": no destination`},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseTarget(%q) err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got.Glob != tt.glob || got.URL != tt.url {
			t.Errorf("ParseTarget(%q) = %+v, %v", tt.in, got, err)
		}
	}
	pets, _ := ParseTarget("pet.*=3000")
	if !pets.Matches("pet.adopted") || pets.Matches("order.created") {
		t.Error("glob routing")
	}
}

type app struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	status  []int // answers in turn, then 200
}

func newApp(t *testing.T, status ...int) *app {
	a := &app{status: status}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.bodies, a.headers = append(a.bodies, b), append(a.headers, r.Header.Clone())
		code := 200
		if len(a.status) > 0 {
			code, a.status = a.status[0], a.status[1:]
		}
		a.mu.Unlock()
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(code)
		io.WriteString(w, "app says hi")
	}))
	t.Cleanup(a.Close)
	return a
}

// first returns the first request the app got.
func (a *app) first() (http.Header, []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.headers[0], a.bodies[0]
}

func (a *app) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.bodies)
}

type harness struct {
	st      *store.Store
	relay   *Relay
	mu      sync.Mutex
	results []Result
	cancel  context.CancelFunc
}

func newHarness(t *testing.T, cfg Config) *harness {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st}
	cfg.Store, cfg.Client, cfg.Now, cfg.KeepHistory = st, &http.Client{}, time.Now, true
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = time.Hour
	}
	cfg.OnAttempt = func(r Result) { h.mu.Lock(); h.results = append(h.results, r); h.mu.Unlock() }
	h.relay = New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.relay.Start(ctx)
	t.Cleanup(func() { h.stop(); st.Close() })
	return h
}

var stopOnce sync.Map

func (h *harness) stop() {
	if _, done := stopOnce.LoadOrStore(h, true); !done {
		h.cancel()
		h.relay.Close(time.Second)
	}
}

// send records a request with forwards to targets, as listen does.
func (h *harness) send(t *testing.T, body string, header http.Header, targets ...string) *store.Request {
	req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: header, Body: []byte(body), Status: 200, EventID: "e1", EventType: "pet.adopted"}
	record(t, h.relay, h.st, req, targets)
	return req
}

// record commits req as the history does, with the relay's early attempts.
func record(t *testing.T, rl *Relay, st *store.Store, req *store.Request, targets []string) []store.Forward {
	t.Helper()
	early := rl.Begin(req, targets, true)
	early.Queued()
	fwds, err := st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{targets}, func(f [][]store.Forward) { early.Claim(f[0]) })
	if err != nil {
		t.Fatal(err)
	}
	early.Recorded(fwds[0], nil)
	return fwds[0]
}

// begin starts the first attempt of a request to target, as listen does
// once the request is queued to be committed.
func (h *harness) begin(body, target string) (*store.Request, *Early) {
	req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte(body), Status: 200}
	early := h.relay.Begin(req, []string{target}, true)
	early.Queued()
	return req, early
}

func (h *harness) states(t *testing.T, req *store.Request) []store.Forward {
	fwds, _, err := h.st.Forwards(context.Background(), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fwds
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestForwardsExactBytesAndHeaders(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{Headers: http.Header{"X-Added": {"1"}}})
	body := "{ \"z\":1,\n  \"a\" : \"Zoë ✓\" }  "
	header := http.Header{"X-Petstore-Signature": {"sha256=abc"}, "Connection": {"close"}, "Transfer-Encoding": {"chunked"},
		"Content-Type": {"application/json"}, "X-Custom": {"a", "b"}}
	req := h.send(t, body, header, a.URL)
	waitFor(t, "delivery", func() bool { return a.count() == 1 })
	got, gotBody := a.first()
	if string(gotBody) != body || got.Get("X-Petstore-Signature") != "sha256=abc" || len(got.Values("X-Custom")) != 2 ||
		got.Get("X-Added") != "1" || got.Get("Connection") != "" || got.Get("Content-Type") != "application/json" {
		t.Fatalf("app got %q with %v", gotBody, got)
	}
	waitFor(t, "delivered state", func() bool { return h.states(t, req)[0].State == store.Delivered })
}

func TestForwardSecretResigns(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{ForwardSecret: "whsec_app"})
	h.send(t, `{"id":"1"}`, http.Header{"X-Petstore-Signature": {"sha256=from-the-sender"}}, a.URL)
	waitFor(t, "delivery", func() bool { return a.count() == 1 })
	header, body := a.first()
	if err := signature.Petstore.Verify(header, body, []string{"whsec_app"}, time.Now()); err != nil {
		t.Fatalf("app's own check: %v", err)
	}
}

func TestForwardSchemeResignsInTheAppsScheme(t *testing.T) {
	a := newApp(t)
	stripe, _ := signature.New("stripe", signature.Options{})
	h := newHarness(t, Config{ForwardSecret: "whsec_app", ForwardScheme: stripe})
	h.send(t, `{"id":"1"}`, http.Header{"X-Petstore-Signature": {"sha256=from-the-sender"}}, a.URL)
	waitFor(t, "delivery", func() bool { return a.count() == 1 })
	header, body := a.first()
	if err := stripe.Verify(header, body, []string{"whsec_app"}, time.Now()); err != nil {
		t.Fatalf("app's own check: %v", err)
	}
}

// The loop reads due forwards, then claims them one by one; a forward that a
// fresh submission delivered in between must not go out again.
func TestStaleDueForwardIsNotDeliveredTwice(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{})
	h.stop() // no loop, no workers: the test plays their parts
	req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte("{}"), Status: 200}
	fwds, err := h.st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{{a.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stale := fwds[0][0] // as the loop read it: pending, due
	h.relay.attempt(job{fwd: stale, req: req, token: h.relay.claim(stale.ID)})
	h.relay.attempt(job{fwd: stale, token: h.relay.claim(stale.ID)})
	if a.count() != 1 || h.states(t, req)[0].Attempts != 1 {
		t.Fatalf("app saw %d requests, forward has %d attempts; want 1 and 1", a.count(), h.states(t, req)[0].Attempts)
	}
}

// Without history a delivered request is deleted, and the store may give its
// forward's id to the next forward while the loop holds a claim on the id,
// from a read made before the deletion. The fresh forward goes out once, at
// once; the loop's stale claim does not send it again.
func TestFreshForwardTakesOverAStaleClaimOnItsID(t *testing.T) {
	gate := make(chan struct{}) // holds the second event's first attempt in the app
	var mu sync.Mutex
	got := map[string]int{}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[string(b)]++
		mu.Unlock()
		if string(b) == "2" {
			<-gate
		}
	}))
	defer app.Close()
	count := func(body string) int { mu.Lock(); defer mu.Unlock(); return got[body] }
	h := newHarness(t, Config{})
	time.Sleep(50 * time.Millisecond) // the loop has found nothing due and sleeps
	first := h.send(t, "1", http.Header{}, app.URL)
	waitFor(t, "first delivered", func() bool { return h.states(t, first)[0].State == store.Delivered })
	old := h.states(t, first)[0]
	if err := h.st.DeleteFinished(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	stale := h.relay.claim(old.ID) // the loop, claiming what it read before the deletion

	second := h.send(t, "2", http.Header{}, app.URL)
	if fresh := h.states(t, second)[0]; fresh.ID != old.ID {
		t.Fatalf("the store gave id %d, not the deleted %d: the test does not test the case", fresh.ID, old.ID)
	}
	waitFor(t, "the first attempt at the app", func() bool { return count("2") == 1 })
	loopDone := make(chan struct{})
	go func() { h.relay.attempt(job{fwd: old, token: stale}); close(loopDone) }()
	time.Sleep(50 * time.Millisecond)
	close(gate)
	<-loopDone
	waitFor(t, "second delivered", func() bool { return h.states(t, second)[0].State == store.Delivered })
	if count("2") != 1 || h.states(t, second)[0].Attempts != 1 {
		t.Fatalf("app got the second event %d times; its forward has %d attempts", count("2"), h.states(t, second)[0].Attempts)
	}
}

// The first attempt does not wait for the commit: the target has the event
// before the forward is recorded, and the attempt is recorded after.
func TestFirstAttemptStartsBeforeTheCommit(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{})
	req, early := h.begin("early", a.URL)
	waitFor(t, "delivery before the commit", func() bool { return a.count() == 1 })
	fwds, err := h.st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{{a.URL}}, func(f [][]store.Forward) { early.Claim(f[0]) })
	if err != nil {
		t.Fatal(err)
	}
	early.Recorded(fwds[0], nil)
	waitFor(t, "delivered state", func() bool { return h.states(t, req)[0].State == store.Delivered })
	if a.count() != 1 || h.states(t, req)[0].Attempts != 1 {
		t.Fatalf("app saw %d requests, forward has %d attempts; want 1 and 1", a.count(), h.states(t, req)[0].Attempts)
	}
}

// When the commit fails the attempt's outcome is dropped: nothing is
// recorded, and the claims are let go.
func TestFirstAttemptOfAnUnrecordedRequestIsDropped(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{})
	_, early := h.begin("lost", a.URL)
	early.Claim([]store.Forward{{ID: 41, Target: a.URL}})
	early.Recorded(nil, errors.New("disk full"))
	waitFor(t, "the attempt", func() bool { return a.count() == 1 })
	time.Sleep(50 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.results) != 0 {
		t.Fatalf("an attempt was recorded: %+v", h.results)
	}
	if h.relay.claim(41) == 0 {
		t.Fatal("the claim on forward 41 is still held")
	}
}

func TestWithoutHistoryEveryForwardIsDeliveredAndForgotten(t *testing.T) {
	a := newApp(t)
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rl := New(Config{Store: st, Client: &http.Client{}, Timeout: time.Second, RetryFor: time.Hour, Now: time.Now})
	ctx, cancel := context.WithCancel(context.Background())
	rl.Start(ctx)
	defer func() { cancel(); rl.Close(time.Second) }()
	for i := range 100 {
		req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte("{}"), Status: 200}
		record(t, rl, st, req, []string{a.URL})
		waitFor(t, "delivery", func() bool { return a.count() == i+1 })
	}
	waitFor(t, "every request forgotten", func() bool {
		left, err := st.ListRequests(context.Background(), store.RequestFilter{})
		return err == nil && len(left) == 0
	})
}

func TestRetriesThenDeliversOnce(t *testing.T) {
	a := newApp(t, 503, 500, 429)
	h := newHarness(t, Config{})
	req := h.send(t, "x", http.Header{}, a.URL)
	waitFor(t, "delivered", func() bool { return h.states(t, req)[0].State == store.Delivered })
	time.Sleep(50 * time.Millisecond)
	if a.count() != 4 || h.states(t, req)[0].Attempts != 4 {
		t.Fatalf("app saw %d attempts, forward has %d", a.count(), h.states(t, req)[0].Attempts)
	}
}

func TestFinalAnswersAndLimits(t *testing.T) {
	a := newApp(t, 400)
	h := newHarness(t, Config{})
	req := h.send(t, "x", http.Header{}, a.URL)
	waitFor(t, "failed on 400", func() bool { return h.states(t, req)[0].State == store.Failed })
	if a.count() != 1 {
		t.Fatalf("a 400 was retried: %d attempts", a.count())
	}

	b := newApp(t, 500, 500, 500, 500)
	h2 := newHarness(t, Config{RetryMax: 2})
	req = h2.send(t, "x", http.Header{}, b.URL)
	waitFor(t, "failed after --retry-max", func() bool { return h2.states(t, req)[0].State == store.Failed })
	if b.count() != 2 {
		t.Fatalf("RetryMax 2 made %d attempts", b.count())
	}
}

func TestTargetDownThenUpGetsEachEventOnce(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	h := newHarness(t, Config{})
	var reqs []*store.Request
	for range 5 {
		reqs = append(reqs, h.send(t, "x", http.Header{}, "http://"+addr+"/"))
	}
	waitFor(t, "failed attempts", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.results) >= 10
	})
	var mu sync.Mutex
	got := 0
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("could not listen on %s again: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mu.Lock(); got++; mu.Unlock() })}
	go srv.Serve(l)
	defer srv.Close()
	waitFor(t, "all delivered", func() bool {
		for _, r := range reqs {
			if h.states(t, r)[0].State != store.Delivered {
				return false
			}
		}
		return true
	})
	h.stop()
	if got != 5 {
		t.Fatalf("the app got %d requests for 5 events", got)
	}
}

func TestCloseLeavesUnfinishedForwardsPending(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }))
	defer slow.Close()
	st, _ := store.Open(":memory:")
	defer st.Close()
	rl := New(Config{Store: st, Client: &http.Client{}, Timeout: 10 * time.Second, RetryFor: time.Hour, Now: time.Now, KeepHistory: true})
	ctx, cancel := context.WithCancel(context.Background())
	rl.Start(ctx)
	req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte("x"), Status: 200}
	record(t, rl, st, req, []string{slow.URL})
	time.Sleep(100 * time.Millisecond)
	cancel()
	start := time.Now()
	rl.Close(200 * time.Millisecond)
	if time.Since(start) > 2*time.Second {
		t.Fatalf("Close took %s", time.Since(start))
	}
	got, _, _ := st.Forwards(context.Background(), req.ID)
	if got[0].State != store.Pending || got[0].Attempts != 0 {
		t.Fatalf("forward after Close: %+v", got[0])
	}
}

func TestBackoff(t *testing.T) {
	if d := backoff(1, nil); d < 250*time.Millisecond || d > 300*time.Millisecond {
		t.Fatalf("first: %v", d)
	}
	if d := backoff(20, nil); d < 5*time.Second || d > 6*time.Second {
		t.Fatalf("capped: %v", d)
	}
	if d := backoff(1, &Response{Status: 429, Header: http.Header{"Retry-After": {"7"}}}); d != 7*time.Second {
		t.Fatalf("Retry-After: %v", d)
	}
	// 9 300 000 000 s overflowed time.Duration into a negative wait.
	if d := backoff(1, &Response{Status: 503, Header: http.Header{"Retry-After": {"9300000000"}}}); d != time.Hour {
		t.Fatalf("huge Retry-After: %v", d)
	}
}

// countingTransport counts the bytes of answers the client read.
type countingTransport struct{ read *int64 }

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{resp.Body, c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	read *int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	*b.read += int64(n)
	return n, err
}

// answerChunk is how much hugeAnswer writes at once.
const answerChunk = 64 << 10

// hugeAnswer is a target that answers every request with 50 MB.
func hugeAnswer(t *testing.T) *httptest.Server {
	chunk := make([]byte, answerChunk)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range (50 << 20) / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(target.Close)
	return target
}

func TestHugeAnswerIsReadOnlyAsFarAsItIsKept(t *testing.T) {
	target := hugeAnswer(t)
	var read int64
	rl := New(Config{Client: &http.Client{Transport: countingTransport{&read}}, Timeout: 10 * time.Second, Now: time.Now})
	resp, _, err := rl.send(context.Background(), &store.Request{Method: "POST", Body: []byte(`{}`)}, target.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body) != keptResponse {
		t.Errorf("kept %d bytes of the answer, want %d", len(resp.Body), keptResponse)
	}
	if read > keptResponse+drainedResponse {
		t.Errorf("read %d bytes of a 50 MB answer, want at most %d", read, keptResponse+drainedResponse)
	}
}

// With PassAnswers an answer is read up to PassedResponse and a byte: a
// larger one is not handed back, neither whole nor cut.
func TestPassedAnswerIsReadOnlyUpToItsBound(t *testing.T) {
	target := hugeAnswer(t)
	var read int64
	rl := New(Config{Client: &http.Client{Transport: countingTransport{&read}}, Timeout: 10 * time.Second, Now: time.Now, PassAnswers: true})
	resp, _, err := rl.send(context.Background(), &store.Request{Method: "POST", Body: []byte(`{}`)}, target.URL)
	var ue *UnusableAnswerError
	if !errors.As(err, &ue) || err.Error() != "the target answered 200 with more than 1 MiB, more than is passed through" || resp != nil {
		t.Fatalf("%v, %v", resp, err)
	}
	if read > int64(PassedResponse+answerChunk) {
		t.Errorf("read %d bytes of a 50 MB answer, want at most %d", read, PassedResponse+answerChunk)
	}
}

func TestTargetNameMasksTheURLsCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:pw@host:3000/h?a=b": "http://user:****@host:3000/h?a=b",
		"https://tok3n@app.test/":        "https://****@app.test/",
		"user:p%40ss@localhost:4000":     "http://user:****@localhost:4000",
		"pet.*=http://u:p@x.test/":       "http://u:****@x.test/",
		"3000":                           "http://localhost:3000",
	} {
		target, err := ParseTarget(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := target.Name(); got != want {
			t.Errorf("ParseTarget(%q).Name() = %q, want %q", in, got, want)
		}
	}
}

func TestForwardToANamedTargetSendsItsCredentials(t *testing.T) {
	a := newApp(t)
	target, err := ParseTarget(strings.Replace(a.URL, "http://", "http://user:s3cret@", 1))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Targets: []Target{target}})
	req := h.send(t, `{"id":"e1"}`, nil, target.Name())
	waitFor(t, "the forward", func() bool { return a.count() == 1 })
	got, _ := a.first()
	if user, pw, ok := (&http.Request{Header: got}).BasicAuth(); !ok || user != "user" || pw != "s3cret" {
		t.Errorf("the app got %q", got.Get("Authorization"))
	}
	if fw := h.states(t, req); fw[0].Target != "http://user:****@"+strings.TrimPrefix(a.URL, "http://") {
		t.Errorf("recorded target %q", fw[0].Target)
	}
}

// A forward recorded to a target whose credentials were masked (an earlier
// run's --forward-to, not given again) is not sent with "****" for a
// password: the attempt fails saying what to do, and the forward stays due.
func TestForwardToAMaskedTargetNotConfiguredIsNotSent(t *testing.T) {
	a := newApp(t)
	target, err := ParseTarget(strings.Replace(a.URL, "http://", "http://user:s3cret@", 1))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{RetryFor: time.Hour})
	h.send(t, `{"id":"e1"}`, nil, target.Name())
	waitFor(t, "the first attempt", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.results) > 0 })
	h.mu.Lock()
	res := h.results[0]
	h.mu.Unlock()
	want := "the credentials of " + target.Name() + " are not kept: give the target again with --forward-to"
	if a.count() != 0 || res.Attempt.Error != want || res.Forward.State != store.Pending {
		t.Fatalf("app got %d requests; attempt error %q, state %s", a.count(), res.Attempt.Error, res.Forward.State)
	}
}

// A redirect is the target's answer: not followed (it would turn the POST
// into a GET elsewhere), a final failure that says where it pointed, with
// the credentials in that URL masked.
func TestARedirectIsNotFollowedAndSaysWhereItPointed(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed: %s %s", r.Method, r.URL)
	}))
	defer elsewhere.Close()
	withCreds := strings.Replace(elsewhere.URL, "http://", "http://user:pw@", 1)
	moved := httptest.NewServer(http.RedirectHandler(withCreds+"/hooks", http.StatusMovedPermanently))
	defer moved.Close()
	h := newHarness(t, Config{RetryFor: time.Hour})
	h.send(t, `{"id":"e1"}`, nil, moved.URL)
	waitFor(t, "the attempt", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.results) > 0 })
	h.mu.Lock()
	a, state := h.results[0].Attempt, h.results[0].Forward.State
	h.mu.Unlock()
	masked := strings.Replace(elsewhere.URL, "http://", "http://user:****@", 1)
	if a.Status != 301 || a.Error != "redirected to "+masked+"/hooks (not followed)" || state != store.Failed {
		t.Fatalf("attempt %d %q, state %s", a.Status, a.Error, state)
	}
}

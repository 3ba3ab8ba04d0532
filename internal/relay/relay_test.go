package relay

import (
	"context"
	"errors"
	"io"
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

// newRelay is a relay at a fixed time.
func newRelay(t *testing.T, cfg Config) *Relay {
	cfg.Client, cfg.Now = &http.Client{}, func() time.Time { return now }
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = time.Hour
	}
	return New(cfg)
}

var now = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

// forward is a request with a new forward to target, as the intake records
// them.
func forward(body string, header http.Header, target string) (*store.Request, store.Forward) {
	req := &store.Request{ID: 1, ReceivedAt: now, Method: "POST", Header: header, Body: []byte(body), Status: 200, EventID: "e1", EventType: "pet.adopted"}
	return req, store.Forward{ID: 1, RequestID: 1, Target: target, State: store.Pending, CreatedAt: now, NextAttemptAt: now}
}

// attempt sends req to f's target and judges the answer, as the intake's
// workers do.
func attempt(rl *Relay, req *store.Request, f store.Forward) Result {
	return rl.Judge(req, f, rl.Send(context.Background(), req, f.Target))
}

func TestForwardSecretResigns(t *testing.T) {
	a := newApp(t)
	rl := newRelay(t, Config{ForwardSecret: "whsec_app"})
	if s := rl.Send(context.Background(), &store.Request{Body: []byte(`{"id":"1"}`), Header: http.Header{"X-Petstore-Signature": {"sha256=from-the-sender"}}}, a.URL); s.Err != nil {
		t.Fatal(s.Err)
	}
	header, body := a.first()
	if err := signature.Petstore.Verify(header, body, []string{"whsec_app"}, now); err != nil {
		t.Fatalf("app's own check: %v", err)
	}
}

func TestForwardSchemeResignsInTheAppsScheme(t *testing.T) {
	a := newApp(t)
	stripe, _ := signature.New("stripe", signature.Options{})
	rl := newRelay(t, Config{ForwardSecret: "whsec_app", ForwardScheme: stripe})
	if s := rl.Send(context.Background(), &store.Request{Body: []byte(`{"id":"1"}`), Header: http.Header{"X-Petstore-Signature": {"sha256=from-the-sender"}}}, a.URL); s.Err != nil {
		t.Fatal(s.Err)
	}
	header, body := a.first()
	if err := stripe.Verify(header, body, []string{"whsec_app"}, now); err != nil {
		t.Fatalf("app's own check: %v", err)
	}
}

// Judge: a 2xx delivers; no answer, 5xx, 408 and 429 are retried after the
// backoff while RetryMax and RetryFor allow; other answers, and every
// answer JudgeFinal judges, are final.
func TestJudge(t *testing.T) {
	rl := newRelay(t, Config{RetryMax: 3, RetryFor: time.Minute, Backoff: func(attempt int, _ *Response) time.Duration { return time.Duration(attempt) * 10 * time.Second }})
	f := store.Forward{ID: 7, Target: "http://app", CreatedAt: now, State: store.Pending}
	answer := func(status int) Sent {
		return Sent{At: now, Response: &Response{Status: status, Header: http.Header{}, Body: []byte("ok")}}
	}
	for _, tc := range []struct {
		name     string
		attempts int
		retry    bool
		sent     Sent
		state    string
		retryIn  time.Duration
	}{
		{"2xx", 0, true, answer(204), store.Delivered, 0},
		{"5xx", 0, true, answer(503), store.Pending, 10 * time.Second},
		{"408", 1, true, answer(408), store.Pending, 20 * time.Second},
		{"429", 0, true, answer(429), store.Pending, 10 * time.Second},
		{"no answer", 0, true, Sent{At: now, Err: errors.New("refused")}, store.Pending, 10 * time.Second},
		{"4xx", 0, true, answer(404), store.Failed, 0},
		{"final", 0, false, answer(500), store.Failed, 0},
		{"final 2xx", 0, false, answer(200), store.Delivered, 0},
		{"retry max", 2, true, answer(500), store.Failed, 0},
		{"retry for", 5, true, answer(500), store.Failed, 0}, // the sixth would wait 60s: past a minute of age
	} {
		f.Attempts = tc.attempts
		judge := rl.Judge
		if !tc.retry {
			judge = rl.JudgeFinal
		}
		res := judge(&store.Request{}, f, tc.sent)
		if res.Forward.State != tc.state || res.RetryIn != tc.retryIn || res.Attempt.Attempt != tc.attempts+1 || res.Attempt.ForwardID != 7 {
			t.Errorf("%s: %s, retry in %s, attempt %d", tc.name, res.Forward.State, res.RetryIn, res.Attempt.Attempt)
		}
		if tc.state == store.Pending && !res.Forward.NextAttemptAt.Equal(now.Add(tc.retryIn)) {
			t.Errorf("%s: due at %s", tc.name, res.Forward.NextAttemptAt)
		}
	}
}

func TestBackoff(t *testing.T) {
	if d := backoff(1, nil, now); d < 250*time.Millisecond || d > 300*time.Millisecond {
		t.Fatalf("first: %v", d)
	}
	if d := backoff(20, nil, now); d < 5*time.Second || d > 6*time.Second {
		t.Fatalf("capped: %v", d)
	}
	if d := backoff(1, &Response{Status: 429, Header: http.Header{"Retry-After": {"7"}}}, now); d != 7*time.Second {
		t.Fatalf("Retry-After: %v", d)
	}
	// 9 300 000 000 s overflowed time.Duration into a negative wait.
	if d := backoff(1, &Response{Status: 503, Header: http.Header{"Retry-After": {"9300000000"}}}, now); d != time.Hour {
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
	rl := newRelay(t, Config{Targets: []Target{target}})
	if target.Name() != "http://user:****@"+strings.TrimPrefix(a.URL, "http://") {
		t.Fatalf("the forward would be recorded to %q", target.Name())
	}
	req, f := forward(`{"id":"e1"}`, nil, target.Name())
	if res := attempt(rl, req, f); res.Forward.State != store.Delivered {
		t.Fatalf("%+v", res)
	}
	got, _ := a.first()
	if user, pw, ok := (&http.Request{Header: got}).BasicAuth(); !ok || user != "user" || pw != "s3cret" {
		t.Errorf("the app got %q", got.Get("Authorization"))
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
	rl := newRelay(t, Config{})
	req, f := forward(`{"id":"e1"}`, nil, target.Name())
	res := attempt(rl, req, f)
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
	rl := newRelay(t, Config{})
	req, f := forward(`{"id":"e1"}`, nil, moved.URL)
	res := attempt(rl, req, f)
	a, state := res.Attempt, res.Forward.State
	masked := strings.Replace(elsewhere.URL, "http://", "http://user:****@", 1)
	if a.Status != 301 || a.Error != "redirected to "+masked+"/hooks (not followed)" || state != store.Failed {
		t.Fatalf("attempt %d %q, state %s", a.Status, a.Error, state)
	}
}

// An attempt keeps the answer's headers, whole while they are small; of
// larger ones as many values as fit in keptResponseHeader, by name.
func TestAnAttemptKeepsTheAnswersHeadersWithinItsBound(t *testing.T) {
	a := newApp(t)
	rl := newRelay(t, Config{})
	req, f := forward(`{}`, http.Header{}, a.URL)
	res := attempt(rl, req, f)
	if h := res.Attempt.ResponseHeader; h.Get("Retry-After") != "0" || h.Get("Content-Length") != "11" {
		t.Errorf("kept headers %v, want the app's", h)
	}
	if res := rl.Judge(req, f, Sent{At: now, Err: errors.New("refused")}); res.Attempt.ResponseHeader != nil {
		t.Errorf("no answer kept headers %v", res.Attempt.ResponseHeader)
	}

	big := strings.Repeat("v", 1000)
	header := http.Header{"A": {"1"}, "B-Large": {big, big, big, big, big}, "C": {big}, "D": {"4"}}
	kept := rl.Judge(req, f, Sent{At: now, Response: &Response{Status: 200, Header: header}}).Attempt.ResponseHeader
	size := 0
	for k, vs := range kept {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	if size > keptResponseHeader || kept.Get("A") != "1" || kept.Get("D") != "4" || len(kept["B-Large"]) != 4 || len(kept["C"]) != 0 {
		t.Errorf("kept %d bytes: A %q, %d of B-Large, %d of C, D %q", size, kept.Get("A"), len(kept["B-Large"]), len(kept["C"]), kept.Get("D"))
	}
	if len(header["B-Large"]) != 5 {
		t.Error("keeping changed the answer's own header")
	}
}

package intake

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// t0 is where the fake clock starts.
var t0 = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

// backoff is the injected wait before every retry: under the loop's
// longest nap (a minute), so that it parks until the retry is due.
const backoff = 30 * time.Second

// app is a target that answers from a script of statuses (then 200), and
// can be held: a held app signals each request it gets on entered and
// answers once release is closed.
type app struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  []string
	headers []http.Header
	script  []int
	entered chan string
	release chan struct{}
	letGo   func() // closes release, once
}

func newApp(t *testing.T, script ...int) *app {
	a := &app{script: script}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.bodies, a.headers = append(a.bodies, string(b)), append(a.headers, r.Header.Clone())
		code := 200
		if len(a.script) > 0 {
			code, a.script = a.script[0], a.script[1:]
		}
		entered, release := a.entered, a.release
		a.mu.Unlock()
		if entered != nil {
			entered <- string(b)
			<-release
		}
		w.Header().Set("X-App", "1")
		w.WriteHeader(code)
		io.WriteString(w, "app says hi")
	}))
	t.Cleanup(a.Close)
	return a
}

// held makes the app hold every request until the test ends or release is
// closed.
func (a *app) held(t *testing.T) {
	a.mu.Lock()
	a.entered, a.release = make(chan string, 100), make(chan struct{})
	a.mu.Unlock()
	var once sync.Once
	a.letGo = func() { once.Do(func() { close(a.release) }) }
	t.Cleanup(a.letGo) // before a.Close, which waits for the handlers
}

func (a *app) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.bodies)
}

type harness struct {
	t   *testing.T
	st  *store.Store
	clk *clock.Fake
	in  *Intake
	sub *Subscription
}

// newHarness starts an intake on a store in memory with the fake clock, the
// fixed backoff, history kept and the targets given, and follows it.
func newHarness(t *testing.T, cfg Config, targets ...string) *harness {
	t.Helper()
	if cfg.Store == nil {
		st, err := store.OpenHistory(":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.Store = st
	}
	h := &harness{t: t, st: cfg.Store, clk: clock.NewFake(t0)}
	for _, u := range targets {
		target, err := relay.ParseTarget(u)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Relay.Targets = append(cfg.Relay.Targets, target)
	}
	cfg.Relay.Client = &http.Client{}
	if cfg.Relay.Timeout == 0 {
		cfg.Relay.Timeout = 5 * time.Second
	}
	if cfg.Relay.RetryFor == 0 {
		cfg.Relay.RetryFor = time.Hour
	}
	if cfg.Relay.Backoff == nil {
		cfg.Relay.Backoff = func(int, *relay.Response) time.Duration { return backoff }
	}
	cfg.Clock = h.clk
	cfg.OnError = func(err error) { t.Errorf("intake error: %v", err) }
	h.in = New(cfg)
	h.sub = h.in.Subscribe(1000, 1<<30)
	t.Cleanup(func() { h.in.Close(0) })
	return h
}

// accepted is an accepted request carrying an event of type typ.
func accepted(id, typ string) *receiver.Request {
	body := fmt.Sprintf(`{"id":%q,"eventType":%q}`, id, typ)
	return &receiver.Request{ReceivedAt: t0, Method: "POST", Path: "/webhooks", Status: 200, Verification: receiver.Verified,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Event: &event.Envelope{ID: id, Type: typ}}
}

func (h *harness) accept(r *receiver.Request) *receiver.Answer {
	h.t.Helper()
	answer, err := h.in.Accept(context.Background(), r)
	if err != nil {
		h.t.Fatalf("Accept: %v", err)
	}
	return answer
}

// next is the next item the harness's subscription gets.
func (h *harness) next() Item {
	h.t.Helper()
	select {
	case it, ok := <-h.sub.Items():
		if !ok {
			h.t.Fatal("the stream ended")
		}
		return it
	case <-time.After(10 * time.Second):
		h.t.Fatal("no item after 10s")
	}
	return Item{}
}

// nextAttempt is the next item, which must be an attempt.
func (h *harness) nextAttempt() relay.Result {
	h.t.Helper()
	it := h.next()
	if it.Attempt == nil {
		h.t.Fatalf("got %+v, want an attempt", it)
	}
	return *it.Attempt
}

// retryDue waits until the retry loop sleeps until due (it has seen the
// retry recorded), then moves the clock there. The loop naps, rather than
// sleeping until due, while attempts at due forwards are in flight, and a
// delivered one does not wake it: the test wakes it from each nap.
func (h *harness) retryDue(due time.Time) {
	h.t.Helper()
	h.clk.BlockUntilTimers(func(deadlines []time.Time) bool {
		if slices.ContainsFunc(deadlines, due.Equal) {
			return true
		}
		if len(deadlines) > 0 {
			h.in.poke()
		}
		return false
	})
	h.clk.Set(due)
}

// close closes the intake and returns every item the subscription had left.
func (h *harness) close() []Item {
	h.in.Close(0)
	var items []Item
	for it := range h.sub.Items() {
		items = append(items, it)
	}
	return items
}

func (h *harness) forwards(req int64) ([]store.Forward, map[int64][]store.ForwardAttempt) {
	h.t.Helper()
	fwds, attempts, err := h.st.Forwards(context.Background(), req)
	if err != nil {
		h.t.Fatal(err)
	}
	return fwds, attempts
}

func (h *harness) requests() []store.RequestSummary {
	h.t.Helper()
	rows, err := h.st.ListRequests(context.Background(), store.RequestFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return rows
}

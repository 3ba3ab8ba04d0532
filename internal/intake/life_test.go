package intake

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// The whole way of one event: recorded, told, forwarded with its exact
// bytes and headers (hop-by-hop ones aside), the attempt recorded and told
// after the request.
func TestAcceptedEventIsRecordedToldAndForwarded(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{KeepHistory: true, Relay: relay.Config{Headers: http.Header{"X-Added": {"1"}}}}, a.URL)
	r := accepted("e1", "pet.adopted")
	r.Body = []byte("{ \"id\":\"e1\",\n  \"eventType\" : \"pet.adopted\", \"a\": \"Zoë ✓\" }  ")
	r.Header = http.Header{"X-Petstore-Signature": {"sha256=abc"}, "Connection": {"close"}, "Content-Type": {"application/json"}, "X-Custom": {"a", "b"}}
	if answer := h.accept(r); answer != nil {
		t.Fatalf("answered in the receiver's place: %+v", answer)
	}
	if it := h.next(); it.Request == nil || it.Request.Event.ID != "e1" || it.Request.Status != 200 {
		t.Fatalf("first item %+v, want the request", it)
	}
	res := h.nextAttempt()
	if res.Forward.State != store.Delivered || res.Attempt.Status != 200 || res.Forward.Target != a.URL || res.Request.EventID != "e1" {
		t.Fatalf("attempt %+v", res)
	}
	items := h.close()
	if len(items) != 0 {
		t.Fatalf("more items: %+v", items)
	}
	got := a.headers[0]
	if a.bodies[0] != string(r.Body) || got.Get("X-Petstore-Signature") != "sha256=abc" || len(got.Values("X-Custom")) != 2 ||
		got.Get("X-Added") != "1" || got.Get("Connection") != "" {
		t.Fatalf("app got %q with %v", a.bodies[0], got)
	}
	rows := h.requests()
	fwds, attempts := h.forwards(rows[0].ID)
	if len(rows) != 1 || rows[0].EventID != "e1" || len(fwds) != 1 || fwds[0].State != store.Delivered || len(attempts[fwds[0].ID]) != 1 {
		t.Fatalf("history: %+v, forwards %+v, attempts %+v", rows, fwds, attempts)
	}
}

// The first attempt does not wait for the commit: the target has the event
// while the commit is held up, and the attempt is recorded after it.
func TestFirstAttemptIsSentWhileTheCommitRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blocker, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	conn, err := blocker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil { // the commit waits for this write lock
		t.Fatal(err)
	}
	a := newApp(t)
	a.held(t)
	h := newHarness(t, Config{Store: st, KeepHistory: true}, a.URL)
	done := make(chan error, 1)
	go func() {
		_, err := h.in.Accept(context.Background(), accepted("e1", "pet.adopted"))
		done <- err
	}()
	select {
	case <-a.entered: // the app has the event; the commit waits for the lock
	case err := <-done:
		t.Fatalf("Accept returned (%v) before the app had the event: the first attempt waited for the commit", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Accept returned (%v) before its commit could be made", err)
	default:
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	a.letGo()
	if h.next().Request == nil || h.nextAttempt().Forward.State != store.Delivered {
		t.Fatal("want the request, then the delivered attempt")
	}
	h.close()
	fwds, attempts := h.forwards(h.requests()[0].ID)
	if a.count() != 1 || fwds[0].State != store.Delivered || len(attempts[fwds[0].ID]) != 1 {
		t.Fatalf("app saw %d requests; forward %+v with %d attempts", a.count(), fwds[0], len(attempts[fwds[0].ID]))
	}
}

// With every worker busy, a first attempt waits in jobs (it is not sent
// while the commit runs) and is sent once a worker is free.
func TestFirstAttemptsWaitInTheQueueWhileEveryWorkerIsBusy(t *testing.T) {
	a := newApp(t)
	a.held(t)
	h := newHarness(t, Config{KeepHistory: true, Workers: 1}, a.URL)
	h.accept(accepted("e1", "pet.adopted"))
	<-a.entered // the one worker is busy
	h.accept(accepted("e2", "pet.adopted"))
	if n := len(h.in.jobs); n != 1 {
		t.Fatalf("%d attempts wait in jobs, want e2's first", n)
	}
	a.letGo()
	delivered := map[string]bool{}
	for len(delivered) < 2 {
		if it := h.next(); it.Attempt != nil && it.Attempt.Forward.State == store.Delivered {
			delivered[it.Attempt.Request.EventID] = true
		}
	}
	h.close()
	if a.count() != 2 {
		t.Fatalf("the app got %d requests for 2 events", a.count())
	}
}

// Whatever order the first attempts end in, each subscriber gets a
// request's item before the items of the attempts at its forwards.
func TestARequestIsToldBeforeItsAttempts(t *testing.T) {
	a, b := newApp(t), newApp(t)
	h := newHarness(t, Config{KeepHistory: true}, a.URL, b.URL)
	other := h.in.Subscribe(1000, 1<<30)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.accept(accepted(strings.Repeat("x", i+1), "pet.adopted"))
		}()
	}
	wg.Wait()
	var items []Item
	for attempts := 0; attempts < 80; {
		it := h.next()
		if it.Attempt != nil {
			attempts++
		}
		items = append(items, it)
	}
	h.close()
	for name, items := range map[string][]Item{"first": items, "second": drain(other)} {
		seen := map[string]bool{}
		attempts := 0
		for _, it := range items {
			switch {
			case it.Request != nil:
				seen[it.Request.Event.ID] = true
			case !seen[it.Attempt.Request.EventID]:
				t.Fatalf("%s subscriber: an attempt at %s came before its request", name, it.Attempt.Request.EventID)
			default:
				attempts++
			}
		}
		if len(seen) != 40 || attempts != 80 {
			t.Fatalf("%s subscriber: %d requests and %d attempts, want 40 and 80", name, len(seen), attempts)
		}
	}
}

func drain(s *Subscription) []Item {
	var items []Item
	for it := range s.Items() {
		items = append(items, it)
	}
	return items
}

// A failed attempt is retried after the injected backoff, on the fake
// clock, until the app takes the event: once.
func TestRetriesAfterTheBackoffThenDeliversOnce(t *testing.T) {
	a := newApp(t, 503, 500, 429)
	h := newHarness(t, Config{KeepHistory: true}, a.URL)
	h.accept(accepted("e1", "pet.adopted"))
	h.next()
	due := t0
	for _, status := range []int{503, 500, 429} {
		res := h.nextAttempt()
		due = due.Add(backoff)
		if res.Attempt.Status != status || res.Forward.State != store.Pending || res.RetryIn != backoff || !res.Forward.NextAttemptAt.Equal(due) {
			t.Fatalf("attempt %d: %d %s, retry in %s at %s", res.Attempt.Attempt, res.Attempt.Status, res.Forward.State, res.RetryIn, res.Forward.NextAttemptAt)
		}
		h.retryDue(due)
	}
	if res := h.nextAttempt(); res.Forward.State != store.Delivered || res.Attempt.Attempt != 4 {
		t.Fatalf("last attempt: %+v", res)
	}
	h.close()
	fwds, _ := h.forwards(h.requests()[0].ID)
	if a.count() != 4 || fwds[0].Attempts != 4 || fwds[0].State != store.Delivered {
		t.Fatalf("app saw %d attempts, forward %+v", a.count(), fwds[0])
	}
}

// A 4xx is final; RetryMax and RetryFor end the retries.
func TestFinalAnswersAndLimits(t *testing.T) {
	for _, tc := range []struct {
		name     string
		script   []int
		cfg      relay.Config
		attempts int
	}{
		{"400 is final", []int{400}, relay.Config{}, 1},
		{"retry max", []int{500, 500, 500}, relay.Config{RetryMax: 2}, 2},
		{"retry for", []int{500, 500, 500}, relay.Config{RetryFor: backoff + time.Second}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t, tc.script...)
			h := newHarness(t, Config{KeepHistory: true, Relay: tc.cfg}, a.URL)
			h.accept(accepted("e1", "pet.adopted"))
			h.next()
			for n := 1; n < tc.attempts; n++ {
				if res := h.nextAttempt(); res.Forward.State != store.Pending {
					t.Fatalf("attempt %d: %s", n, res.Forward.State)
				}
				h.retryDue(t0.Add(time.Duration(n) * backoff))
			}
			if res := h.nextAttempt(); res.Forward.State != store.Failed || res.RetryIn != 0 {
				t.Fatalf("last attempt: %s, retry in %s", res.Forward.State, res.RetryIn)
			}
			h.close()
			if a.count() != tc.attempts {
				t.Fatalf("app saw %d attempts, want %d", a.count(), tc.attempts)
			}
		})
	}
}

// A target that is down gets each event once when it is back: the retries
// of all of them, picked up by the loop.
func TestTargetDownThenUpGetsEachEventOnce(t *testing.T) {
	a := newApp(t, 503, 503, 503, 503, 503)
	h := newHarness(t, Config{KeepHistory: true, Workers: 1}, a.URL)
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		h.accept(accepted(id, "pet.adopted"))
	}
	pending := 0
	for pending < 5 {
		if it := h.next(); it.Attempt != nil && it.Attempt.Forward.State == store.Pending {
			pending++
		}
	}
	h.retryDue(t0.Add(backoff))
	delivered := map[string]int{}
	for len(delivered) < 5 {
		res := h.nextAttempt()
		if res.Forward.State != store.Delivered {
			t.Fatalf("retry: %+v", res)
		}
		delivered[res.Request.EventID]++
	}
	h.close()
	if a.count() != 10 {
		t.Fatalf("the app got %d requests for 5 events failed once each", a.count())
	}
}

// Forwards an earlier run left pending are picked up by the loop.
func TestForwardsLeftPendingByAnEarlierRunAreResumed(t *testing.T) {
	a := newApp(t)
	st, err := store.OpenHistory(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	req := &store.Request{ReceivedAt: t0.Add(-time.Minute), Method: "POST", Header: http.Header{}, Body: []byte("left"), Status: 200, EventID: "e0"}
	if _, err := st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{{a.URL}}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Store: st, KeepHistory: true}, a.URL)
	if res := h.nextAttempt(); res.Forward.State != store.Delivered || res.Request.EventID != "e0" {
		t.Fatalf("attempt %+v", res)
	}
	h.close()
	if a.count() != 1 || a.bodies[0] != "left" {
		t.Fatalf("app got %q", a.bodies)
	}
}

// Close waits for the attempts in flight, within its grace.
func TestCloseWaitsForAttemptsInFlight(t *testing.T) {
	a := newApp(t)
	a.held(t)
	h := newHarness(t, Config{KeepHistory: true}, a.URL)
	h.accept(accepted("e1", "pet.adopted"))
	<-a.entered
	left := make(chan int)
	go func() { left <- h.in.Close(time.Hour) }()
	h.loopStopped()
	h.clk.BlockUntil(1) // Close's grace
	a.letGo()
	if n := <-left; n != 0 {
		t.Fatalf("Close says %d forwards are left pending, want none", n)
	}
	items := drain(h.sub)
	if len(items) != 2 || items[1].Attempt == nil || items[1].Attempt.Forward.State != store.Delivered {
		t.Fatalf("items %+v", items)
	}
	if fwds, _ := h.forwards(h.requests()[0].ID); fwds[0].State != store.Delivered {
		t.Fatalf("forward after Close: %+v", fwds[0])
	}
}

// Past its grace, Close cuts the attempts in flight short: their forwards
// stay pending, without an attempt, for the next run, and Close counts them.
func TestCloseLeavesUnfinishedForwardsPending(t *testing.T) {
	a := newApp(t)
	a.held(t)
	h := newHarness(t, Config{KeepHistory: true}, a.URL)
	h.accept(accepted("e1", "pet.adopted"))
	<-a.entered
	left := make(chan int)
	go func() { left <- h.in.Close(time.Second) }()
	h.loopStopped()
	h.clk.BlockUntil(1) // Close's grace
	h.clk.Advance(time.Second)
	if n := <-left; n != 1 {
		t.Fatalf("Close says %d forwards are left pending, want 1", n)
	}
	if items := drain(h.sub); len(items) != 1 || items[0].Request == nil {
		t.Fatalf("items %+v, want only the request", items)
	}
	fwds, _ := h.forwards(h.requests()[0].ID)
	if fwds[0].State != store.Pending || fwds[0].Attempts != 0 {
		t.Fatalf("forward after Close: %+v", fwds[0])
	}
}

// loopStopped waits for the retry loop to stop (Close stops it first).
func (h *harness) loopStopped() { <-h.in.loopDone }

// When the commit fails, the first attempts' outcomes are dropped: nothing
// is recorded or told but the request, answered 503, and no claim is kept.
func TestFirstAttemptOfAnUnrecordedRequestIsDropped(t *testing.T) {
	a := newApp(t)
	st, err := store.OpenHistory(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Store: st, KeepHistory: true}, a.URL)
	st.Close() // every commit fails
	h.in.cfg.OnError = nil
	if _, err := h.in.Accept(context.Background(), accepted("e1", "pet.adopted")); err == nil {
		t.Fatal("Accept recorded in a closed store")
	}
	items := h.close()
	if len(items) != 1 || items[0].Request == nil || items[0].Request.Status != receiver.NotRecorded || items[0].RequestID != 0 {
		t.Fatalf("items %+v, want the request answered 503, without a number", items)
	}
	if len(h.in.claims) != 0 {
		t.Fatalf("claims kept: %v", h.in.claims)
	}
}

// --passthrough: the sender gets the target's answer; the request is
// recorded, and told, with that status, before the attempt.
func TestPassthroughAnswersWithTheTargetsAnswer(t *testing.T) {
	for _, keep := range []bool{true, false} {
		a := newApp(t, 201)
		h := newHarness(t, Config{KeepHistory: keep, Passthrough: true}, a.URL)
		answer := h.accept(accepted("e1", "pet.adopted"))
		if answer == nil || answer.Status != 201 || string(answer.Body) != "app says hi" || answer.Header.Get("X-App") != "1" {
			t.Fatalf("keep %v: answer %+v", keep, answer)
		}
		if it := h.next(); it.Request == nil || it.Request.Status != 201 {
			t.Fatalf("keep %v: first item %+v, want the request answered 201", keep, it)
		}
		if res := h.nextAttempt(); res.Forward.State != store.Delivered {
			t.Fatalf("keep %v: attempt %+v", keep, res)
		}
		h.close()
		rows := h.requests()
		switch {
		case keep && (len(rows) != 1 || rows[0].Status != 201 || rows[0].State != store.Delivered):
			t.Fatalf("history %+v", rows)
		case !keep && len(rows) != 0:
			t.Fatalf("without history, kept %+v", rows)
		}
	}
}

// A target that does not answer is a 502 that says so, recorded as the
// request's answer; a failing answer is passed on, and not retried.
func TestPassthroughOfNoAnswerIsA502(t *testing.T) {
	down := newApp(t)
	down.Close()
	h := newHarness(t, Config{KeepHistory: true, Passthrough: true}, down.URL)
	answer := h.accept(accepted("e1", "pet.adopted"))
	if answer.Status != 502 || answer.Header.Get("Content-Type") != "application/json" ||
		!strings.HasPrefix(string(answer.Body), `{"error":"target_unreachable","message":"the target did not answer: `) {
		t.Fatalf("answer %d %s", answer.Status, answer.Body)
	}
	h.close()
	if rows := h.requests(); rows[0].Status != 502 || rows[0].State != store.Failed {
		t.Fatalf("history %+v", rows)
	}

	failing := newApp(t, 500)
	h = newHarness(t, Config{KeepHistory: true, Passthrough: true}, failing.URL)
	if answer := h.accept(accepted("e1", "pet.adopted")); answer.Status != 500 {
		t.Fatalf("answer %d", answer.Status)
	}
	h.close()
	if rows := h.requests(); failing.count() != 1 || rows[0].State != store.Failed {
		t.Fatalf("app saw %d attempts; history %+v", failing.count(), rows)
	}
}

// Without history only what is still to forward is kept: a request with
// nothing to forward is told but not recorded, and one whose forwards are
// finished, even after retries, is forgotten.
func TestWithoutHistoryOnlyWhatIsStillToForwardIsKept(t *testing.T) {
	a := newApp(t, 503)
	h := newHarness(t, Config{KeepHistory: false}, "pet.*="+a.URL)
	h.accept(accepted("o1", "order.created")) // goes nowhere
	rejected := accepted("e0", "pet.adopted")
	rejected.Status, rejected.Verification = 401, receiver.Rejected
	h.accept(rejected)
	for range 2 {
		if it := h.next(); it.Request == nil {
			t.Fatalf("item %+v", it)
		}
	}
	if rows := h.requests(); len(rows) != 0 {
		t.Fatalf("recorded %+v", rows)
	}
	for i := range 20 {
		h.accept(accepted(strings.Repeat("e", i+1), "pet.adopted"))
	}
	retried := false
	delivered := 0
	for delivered < 20 {
		it := h.next()
		switch {
		case it.Attempt == nil:
		case it.Attempt.Forward.State == store.Pending:
			h.retryDue(t0.Add(backoff))
			retried = true
		default:
			delivered++
		}
	}
	h.close()
	if rows := h.requests(); !retried || len(rows) != 0 {
		t.Fatalf("retried %v; kept %d requests", retried, len(rows))
	}
}

// A subscriber that does not keep up loses its own items, and is told how
// many; the others, and the history, lose nothing.
func TestASlowSubscriberLosesOnlyItsOwnItems(t *testing.T) {
	h := newHarness(t, Config{KeepHistory: true})
	slow := h.in.Subscribe(2, 1<<30)
	for i := range 5 {
		h.accept(accepted(strings.Repeat("e", i+1), "pet.adopted"))
	}
	<-slow.Items() // room for one more
	h.accept(accepted("g", "pet.adopted"))
	h.accept(accepted("h", "pet.adopted"))
	all := h.close()
	got := drain(slow)
	if len(got) != 2 || got[0].Missed != 0 || got[1].Missed != 3 || got[1].Request.Event.ID != "g" || slow.Missed() != 1 {
		t.Fatalf("slow subscriber got %+v, missed %d after", got, slow.Missed())
	}
	if len(all) != 7 || len(h.requests()) != 7 {
		t.Fatalf("the other subscriber got %d items; history holds %d", len(all), len(h.requests()))
	}
}

// After Close, Accept records nothing and says so.
func TestAcceptAfterClose(t *testing.T) {
	h := newHarness(t, Config{KeepHistory: true})
	h.close()
	if _, err := h.in.Accept(context.Background(), accepted("e1", "pet.adopted")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
}

// The loop reads due forwards, then claims them one by one; a forward that
// an attempt finished in between is not attempted again.
func TestAStaleDueForwardIsNotAttemptedTwice(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{KeepHistory: true}, a.URL)
	// Due in an hour: the loop leaves it alone, and the test plays its part.
	req := &store.Request{ReceivedAt: t0.Add(time.Hour), Method: "POST", Header: http.Header{}, Body: []byte("{}"), Status: 200}
	fwds, err := h.st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{{a.URL}})
	if err != nil {
		t.Fatal(err)
	}
	stale := fwds[0][0] // as the loop read it: pending
	h.in.claim(stale.ID)
	h.in.attempt(job{fwd: stale, req: req})
	if !h.in.claim(stale.ID) {
		t.Fatal("the attempt kept its claim")
	}
	h.clk.Set(t0.Add(time.Hour)) // due, as the loop saw it
	h.in.attempt(job{fwd: stale})
	h.close()
	if got, _ := h.forwards(req.ID); a.count() != 1 || got[0].Attempts != 1 || got[0].State != store.Delivered {
		t.Fatalf("app saw %d requests, forward %+v; want 1 delivered attempt", a.count(), got[0])
	}
}

// A subscriber's waiting items hold at most the bytes it allows, so that a
// stalled one cannot keep every large body in memory; one item always fits.
func TestASlowSubscriberKeepsAtMostItsBytesOfBodies(t *testing.T) {
	h := newHarness(t, Config{KeepHistory: true})
	big := func(id string) *receiver.Request {
		r := accepted(id, "pet.adopted")
		r.Body = append(r.Body, bytes.Repeat([]byte(" "), 10_000)...)
		return r
	}
	slow := h.in.Subscribe(100, 25_000) // room for two such bodies, not three
	tiny := h.in.Subscribe(100, 10)
	h.accept(big("a"))
	h.accept(big("b"))
	h.accept(big("c"))
	<-slow.Items() // a is taken: room for one more
	h.accept(big("d"))
	h.accept(big("e"))
	h.close()
	got := drain(slow)
	var ids []string
	for _, it := range got {
		ids = append(ids, fmt.Sprintf("%s missed %d", it.Request.Event.ID, it.Missed))
	}
	if want := []string{"b missed 0", "d missed 1"}; !slices.Equal(ids, want) || slow.Missed() != 1 {
		t.Fatalf("slow subscriber got %q then missed %d, want %q then 1", ids, slow.Missed(), want)
	}
	if got := drain(tiny); len(got) != 1 || got[0].Request.Event.ID != "a" || tiny.Missed() != 4 {
		t.Fatalf("a subscriber with room for less than one body got %d items, missed %d; want a, then 4 missed", len(got), tiny.Missed())
	}
}

// Every request item carries the request's number in the history (0 when it
// was not recorded), the number its attempts' forwards name; the history
// keeps the scheme that verified it and the headers the app answered with.
func TestItemsCarryTheRequestsNumber(t *testing.T) {
	a := newApp(t)
	h := newHarness(t, Config{KeepHistory: true}, "pet.*="+a.URL)
	r := accepted("e1", "pet.adopted")
	r.Scheme = "standard-webhooks"
	h.accept(r)
	it := h.next()
	res := h.nextAttempt()
	h.accept(accepted("o1", "order.created")) // recorded, forwarded nowhere
	other := h.next()
	h.close()
	rows := h.requests()
	if len(rows) != 2 || it.RequestID != rows[1].ID || other.RequestID != rows[0].ID || it.RequestID == other.RequestID {
		t.Fatalf("items name requests #%d and #%d; the history holds %+v", it.RequestID, other.RequestID, rows)
	}
	if res.Forward.RequestID != it.RequestID {
		t.Errorf("the attempt's forward is of request #%d, its request item says #%d", res.Forward.RequestID, it.RequestID)
	}
	if rows[1].Scheme != "standard-webhooks" {
		t.Errorf("the history's scheme = %q", rows[1].Scheme)
	}
	fwds, attempts := h.forwards(it.RequestID)
	if got := attempts[fwds[0].ID]; len(got) != 1 || got[0].ResponseHeader.Get("X-App") != "1" {
		t.Errorf("recorded attempts %+v, want the app's headers", got)
	}

	// Without history, a request with nowhere to go is not recorded.
	h = newHarness(t, Config{KeepHistory: false}, "pet.*="+a.URL)
	h.accept(accepted("o2", "order.created"))
	if it := h.next(); it.Request == nil || it.RequestID != 0 {
		t.Errorf("an unrecorded request's item: %+v, want number 0", it)
	}
	h.close()

	// Passthrough tells of the request once the app answered, numbered.
	h = newHarness(t, Config{KeepHistory: true, Passthrough: true}, a.URL)
	h.accept(accepted("e2", "pet.adopted"))
	if it := h.next(); it.Request == nil || it.RequestID == 0 || it.RequestID != h.nextAttempt().Forward.RequestID {
		t.Errorf("a passthrough request's item: %+v", it)
	}
	h.close()
}

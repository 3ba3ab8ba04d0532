package inspector

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

type sseEvent struct{ kind, id, data string }

// openStream follows base's stream; each read fails after 10 s rather than
// hang the test.
func openStream(t *testing.T, base, query string, header http.Header) *bufio.Scanner {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(c, http.MethodGet, base+"/api/stream"+query, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	return bufio.NewScanner(resp.Body)
}

// next reads the next event, skipping comments (pings) and retry.
func next(t *testing.T, sc *bufio.Scanner) sseEvent {
	t.Helper()
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && ev.kind != "":
			return ev
		case strings.HasPrefix(line, "event: "):
			ev.kind = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = strings.TrimPrefix(line, "data: ")
		}
	}
	t.Fatalf("the stream ended: %v", sc.Err())
	return ev
}

func record(t *testing.T, st *store.Store, n int) {
	t.Helper()
	reqs := make([]*store.Request, n)
	for i := range reqs {
		reqs[i] = &store.Request{ReceivedAt: testNow, EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200, Verification: "verified"}
	}
	if _, err := st.RecordRequests(ctx, reqs, make([][]string, n)); err != nil {
		t.Fatal(err)
	}
}

func TestStreamResumesThenFollowsTheHistory(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mode = "inspect"
	s := New(cfg)
	s.pollEvery = 5 * time.Millisecond
	base := serve(t, s)
	for _, resume := range []struct {
		query  string
		header http.Header
	}{{"?after=1", nil}, {"", http.Header{"Last-Event-ID": {"1"}}}} {
		sc := openStream(t, base, resume.query, resume.header)
		for _, want := range []string{"2", "3"} {
			if ev := next(t, sc); ev.kind != "request" || ev.id != want || !strings.Contains(ev.data, `"number":`+want+`,`) {
				t.Fatalf("got %+v, want request %s", ev, want)
			}
		}
	}
	sc := openStream(t, base, "?after=3", nil)
	record(t, cfg.History, 1)
	if ev := next(t, sc); ev.kind != "request" || ev.id != "4" {
		t.Errorf("got %+v, want request 4 as it is recorded", ev)
	}
	// Too many to catch up with: missed, then what comes next.
	record(t, cfg.History, maxCatchUp)
	sc = openStream(t, base, "?after=0", nil)
	if ev := next(t, sc); ev.kind != "missed" || ev.data != `{"count":1004}` {
		t.Errorf("got %+v, want missed 1004", ev)
	}
	record(t, cfg.History, 1)
	if ev := next(t, sc); ev.id != "1005" {
		t.Errorf("got %+v, want request 1005", ev)
	}
}

func TestStreamPings(t *testing.T) {
	cfg := testConfig(t)
	s := New(cfg)
	s.pingEvery = time.Millisecond
	s.cfg.Live = func() *intake.Subscription { return intake.New(intake.Config{}).Subscribe(1, 1<<20) }
	sc := openStream(t, serve(t, s), "", nil)
	for sc.Scan() {
		if sc.Text() == ": ping" {
			return
		}
	}
	t.Fatalf("no ping: %v", sc.Err())
}

func TestStreamTellsOfLostItems(t *testing.T) {
	cfg := testConfig(t)
	in := intake.New(intake.Config{Store: cfg.History, KeepHistory: true})
	t.Cleanup(func() { in.Close(0) })
	sub := in.Subscribe(1, 1<<20)
	accept := func() {
		t.Helper()
		r := &receiver.Request{ReceivedAt: testNow, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200, Verification: "verified"}
		if _, err := in.Accept(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 { // the first waits in the subscription, the next two are lost
		accept()
	}
	cfg.Live = func() *intake.Subscription { return sub }
	s := New(cfg)
	base := serve(t, s)
	sc := openStream(t, base, "", nil)
	waitFollowers(t, s, 1)
	// The next item the hub takes says how many were lost before it.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond): // a steady trickle of requests
				r := &receiver.Request{ReceivedAt: testNow, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200, Verification: "verified"}
				_, _ = in.Accept(ctx, r)
			}
		}
	}()
	ev := next(t, sc)
	for ev.kind == "request" { // the one that waited in the subscription
		ev = next(t, sc)
	}
	close(stop)
	<-done
	if ev.kind != "missed" || !strings.HasPrefix(ev.data, `{"count":`) || ev.data == `{"count":1}` {
		t.Errorf("got %+v, want missed, 2 or more", ev)
	}
}

func waitFollowers(t *testing.T, s *Server, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.followers.Load() < n {
		if time.Now().After(deadline) {
			t.Fatal("the stream was not followed")
		}
		time.Sleep(time.Millisecond) // polling a condition
	}
}

func TestCloseEndsStreams(t *testing.T) {
	s := New(testConfig(t))
	sc := openStream(t, serve(t, s), "", nil)
	waitFollowers(t, s, 1)
	s.Close()
	for sc.Scan() { // until the stream ends
	}
	waitFollowersGone(t, s)
}

func waitFollowersGone(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.followers.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a stream is still open after Close")
		}
		time.Sleep(time.Millisecond)
	}
}

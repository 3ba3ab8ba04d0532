package inspector

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

const (
	// maxCatchUp is the most stored requests a stream sends before the
	// live ones; past it, it sends `missed` and the page reloads its list.
	maxCatchUp = 1000
	// followerBuffer is how many messages wait for one stream; a stream
	// that falls further behind loses them and is told (`missed`).
	followerBuffer = 512
	// maxBurst is the most messages written between two flushes.
	maxBurst = 256
)

// message is one Server-Sent Event, encoded once for every stream.
type message struct {
	request bool  // an `event: request`, which carries the request's number as its id
	number  int64 // of the request it tells of
	text    []byte
}

func newMessage(kind string, number int64, v any) message {
	data, _ := json.Marshal(v) // summaries and attempts always encode
	text := []byte("event: " + kind + "\n")
	if kind == "request" {
		text = append(text, "id: "+strconv.FormatInt(number, 10)+"\n"...)
	}
	text = append(text, "data: "...)
	text = append(append(text, data...), "\n\n"...)
	return message{request: kind == "request", number: number, text: text}
}

type attemptMessage struct {
	Number    int64   `json:"number"`
	Target    string  `json:"target"`
	Attempt   int     `json:"attempt"`
	Status    int     `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	Error     string  `json:"error"`
	State     string  `json:"state"`
}

// hub reads the intake's one subscription for the inspector and hands each
// item to every stream without waiting for any.
type hub struct {
	targets []relay.Target

	mu        sync.Mutex
	followers map[*follower]struct{}
	ended     bool
}

type follower struct {
	c    chan message
	wake chan struct{} // a message was lost: tell the page
	lost int           // guarded by hub.mu
}

// follow adds a stream to the hub, started on the first.
func (s *Server) follow() *follower {
	s.hubOnce.Do(func() {
		s.hub = &hub{targets: s.cfg.Targets, followers: map[*follower]struct{}{}}
		sub := s.cfg.Live()
		go s.hub.run(sub)
	})
	f := &follower{c: make(chan message, followerBuffer), wake: make(chan struct{}, 1)}
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended {
		close(f.c)
	} else {
		h.followers[f] = struct{}{}
	}
	return f
}

func (h *hub) leave(f *follower) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.followers, f)
}

func (h *hub) run(sub *intake.Subscription) {
	for it := range sub.Items() {
		if it.Missed > 0 {
			h.lose(it.Missed)
		}
		h.mu.Lock()
		idle := len(h.followers) == 0
		h.mu.Unlock()
		if idle {
			continue
		}
		if m, ok := h.messageOf(it); ok {
			h.publish(m)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ended = true
	for f := range h.followers {
		close(f.c)
		delete(h.followers, f)
	}
}

// lose tells every stream that n items were lost.
func (h *hub) lose(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for f := range h.followers {
		f.loseLocked(n)
	}
}

func (f *follower) loseLocked(n int) {
	f.lost += n
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (h *hub) publish(m message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for f := range h.followers {
		select {
		case f.c <- m:
		default:
			f.loseLocked(1)
		}
	}
}

// takeLost is how many messages f lost since it was last asked.
func (h *hub) takeLost(f *follower) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := f.lost
	f.lost = 0
	return n
}

// messageOf is the message of an item; false for a request that was not
// recorded (it has no number to show it by).
func (h *hub) messageOf(it intake.Item) (message, bool) {
	switch {
	case it.Request != nil:
		id := it.RequestID
		if id == 0 {
			return message{}, false
		}
		return newMessage("request", id, h.liveSummary(it.Request, id)), true
	case it.Attempt != nil:
		a := it.Attempt
		return newMessage("attempt", a.Forward.RequestID, attemptMessage{Number: a.Forward.RequestID, Target: a.Forward.Target,
			Attempt: a.Attempt.Attempt, Status: a.Attempt.Status, LatencyMs: latencyMs(a.Attempt.Latency), Error: a.Attempt.Error, State: a.Forward.State}), true
	}
	return message{}, false
}

// liveSummary is the summary of a request just recorded, as the list would
// show it: with a pending forward to each target its event goes to when it
// was accepted (as the intake routes it).
func (h *hub) liveSummary(r *receiver.Request, id int64) summary {
	sr := store.RequestSummary{Request: store.Request{ID: id, ReceivedAt: r.ReceivedAt, Method: r.Method, Path: r.Path,
		Body: r.Body, Status: r.Status, Verification: r.Verification, Reason: r.Reason, Duplicate: r.Duplicate}}
	var fwds []store.Forward
	if r.Event != nil {
		sr.EventID, sr.EventType = r.Event.ID, r.Event.Type
		if r.Accepted() {
			for _, t := range h.targets {
				if t.Matches(r.Event.Type) {
					fwds = append(fwds, store.Forward{Target: t.Name(), State: store.Pending})
				}
			}
		}
	}
	switch {
	case len(fwds) > 0:
		sr.State = store.Pending
	case r.Status != http.StatusOK:
		sr.State = "rejected"
	default:
		sr.State = "received"
	}
	s := summaryOf(sr, fwds)
	s.Scheme = r.Scheme
	return s
}

// streamAfter is the number a stream resumes after: Last-Event-ID, else
// ?after; -1 when neither is given (live only).
func streamAfter(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("after: want the number of the last request seen, got %q", v)
	}
	return n, nil
}

// serveStream is the live list: the stored requests after the one the page
// saw last, then each request and attempt as it happens (listen), or as it
// appears in the history (inspect).
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) {
	after, err := streamAfter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rc := http.NewResponseController(w)
	var live <-chan message
	var wake <-chan struct{}
	var f *follower
	if s.cfg.Live != nil {
		f = s.follow() // before the history is read: nothing falls between
		defer s.hub.leave(f)
		live, wake = f.c, f.wake
	}
	s.followers.Add(1)
	defer s.followers.Add(-1)
	ctx := r.Context()
	if after < 0 { // live only: from the newest request now
		after = 0
		if newest, err := s.cfg.History.ListRequests(ctx, store.RequestFilter{Limit: 1}); err == nil && len(newest) > 0 {
			after = newest[0].ID
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	sw := &sseWriter{w: w, rc: rc}
	sw.write([]byte("retry: 1000\n\n"))
	last := s.catchUp(ctx, sw, after)
	sw.flush()

	ping := time.NewTicker(s.pingEvery)
	defer ping.Stop()
	var poll <-chan time.Time
	if s.cfg.Live == nil {
		t := time.NewTicker(s.pollEvery)
		defer t.Stop()
		poll = t.C
	}
	for sw.err == nil {
		select {
		case <-ctx.Done():
			return
		case <-s.closed:
			return
		case <-ping.C:
			sw.write([]byte(": ping\n\n"))
		case <-poll:
			last = s.catchUp(ctx, sw, last)
		case <-wake:
			sw.missed(s.hub.takeLost(f))
		case m, ok := <-live:
			if !ok {
				return // the intake is closed
			}
			for burst := 0; ; burst++ {
				sw.missed(s.hub.takeLost(f))
				// Any request numbered up to last was in the history when
				// it was read (ids are given in the order of the commits).
				if !m.request || m.number > last {
					sw.write(m.text)
				}
				if burst == maxBurst {
					break
				}
				select {
				case m, ok = <-live:
				default:
					ok = false
				}
				if !ok {
					break
				}
			}
		}
		sw.flush()
	}
}

// catchUp writes the requests numbered above after, oldest first, or
// `missed` when there are more than maxCatchUp; it returns the newest
// number in the history it has seen.
func (s *Server) catchUp(ctx context.Context, sw *sseWriter, after int64) int64 {
	list, err := s.summaries(ctx, store.RequestFilter{AfterID: after, Limit: maxCatchUp + 1})
	if err != nil || len(list) == 0 {
		return after // the next poll, or the page's next reconnection, tries again
	}
	if len(list) > maxCatchUp {
		sw.missed(int(list[0].Number - after)) // at most: ids of pruned requests are not reused
		return list[0].Number
	}
	for i := len(list) - 1; i >= 0; i-- {
		sw.write(newMessage("request", list[i].Number, list[i]).text)
	}
	return list[0].Number
}

// sseWriter writes to a stream until a write fails.
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

func (sw *sseWriter) write(b []byte) {
	if sw.err == nil {
		_, sw.err = sw.w.Write(b)
	}
}

func (sw *sseWriter) missed(n int) {
	if n > 0 {
		sw.write(newMessage("missed", 0, map[string]int{"count": n}).text)
	}
}

func (sw *sseWriter) flush() {
	if sw.err == nil {
		sw.err = sw.rc.Flush()
	}
}

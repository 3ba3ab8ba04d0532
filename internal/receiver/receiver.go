// Package receiver is the http.Handler behind `listen`: it limits, verifies,
// parses and deduplicates each request, answers it, and tells a sink what
// happened. It never prints.
package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// Verification results.
const (
	Verified   = "verified"
	Rejected   = "rejected"
	Unverified = "unverified" // accepted with SkipVerify
)

// Request is what the receiver saw and how it answered.
type Request struct {
	ReceivedAt   time.Time
	Method       string
	Path         string
	Header       http.Header
	Body         []byte
	Status       int
	Verification string // "" when the request never reached verification
	Scheme       string // the signature scheme that verified it
	Reason       string // why verification or parsing failed
	Event        *event.Envelope
	Duplicate    bool
}

// Accepted reports an event that was answered 2xx: 200 by the receiver, or
// the app's own 2xx with --passthrough.
func (r Request) Accepted() bool { return r.Status >= 200 && r.Status < 300 }

// Answer is an answer given in the receiver's place (--passthrough: the
// app's answer).
type Answer struct {
	Status int
	Header http.Header // Content-Length aside
	Body   []byte
}

// Config sets up a Handler.
type Config struct {
	Path       string
	Schemes    []signature.Scheme // a request may be signed with any of them
	Secrets    []string
	SkipVerify bool
	MaxBody    int64
	Now        func() time.Time
	// Record, when set, stores each request before it is answered; a request
	// it cannot store is answered 503 (NotRecorded), so that the sender tries
	// again. The Answer it returns, when not nil, answers the request instead
	// of the receiver.
	Record func(*Request) (*Answer, error)
	// Sink is told of every request before it is answered, in the request's
	// goroutine; it must be safe for concurrent use. It misses none, unlike
	// a subscription to the intake, which loses items its follower is too
	// slow for: what must count every request (listen's --max-events)
	// follows the Sink, not a subscription.
	Sink func(Request)
}

// NotRecorded is the status of a request that Record could not store.
const NotRecorded = http.StatusServiceUnavailable

// Stats counts the requests of a run.
type Stats struct {
	Received, Verified, Unverified, Rejected, Duplicates int64
}

// Handler receives webhooks.
type Handler struct {
	cfg   Config
	seen  *idSet
	stats struct{ received, verified, unverified, rejected, duplicates atomic.Int64 }
}

// New returns a Handler.
func New(cfg Config) *Handler {
	return &Handler{cfg: cfg, seen: newIDSet(100_000)}
}

// Stats returns the counts so far.
func (h *Handler) Stats() Stats {
	return Stats{h.stats.received.Load(), h.stats.verified.Load(), h.stats.unverified.Load(), h.stats.rejected.Load(), h.stats.duplicates.Load()}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.stats.received.Add(1)
	req := Request{ReceivedAt: h.cfg.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header}
	if r.URL.Path != h.cfg.Path {
		h.finish(w, &req, http.StatusNotFound, "not_found", "no receiver at "+r.URL.Path+"; events go to "+h.cfg.Path)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.finish(w, &req, http.StatusMethodNotAllowed, "method_not_allowed", "send events with POST")
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody), r.ContentLength)
	req.Body = body
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.finish(w, &req, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("body is larger than the limit of %d bytes", h.cfg.MaxBody))
			return
		}
		h.finish(w, &req, http.StatusBadRequest, "body_unreadable", "could not read the body: "+err.Error())
		return
	}

	scheme, verr := signature.VerifyAny(h.cfg.Schemes, r.Header, body, h.cfg.Secrets, req.ReceivedAt)
	env, perr := event.ParseEnvelope(body)
	if perr == nil {
		req.Event = &env
	}
	switch {
	case verr == nil:
		req.Verification, req.Scheme = Verified, scheme.Name()
	case h.cfg.SkipVerify:
		req.Verification, req.Reason = Unverified, verr.Error()
	default:
		req.Verification, req.Reason = Rejected, verr.Error()
		h.finish(w, &req, http.StatusUnauthorized, "invalid_signature", verr.Error())
		return
	}
	if perr != nil {
		req.Reason = perr.Error()
		h.finish(w, &req, http.StatusBadRequest, "invalid_event", perr.Error())
		return
	}
	if req.Verification == Verified {
		h.stats.verified.Add(1)
	} else {
		h.stats.unverified.Add(1)
	}
	// An id is taken as seen before it is recorded, so that a copy arriving
	// meanwhile is a duplicate, and given back if it could not be: the
	// sender's retry of a request answered 503 is then no duplicate.
	first := env.ID != "" && h.seen.add(env.ID)
	if env.ID != "" && !first {
		req.Duplicate = true
		h.stats.duplicates.Add(1)
	}
	if !h.finish(w, &req, http.StatusOK, "", "") && first {
		h.seen.remove(env.ID)
	}
}

// finish records the request, tells the sink, then answers: 200
// {"received":true}, else a JSON error, unless the recorder's answer does
// (--passthrough), whose status the sink is told. It reports whether the
// request was recorded (or there is nothing to record it in).
func (h *Handler) finish(w http.ResponseWriter, req *Request, status int, code, message string) (recorded bool) {
	req.Status = status
	var answer *Answer
	if h.cfg.Record != nil {
		var err error
		if answer, err = h.cfg.Record(req); err != nil {
			req.Status, code, message = NotRecorded, "not_recorded", "could not record the request: "+err.Error()
		}
	}
	recorded = req.Status == status
	if req.Status != http.StatusOK {
		h.stats.rejected.Add(1)
	}
	if answer != nil {
		req.Status = answer.Status
		h.tell(*req)
		for k, v := range answer.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(answer.Status)
		_, _ = w.Write(answer.Body)
		return recorded
	}
	h.tell(*req)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(req.Status)
	if req.Status == http.StatusOK {
		_, _ = io.WriteString(w, `{"received":true}`+"\n")
		return recorded
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": message})
	return recorded
}

func (h *Handler) tell(req Request) {
	if h.cfg.Sink != nil {
		h.cfg.Sink(req)
	}
}

// idSet remembers the last n event ids, as 64-bit hashes: a few bytes an id,
// and a false "duplicate" about once in 2^64/n events.
type idSet struct {
	mu    sync.Mutex
	seed  maphash.Seed
	ids   map[uint64]int // the hash's slot in order
	order []uint64
	next  int
	full  bool
}

func newIDSet(n int) *idSet {
	return &idSet{seed: maphash.MakeSeed(), ids: make(map[uint64]int, n), order: make([]uint64, n)}
}

// remove forgets id; its slot in order is reused in its turn.
func (s *idSet) remove(id string) {
	h := maphash.String(s.seed, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, h)
}

// add records id and reports whether it was new.
func (s *idSet) add(id string) bool {
	h := maphash.String(s.seed, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[h]; ok {
		return false
	}
	if old := s.order[s.next]; s.full && s.ids[old] == s.next {
		delete(s.ids, old) // unless removed, and added again in another slot
	}
	s.order[s.next] = h
	s.ids[h] = s.next
	s.next = (s.next + 1) % len(s.order)
	s.full = s.full || s.next == 0
	return true
}

// presizeLimit bounds the buffer made up front for a body from the length its
// sender announced: a sender that announces more and then stalls holds at
// most this much while it waits (io.ReadAll's first buffer is 512 bytes).
// Webhook events are mostly smaller; a larger body is read as io.ReadAll does.
const presizeLimit = 16 << 10

// readBody reads body to its end, as io.ReadAll does, but into one buffer of
// the announced length when there is one: io.ReadAll starts at 512 bytes and
// grows, three buffers for a 900-byte event (a third of what listen
// allocated under load). A body cut short keeps only what was read: the
// request is held (by the printer, the history) and counted by its length.
func readBody(body io.Reader, announced int64) ([]byte, error) {
	if announced <= 0 || announced > presizeLimit {
		return io.ReadAll(body)
	}
	b := make([]byte, 0, announced+1) // +1: the read that finds the end has room
	for {
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return bytes.Clone(b), err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // more than announced: grow as io.ReadAll would
		}
	}
}

package receiver

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

const secret = "whsec_test"

type recorder struct {
	mu   sync.Mutex
	reqs []Request
}

func (r *recorder) sink(req Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

func newHandler(skip bool) (*Handler, *recorder) {
	rec := &recorder{}
	h := New(Config{Path: "/webhooks", Schemes: []signature.Scheme{signature.Petstore}, Secrets: []string{secret}, SkipVerify: skip,
		MaxBody: 64, Now: time.Now, Sink: rec.sink})
	return h, rec
}

func signed(body, key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	h, _ := signature.Petstore.Sign(signature.Payload{Body: []byte(body)}, key)
	r.Header.Set(signature.PetstoreHeader, h.Get(signature.PetstoreHeader))
	return r
}

func TestReceiverAnswers(t *testing.T) {
	event := `{"id":"e1","eventType":"pet.adopted","data":{}}`
	tests := []struct {
		name         string
		req          *http.Request
		skip         bool
		status       int
		body         string
		verification string
		reason       string
	}{
		{"valid event", signed(event, secret), false, 200, `{"received":true}`, Verified, ""},
		{"wrong secret", signed(event, "whsec_other"), false, 401, `{"error":"invalid_signature","message":"signature does not match the secret"}`, Rejected, "signature does not match the secret"},
		{"unsigned", httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(event)), false, 401, `{"error":"invalid_signature","message":"X-Petstore-Signature header missing"}`, Rejected, "X-Petstore-Signature header missing"},
		{"unsigned, skip verify", httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(event)), true, 200, `{"received":true}`, Unverified, "X-Petstore-Signature header missing"},
		{"not JSON", signed("hello", secret), false, 400, `{"error":"invalid_event","message":"body is not JSON: invalid character 'h' looking for beginning of value at byte 1"}`, Verified, "body is not JSON: invalid character 'h' looking for beginning of value at byte 1"},
		{"no event type", signed(`{"id":"x"}`, secret), false, 400, `{"error":"invalid_event","message":"event has no type: want an eventType or type field"}`, Verified, "event has no type: want an eventType or type field"},
		{"too large", signed(strings.Repeat(" ", 65)+event, secret), false, 413, `{"error":"body_too_large","message":"body is larger than the limit of 64 bytes"}`, "", ""},
		{"GET", httptest.NewRequest(http.MethodGet, "/webhooks", nil), false, 405, `{"error":"method_not_allowed","message":"send events with POST"}`, "", ""},
		{"other path", httptest.NewRequest(http.MethodPost, "/other", nil), false, 404, `{"error":"not_found","message":"no receiver at /other; events go to /webhooks"}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, rec := newHandler(tt.skip)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tt.req)
			if w.Code != tt.status || strings.TrimSpace(w.Body.String()) != tt.body {
				t.Fatalf("answer %d %s, want %d %s", w.Code, w.Body, tt.status, tt.body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q", ct)
			}
			if tt.status == 405 && w.Header().Get("Allow") != "POST" {
				t.Fatalf("Allow = %q", w.Header().Get("Allow"))
			}
			if len(rec.reqs) != 1 {
				t.Fatalf("sink got %d requests", len(rec.reqs))
			}
			got := rec.reqs[0]
			if got.Status != tt.status || got.Verification != tt.verification || got.Reason != tt.reason {
				t.Fatalf("sink got status %d verification %q reason %q", got.Status, got.Verification, got.Reason)
			}
		})
	}
}

func TestReceiverRejectedEventStillShowsItsType(t *testing.T) {
	h, rec := newHandler(false)
	h.ServeHTTP(httptest.NewRecorder(), signed(`{"id":"e9","eventType":"order.created"}`, "whsec_wrong"))
	if ev := rec.reqs[0].Event; ev == nil || ev.Type != "order.created" || ev.ID != "e9" {
		t.Fatalf("event = %+v", ev)
	}
}

func TestReceiverDuplicatesAndStats(t *testing.T) {
	h, rec := newHandler(false)
	for _, body := range []string{`{"id":"a","type":"x"}`, `{"id":"b","type":"x"}`, `{"id":"a","type":"x"}`} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(body, secret))
		if w.Code != 200 {
			t.Fatalf("%s answered %d", body, w.Code)
		}
	}
	h.ServeHTTP(httptest.NewRecorder(), signed(`{"id":"c","type":"x"}`, "bad"))
	if !rec.reqs[2].Duplicate || rec.reqs[0].Duplicate || rec.reqs[1].Duplicate {
		t.Fatal("duplicate not marked on the third request only")
	}
	if got, want := h.Stats(), (Stats{Received: 4, Verified: 3, Rejected: 1, Duplicates: 1}); got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}

func TestReceiverRotatedSecrets(t *testing.T) {
	rec := &recorder{}
	h := New(Config{Path: "/webhooks", Schemes: []signature.Scheme{signature.Petstore}, Secrets: []string{"new", "old"}, MaxBody: 1 << 20, Now: time.Now, Sink: rec.sink})
	for _, key := range []string{"new", "old"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(`{"id":"`+key+`","type":"x"}`, key))
		if w.Code != 200 {
			t.Fatalf("signed with %s: %d", key, w.Code)
		}
	}
}

func TestIDSetForgetsOldest(t *testing.T) {
	s := newIDSet(2)
	if !s.add("a") || !s.add("b") || s.add("a") {
		t.Fatal("first ids")
	}
	s.add("c") // evicts a
	if !s.add("a") || s.add("c") {
		t.Fatal("eviction")
	}
}

func TestReceiverAnEventNotRecordedIsNotSeen(t *testing.T) {
	rec := &recorder{}
	fail := true
	h := New(Config{Path: "/webhooks", Schemes: []signature.Scheme{signature.Petstore}, Secrets: []string{secret}, MaxBody: 1 << 20, Now: time.Now, Sink: rec.sink,
		Record: func(*Request) (*Answer, error) {
			if fail {
				fail = false
				return nil, errors.New("disk full")
			}
			return nil, nil
		}})
	event := `{"id":"a","type":"x"}`
	for i, want := range []struct {
		status    int
		duplicate bool
	}{{503, false}, {200, false}, {200, true}} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(event, secret))
		if got := rec.reqs[i]; w.Code != want.status || got.Status != want.status || got.Duplicate != want.duplicate {
			t.Fatalf("send %d: answered %d, sink got status %d duplicate %v; want %d duplicate %v", i+1, w.Code, got.Status, got.Duplicate, want.status, want.duplicate)
		}
	}
	if got, want := h.Stats(), (Stats{Received: 3, Verified: 3, Rejected: 1, Duplicates: 1}); got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}

func TestIDSetRemoveThenAddAgain(t *testing.T) {
	s := newIDSet(2)
	s.add("a")
	s.remove("a")
	if !s.add("a") { // slot 1 now
		t.Fatal("a removed is not new")
	}
	s.add("b") // evicts slot 0, a's old one: a stays
	if s.add("a") {
		t.Fatal("a forgotten with the slot it left")
	}
}

// With --passthrough the recorder answers the sender (the app's 500 here):
// the sink is told of that status, the one the sender got, and the receiver
// does not count it as a rejection of its own.
func TestTheRecordersAnswerIsTheOneTheSinkSees(t *testing.T) {
	rec := &recorder{}
	h := New(Config{Path: "/webhooks", Schemes: []signature.Scheme{signature.Petstore}, Secrets: []string{secret}, MaxBody: 1 << 20, Now: time.Now, Sink: rec.sink,
		Record: func(*Request) (*Answer, error) {
			return &Answer{Status: http.StatusInternalServerError, Header: http.Header{"X-App": {"1"}, "Content-Length": {"99"}}, Body: []byte("app down")}, nil
		}})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signed(`{"id":"a","type":"x"}`, secret))
	if w.Code != 500 || w.Body.String() != "app down" || w.Header().Get("X-App") != "1" || w.Header().Get("Content-Length") != "" ||
		len(rec.reqs) != 1 || rec.reqs[0].Status != 500 || rec.reqs[0].Accepted() {
		t.Fatalf("answered %d %q %v, sink got %+v", w.Code, w.Body, w.Header(), rec.reqs)
	}
	if got, want := h.Stats(), (Stats{Received: 1, Verified: 1}); got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}

// readBody reads what io.ReadAll reads, whatever the announced length says:
// exact, short, long, absent or beyond the presized bound, in reads of any size.
func TestReadBodyIsReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 100)
	for _, announced := range []int64{-1, 0, 1, 999, 1000, 1001, 5000, presizeLimit + 1} {
		for _, reader := range []func() io.Reader{
			func() io.Reader { return strings.NewReader(body) },
			func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
			func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) },
		} {
			got, err := readBody(reader(), announced)
			if err != nil || string(got) != body {
				t.Errorf("announced %d: %d bytes, %v", announced, len(got), err)
			}
		}
	}
	if _, err := readBody(iotest.TimeoutReader(strings.NewReader(body)), 2000); err == nil {
		t.Error("a read error was lost")
	}
}

// A body announced larger than MaxBody gets its 413 after MaxBody+1 bytes,
// and what was read is all the request keeps (the sink and the history hold
// it): the announced length must not size a buffer beyond MaxBody.
func TestABodyLargerThanMaxBodyKeepsNoLargerBuffer(t *testing.T) {
	h, rec := newHandler(false) // MaxBody 64
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(strings.Repeat(" ", 12000)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || len(rec.reqs) != 1 {
		t.Fatalf("status %d, %d requests told", w.Code, len(rec.reqs))
	}
	if body := rec.reqs[0].Body; cap(body) > 1024 {
		t.Fatalf("a body read to the limit of 64 bytes holds a buffer of %d bytes (%d read)", cap(body), len(body))
	}
}

// A sender that announces a long body and sends a few bytes gets its 400;
// the few bytes are what the request keeps, not a buffer of the announced
// length (listen's printer counts a body's length, not its buffer, against
// its bound of bytes held).
func TestAShortBodyKeepsNoBufferOfTheAnnouncedLength(t *testing.T) {
	h, rec := newHandler(false)
	r := httptest.NewRequest(http.MethodPost, "/webhooks", io.MultiReader(strings.NewReader(`{"id":"z"}`), iotest.ErrReader(io.ErrUnexpectedEOF)))
	r.ContentLength = 12000
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || len(rec.reqs) != 1 {
		t.Fatalf("status %d, %d requests told", w.Code, len(rec.reqs))
	}
	if body := rec.reqs[0].Body; cap(body) > 1024 {
		t.Fatalf("a body of %d bytes holds a buffer of %d bytes", len(body), cap(body))
	}
}

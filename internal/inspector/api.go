package inspector

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// summary is a request as the list and the stream show it.
type summary struct {
	Number       int64         `json:"number"`
	ReceivedAt   string        `json:"receivedAt"`
	EventID      string        `json:"eventId"`
	EventType    string        `json:"eventType"`
	Method       string        `json:"method"`
	Path         string        `json:"path"`
	Status       int           `json:"status"`
	Verification string        `json:"verification"`
	Scheme       string        `json:"scheme"`
	Reason       string        `json:"reason"`
	Duplicate    bool          `json:"duplicate"`
	State        string        `json:"state"`
	Forwards     []forwardJSON `json:"forwards"`
	BodySize     int           `json:"bodySize"`
}

type forwardJSON struct {
	Target string `json:"target"`
	State  string `json:"state"`
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// bodySize is the size of the body received, of which Body may be the start.
func bodySize(r *store.Request) int { return max(r.BodySize, len(r.Body)) }

func summaryOf(rs store.RequestSummary, fwds []store.Forward) summary {
	r := &rs.Request
	s := summary{Number: r.ID, ReceivedAt: formatTime(r.ReceivedAt), EventID: r.EventID, EventType: r.EventType,
		Method: r.Method, Path: r.Path, Status: r.Status, Verification: r.Verification, Scheme: r.Scheme,
		Reason: r.Reason, Duplicate: r.Duplicate, State: rs.State, Forwards: []forwardJSON{}, BodySize: bodySize(r)}
	for _, f := range fwds {
		s.Forwards = append(s.Forwards, forwardJSON{Target: f.Target, State: f.State})
	}
	return s
}

// summaries lists the requests that f selects, with their forwards.
func (s *Server) summaries(ctx context.Context, f store.RequestFilter) ([]summary, error) {
	rows, err := s.cfg.History.ListRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	fwds, err := s.cfg.History.ForwardsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	list := make([]summary, len(rows))
	for i, r := range rows {
		list[i] = summaryOf(r, fwds[r.ID])
	}
	return list, nil
}

const (
	defaultPage = 100
	maxPage     = 500
)

type listJSON struct {
	Events []summary `json:"events"`
	Next   *int64    `json:"next"` // the before of the next page; null at the end
}

var verifications = []string{"verified", "rejected", "unverified"}
var states = []string{store.Delivered, store.Pending, store.Failed, "rejected", "received"}

// listFilter reads the list's query; its error says what to give instead.
func listFilter(r *http.Request) (store.RequestFilter, error) {
	q := r.URL.Query()
	f := store.RequestFilter{Verification: q.Get("verification"), Status: q.Get("state"), Target: q.Get("target"), Search: q.Get("q"), Limit: defaultPage}
	var err error
	if f.Types, err = event.ParseTypeFilter(q.Get("type")); err != nil {
		return f, fmt.Errorf("type: %v", err)
	}
	if f.Verification != "" && !slices.Contains(verifications, f.Verification) {
		return f, fmt.Errorf("verification: want one of %s", strings.Join(verifications, ", "))
	}
	if f.Status != "" && !slices.Contains(states, f.Status) {
		return f, fmt.Errorf("state: want one of %s", strings.Join(states, ", "))
	}
	if len(f.Search) > 1024 {
		return f, fmt.Errorf("q: search for at most 1024 bytes")
	}
	ints := []struct {
		name string
		dst  *int64
		min  int64
		max  int64
	}{{"status", new(int64), 100, 999}, {"before", &f.BeforeID, 1, 1 << 62}, {"limit", new(int64), 1, maxPage}}
	for _, p := range ints {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < p.min {
			return f, fmt.Errorf("%s: want a number of at least %d", p.name, p.min)
		}
		*p.dst = min(n, p.max)
	}
	if v := *ints[0].dst; v != 0 {
		f.HTTPStatus = int(v)
	}
	if v := *ints[2].dst; v != 0 {
		f.Limit = int(v)
	}
	return f, nil
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request) {
	f, err := listFilter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	list, err := s.summaries(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not read the history: "+err.Error())
		return
	}
	answer := listJSON{Events: list}
	if len(list) > limit {
		answer.Events = list[:limit]
		next := list[limit-1].Number
		answer.Next = &next
	}
	if answer.Events == nil {
		answer.Events = []summary{}
	}
	writeJSON(w, http.StatusOK, answer)
}

// request reads the request numbered by the path, or answers why not.
func (s *Server) request(w http.ResponseWriter, r *http.Request) (store.Request, bool) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 1 {
		writeError(w, http.StatusBadRequest, "want a request number, such as /api/events/42")
		return store.Request{}, false
	}
	req, err := s.cfg.History.GetRequest(r.Context(), n)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("no request %d in the history: it may have been pruned", n))
		return req, false
	case err != nil:
		writeError(w, http.StatusInternalServerError, "could not read the history: "+err.Error())
		return req, false
	}
	return req, true
}

type jsonCheck struct {
	Valid  bool   `json:"valid"`
	Error  string `json:"error,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// checkJSON says whether body is JSON and, when not, where it stops being.
func checkJSON(body []byte) jsonCheck {
	var raw json.RawMessage
	err := json.Unmarshal(body, &raw)
	if err == nil {
		return jsonCheck{Valid: true}
	}
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return jsonCheck{Error: err.Error()}
	}
	line, column := lineColumn(body, int(syn.Offset))
	return jsonCheck{Error: syn.Error(), Line: line, Column: column}
}

// lineColumn is where the byte before offset (the one a json.SyntaxError
// stopped at) is: its line and column from 1, columns counted in characters.
func lineColumn(body []byte, offset int) (line, column int) {
	at := min(max(offset-1, 0), len(body))
	before := body[:at]
	lineStart := strings.LastIndexByte(string(before), '\n') + 1
	return 1 + strings.Count(string(before), "\n"), 1 + utf8.RuneCount(before[lineStart:])
}

type attemptJSON struct {
	Attempt         int                  `json:"attempt"`
	AttemptedAt     string               `json:"attemptedAt"`
	Status          int                  `json:"status"`
	LatencyMs       float64              `json:"latencyMs"`
	Error           string               `json:"error"`
	Response        string               `json:"response"`
	ResponseHeaders []render.HeaderField `json:"responseHeaders"`
}

type forwardDetailJSON struct {
	Target        string        `json:"target"`
	State         string        `json:"state"`
	NextAttemptAt *string       `json:"nextAttemptAt"`
	Attempts      []attemptJSON `json:"attempts"`
}

type eventJSON struct {
	summary
	Headers       []render.HeaderField `json:"headers"`
	Body          *string              `json:"body"`
	BodyBase64    string               `json:"bodyBase64"`
	BodySha256    string               `json:"bodySha256"`
	BodyTruncated bool                 `json:"bodyTruncated"`
	JSON          jsonCheck            `json:"json"`
	Signature     signatureJSON        `json:"signature"`
	Forwards      []forwardDetailJSON  `json:"forwards"`
}

func latencyMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (s *Server) serveEvent(w http.ResponseWriter, r *http.Request) {
	req, ok := s.request(w, r)
	if !ok {
		return
	}
	fwds, attempts, err := s.cfg.History.Forwards(r.Context(), req.ID)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not read the history: "+err.Error())
		return
	}
	rows, err := s.cfg.History.ListRequests(r.Context(), store.RequestFilter{AfterID: req.ID - 1, BeforeID: req.ID + 1, Limit: 1})
	if err != nil || len(rows) == 0 {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("could not read the state of request %d: %v", req.ID, err))
		return
	}
	sum := sha256.Sum256(req.Body)
	ev := eventJSON{summary: summaryOf(rows[0], fwds), Headers: render.HeaderFields(req.Header),
		BodyBase64: base64.StdEncoding.EncodeToString(req.Body), BodySha256: hex.EncodeToString(sum[:]),
		BodyTruncated: req.BodySize > len(req.Body), JSON: checkJSON(req.Body), Signature: s.signatureOf(&req),
		Forwards: []forwardDetailJSON{}}
	if utf8.Valid(req.Body) {
		text := string(req.Body)
		ev.Body = &text
	}
	for _, f := range fwds {
		fj := forwardDetailJSON{Target: f.Target, State: f.State, Attempts: []attemptJSON{}}
		if !f.NextAttemptAt.IsZero() {
			next := formatTime(f.NextAttemptAt)
			fj.NextAttemptAt = &next
		}
		for _, a := range attempts[f.ID] {
			fj.Attempts = append(fj.Attempts, attemptJSON{Attempt: a.Attempt, AttemptedAt: formatTime(a.AttemptedAt), Status: a.Status,
				LatencyMs: latencyMs(a.Latency), Error: a.Error, Response: string(a.Response), ResponseHeaders: render.HeaderFields(a.ResponseHeader)})
		}
		ev.Forwards = append(ev.Forwards, fj)
	}
	writeJSON(w, http.StatusOK, ev)
}

func (s *Server) serveBody(w http.ResponseWriter, r *http.Request) {
	req, ok := s.request(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="request-%d.body"`, req.ID))
	w.Header().Set("Content-Length", strconv.Itoa(len(req.Body)))
	_, _ = w.Write(req.Body)
}

type infoJSON struct {
	Mode      string   `json:"mode"`
	Targets   []string `json:"targets"`
	Schemes   []string `json:"schemes"`
	Version   string   `json:"version"`
	Followers int64    `json:"followers"` // streams open now
}

func (s *Server) serveInfo(w http.ResponseWriter, _ *http.Request) {
	info := infoJSON{Mode: s.cfg.Mode, Targets: []string{}, Schemes: []string{}, Version: s.cfg.Version, Followers: s.followers.Load()}
	for _, t := range s.cfg.Targets {
		info.Targets = append(info.Targets, t.Name())
	}
	for _, sc := range s.cfg.Schemes {
		info.Schemes = append(info.Schemes, sc.Name())
	}
	writeJSON(w, http.StatusOK, info)
}

// statsSince reads ?since: a duration back from now or an RFC 3339 time.
func statsSince(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return now.Add(-24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("since: want a duration such as 1h or an RFC 3339 time, got %q", v)
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	since, err := statsSince(r.URL.Query().Get("since"), now)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	stats, err := s.cfg.History.Stats(r.Context(), since, now)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "history: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, stats)
}

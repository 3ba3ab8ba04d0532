package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/jsonenc"
)

// event_type_matches(filter, type) is event.TypeFilter's Match in SQL, the
// filter comma-separated as --events takes it, so that a filter of `events
// list` selects what the same filter of `listen` shows (SQLite's own GLOB
// differs on /, \ and the empty type). The whole filter is one argument:
// an OR per glob exceeds SQLite's expression depth at about 1000 globs.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("event_type_matches", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		filter, _ := args[0].(string)
		eventType, _ := args[1].(string)
		for glob := range strings.SplitSeq(filter, ",") {
			if event.MatchType(glob, eventType) {
				return true, nil
			}
		}
		return false, nil
	})
	// contains_fold(text, lowered) is whether text (a body or headers,
	// TEXT or BLOB, any bytes) holds lowered in any case: literal, unlike
	// LIKE, and Unicode's lower case, unlike SQLite's lower().
	sqlite.MustRegisterDeterministicScalarFunction("contains_fold", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		lowered, _ := args[1].(string)
		switch text := args[0].(type) {
		case string:
			return containsFold(text, lowered), nil
		case []byte:
			return containsFold(string(text), lowered), nil
		}
		return false, nil
	})
}

// containsFold reports whether s holds lowered (in lower case) in any case.
func containsFold(s, lowered string) bool {
	if isASCII(lowered) {
		// The common case: compared byte by byte, A-Z folded, without a
		// lower-cased copy of s.
		for i := 0; i+len(lowered) <= len(s); i++ {
			if asciiLowerEqual(s[i:i+len(lowered)], lowered) {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(s), lowered)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func asciiLowerEqual(s, lowered string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowered[i] {
			return false
		}
	}
	return true
}

// Request is one request that reached `listen`.
type Request struct {
	ID           int64
	ReceivedAt   time.Time
	EventID      string
	EventType    string
	Method       string
	Path         string
	Header       http.Header
	Body         []byte
	BodySize     int // the size of the body received, when Body is only its start; else 0
	Status       int
	Verification string
	Scheme       string // the signature scheme that verified it
	Reason       string
	Duplicate    bool

	encodedHeader []byte // see EncodeHeader
}

// EncodeHeader encodes the header for storage now, so that a caller with
// goroutines to spare takes that work off the one that commits.
func (r *Request) EncodeHeader() {
	r.encodedHeader = jsonenc.AppendHeader(make([]byte, 0, 64*len(r.Header)), r.Header)
}

// Forward is one request on its way to one target.
type Forward struct {
	ID            int64
	RequestID     int64
	Target        string
	State         string // Pending, Delivered or Failed
	Attempts      int
	CreatedAt     time.Time
	NextAttemptAt time.Time // zero unless pending
}

// ForwardAttempt is one try at a forward.
type ForwardAttempt struct {
	ForwardID   int64
	Attempt     int
	AttemptedAt time.Time
	Status      int // 0 when there was no answer
	Latency     time.Duration
	Error       string
	Response    []byte // the start of the target's answer
	// ResponseHeader is the answer's header (nil when there was none), as
	// much of it as the relay keeps.
	ResponseHeader http.Header

	encodedResponseHeader []byte // see EncodeResponseHeader
}

// EncodeResponseHeader encodes the answer's header for storage now, off the
// goroutine that commits (see Request.EncodeHeader); no answer is "".
func (a *ForwardAttempt) EncodeResponseHeader() {
	a.encodedResponseHeader = []byte{}
	if a.ResponseHeader != nil {
		a.encodedResponseHeader = jsonenc.AppendHeader(make([]byte, 0, 64*len(a.ResponseHeader)), a.ResponseHeader)
	}
}

// Batch is what one transaction writes: requests, with a pending forward
// to each of their targets, and attempts at forwards.
type Batch struct {
	Requests []*Request
	Targets  [][]string // Targets[i] belongs to Requests[i]
	Attempts []AttemptRecord
	// BeforeCommit, when not nil, is given the new forwards inside the
	// transaction, before any other connection or query can see them.
	BeforeCommit func([][]Forward)
}

// AttemptRecord is an attempt at a forward and the state it moves the
// forward to, due again at Next when State is Pending.
type AttemptRecord struct {
	Attempt ForwardAttempt
	State   string
	Next    time.Time
}

// Commit writes b in one transaction, sets the requests' ids and returns
// their forwards.
func (s *Store) Commit(ctx context.Context, b Batch) (forwards [][]Forward, err error) {
	forwards = make([][]Forward, len(b.Requests))
	err = s.inRawTx(ctx, func(exec rawExec) error {
		for i, r := range b.Requests {
			var err error
			if forwards[i], err = insertRequestAndForwards(exec, r, b.Targets[i]); err != nil {
				return err
			}
		}
		for _, a := range b.Attempts {
			if err := insertAttempt(exec, a); err != nil {
				return err
			}
		}
		if b.BeforeCommit != nil {
			b.BeforeCommit(forwards)
		}
		return nil
	})
	return forwards, err
}

// RecordRequests commits requests and their forwards (see Batch).
func (s *Store) RecordRequests(ctx context.Context, reqs []*Request, targets [][]string) ([][]Forward, error) {
	return s.Commit(ctx, Batch{Requests: reqs, Targets: targets})
}

// RecordForwardAttempt commits an attempt and moves its forward to state,
// due again at next when state is Pending.
func (s *Store) RecordForwardAttempt(ctx context.Context, a ForwardAttempt, state string, next time.Time) error {
	_, err := s.Commit(ctx, Batch{Attempts: []AttemptRecord{{Attempt: a, State: state, Next: next}}})
	return err
}

func insertRequestAndForwards(exec rawExec, r *Request, targets []string) ([]Forward, error) {
	if r.encodedHeader == nil {
		r.EncodeHeader()
	}
	received := formatTime(r.ReceivedAt)
	body := r.Body
	if body == nil {
		body = []byte{} // a request answered before its body was read, such as a GET: no body, not NULL
	}
	var size driver.Value // NULL: the whole body is kept
	if r.BodySize > len(body) {
		size = int64(r.BodySize)
	}
	res, err := exec(insertRequest, received, r.EventID, r.EventType, r.Method, r.Path, string(r.encodedHeader), body, size,
		int64(r.Status), r.Verification, r.Scheme, r.Reason, r.Duplicate)
	if err != nil {
		return nil, err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	var fwds []Forward
	for _, t := range targets {
		res, err := exec(insertForward, r.ID, t, received, received)
		if err != nil {
			return nil, err
		}
		id, _ := res.LastInsertId()
		fwds = append(fwds, Forward{ID: id, RequestID: r.ID, Target: t, State: Pending, CreatedAt: r.ReceivedAt, NextAttemptAt: r.ReceivedAt})
	}
	return fwds, nil
}

func insertAttempt(exec rawExec, r AttemptRecord) error {
	a := r.Attempt
	if a.encodedResponseHeader == nil {
		a.EncodeResponseHeader()
	}
	_, err := exec(insertForwardAttempt, a.ForwardID, int64(a.Attempt), formatTime(a.AttemptedAt), int64(a.Status),
		float64(a.Latency.Microseconds())/1000, a.Error, a.Response, string(a.encodedResponseHeader))
	if err != nil {
		return err
	}
	var due driver.Value // NULL unless pending
	if r.State == Pending {
		due = formatTime(r.Next)
	}
	_, err = exec(`UPDATE forwards SET attempts = ?, state = ?, next_attempt_at = ? WHERE id = ?`, int64(a.Attempt), r.State, due, a.ForwardID)
	return err
}

// AddForward adds a pending forward of a recorded request to target, due now.
func (s *Store) AddForward(ctx context.Context, requestID int64, target string, now time.Time) (Forward, error) {
	res, err := s.db.ExecContext(ctx, insertForward, requestID, target, formatTime(now), formatTime(now))
	if err != nil {
		return Forward{}, err
	}
	id, err := res.LastInsertId()
	return Forward{ID: id, RequestID: requestID, Target: target, State: Pending, CreatedAt: now, NextAttemptAt: now}, err
}

// PendingTargets counts the forwards still pending, by target.
func (s *Store) PendingTargets(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT target, COUNT(*) FROM forwards WHERE state = 'pending' GROUP BY target ORDER BY target`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pending := map[string]int{}
	for rows.Next() {
		var target string
		var n int
		if err := rows.Scan(&target, &n); err != nil {
			return nil, err
		}
		pending[target] = n
	}
	return pending, rows.Err()
}

// DueForwards returns up to limit pending forwards due at or before now.
func (s *Store) DueForwards(ctx context.Context, now time.Time, limit int) ([]Forward, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+forwardColumns+` FROM forwards WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanForward)
}

// GetForward returns one forward as it is now.
func (s *Store) GetForward(ctx context.Context, id int64) (Forward, error) {
	f, err := scanForward(s.db.QueryRowContext(ctx, `SELECT `+forwardColumns+` FROM forwards WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// NextForwardDue returns when the earliest pending forward is due.
func (s *Store) NextForwardDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM forwards WHERE state = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, false, err
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return parseTime(next.String), true, nil
}

// GetRequest returns one recorded request.
func (s *Store) GetRequest(ctx context.Context, id int64) (Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// FindRequest looks a request up by its number, by the event id it
// carried, or by the end of that id (at least MinShortID characters, with or
// without the "…" that listen and events list print before it) when only one
// event's id ends so; a request number is a number first, and digits name an
// id's end only when there are at least 8 of them, the length shown. An
// event received more than once is the latest such request that was not
// rejected, else the latest. An end that several events' ids share is an
// *AmbiguousError.
func (s *Store) FindRequest(ctx context.Context, ref string) (Request, error) {
	n, numErr := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
	if numErr == nil {
		if r, err := s.GetRequest(ctx, n); err == nil {
			return r, nil
		}
	}
	r, err := s.requestOfEvent(ctx, ref)
	if !errors.Is(err, ErrNotFound) {
		return r, err
	}
	end := strings.TrimPrefix(strings.TrimPrefix(ref, "…"), "...")
	if len(end) < MinShortID || (numErr == nil && end == ref && len(end) < 8) {
		return r, ErrNotFound
	}
	rows, err := s.db.QueryContext(ctx, `SELECT event_id, MAX(id) FROM requests
		WHERE length(event_id) > length(?1) AND substr(event_id, -length(?1)) = ?1
		GROUP BY event_id ORDER BY 2 DESC LIMIT ?2`, end, maxCandidates+1)
	if err != nil {
		return r, err
	}
	type candidate struct {
		eventID string
		number  int64
	}
	found, err := collect(rows, func(sc scanner) (candidate, error) {
		var c candidate
		return c, sc.Scan(&c.eventID, &c.number)
	})
	switch {
	case err != nil:
		return r, err
	case len(found) == 0:
		return r, ErrNotFound
	case len(found) == 1:
		return s.requestOfEvent(ctx, found[0].eventID)
	}
	amb := &AmbiguousError{End: end, More: len(found) > maxCandidates}
	for _, c := range found[:min(len(found), maxCandidates)] {
		amb.Numbers = append(amb.Numbers, c.number)
	}
	return r, amb
}

// MinShortID is the fewest characters of an event id's end that FindRequest
// looks up.
const MinShortID = 4

// maxCandidates is how many events an *AmbiguousError names.
const maxCandidates = 5

// AmbiguousError is FindRequest's answer for an id's end that several
// events' ids share: Numbers are their latest requests, newest first.
type AmbiguousError struct {
	End     string
	Numbers []int64
	More    bool // more events than Numbers share it
}

func (e *AmbiguousError) Error() string {
	nums := make([]string, len(e.Numbers))
	for i, n := range e.Numbers {
		nums[i] = "#" + strconv.FormatInt(n, 10)
	}
	list := strings.Join(nums, ", ")
	if e.More {
		list += ", ..."
	}
	return "several events' ids end with " + strconv.Quote(e.End) + " (" + list + ")"
}

// requestOfEvent is the request that carried eventID: the latest that was
// not rejected, else the latest. Anyone can send a request with a known
// event id: the one that was verified (or accepted unverified) is the
// event, whatever came after it.
func (s *Store) requestOfEvent(ctx context.Context, eventID string) (Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE event_id = ? ORDER BY verification = 'rejected', id DESC LIMIT 1`, eventID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// Forwards returns a request's forwards and their attempts, oldest first.
func (s *Store) Forwards(ctx context.Context, requestID int64) ([]Forward, map[int64][]ForwardAttempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+forwardColumns+` FROM forwards WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, nil, err
	}
	fwds, err := collect(rows, scanForward)
	if err != nil {
		return nil, nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT a.forward_id, a.attempt, a.attempted_at, a.status, a.latency_ms, a.error, a.response, a.response_headers
		FROM forward_attempts a JOIN forwards f ON f.id = a.forward_id WHERE f.request_id = ? ORDER BY a.id`, requestID)
	if err != nil {
		return nil, nil, err
	}
	atts, err := collect(rows, func(sc scanner) (ForwardAttempt, error) {
		var a ForwardAttempt
		var at, header string
		var ms float64
		if err := sc.Scan(&a.ForwardID, &a.Attempt, &at, &a.Status, &ms, &a.Error, &a.Response, &header); err != nil {
			return a, err
		}
		a.AttemptedAt, a.Latency = parseTime(at), time.Duration(ms*float64(time.Millisecond))
		if header != "" {
			return a, json.Unmarshal([]byte(header), &a.ResponseHeader)
		}
		return a, nil
	})
	byForward := map[int64][]ForwardAttempt{}
	for _, a := range atts {
		byForward[a.ForwardID] = append(byForward[a.ForwardID], a)
	}
	return fwds, byForward, err
}

// RequestFilter narrows ListRequests.
type RequestFilter struct {
	Types        event.TypeFilter
	Since        time.Time
	Status       string // delivered, pending, failed, rejected, received, or "" for all
	Verification string // verified, rejected, unverified, or "" for all
	HTTPStatus   int    // the status the request was answered with; 0 for all
	Target       string // only requests with a forward to this target (its Name); "" for all
	// Search keeps the requests whose body or headers (as stored: their
	// JSON) hold it, in any case; its characters are all literal.
	Search   string
	BeforeID int64 // only requests numbered below it; 0 for no bound
	AfterID  int64 // only requests numbered above it
	Limit    int   // 0 for all
}

// RequestSummary is a request with the state of its forwards.
type RequestSummary struct {
	Request
	State    string // rejected, pending, failed, delivered, or received (nothing to forward)
	Forwards int
}

// ListRequests returns requests, newest first.
func (s *Store) ListRequests(ctx context.Context, f RequestFilter) ([]RequestSummary, error) {
	q := `SELECT * FROM (SELECT ` + prefixed("r.", requestColumns) + `,
		CASE WHEN EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = r.id AND f.state = 'pending') THEN 'pending'
			WHEN EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = r.id AND f.state = 'failed') THEN 'failed'
			WHEN EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = r.id) THEN 'delivered'
			WHEN r.status <> 200 THEN 'rejected' -- only accepted requests have forwards; with --passthrough, answered the target's status
			ELSE 'received' END AS state,
		(SELECT COUNT(*) FROM forwards f WHERE f.request_id = r.id) AS nforwards
		FROM requests r WHERE r.received_at >= ?`
	args := []any{formatTime(f.Since)}
	and := func(cond string, arg any) {
		q += ` AND ` + cond
		args = append(args, arg)
	}
	if len(f.Types) > 0 {
		and(`event_type_matches(?, r.event_type)`, strings.Join(f.Types, ",")) // ParseTypeFilter's globs hold no comma
	}
	if f.Verification != "" {
		and(`r.verification = ?`, f.Verification)
	}
	if f.HTTPStatus != 0 {
		and(`r.status = ?`, f.HTTPStatus)
	}
	if f.Target != "" {
		and(`EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = r.id AND f.target = ?)`, f.Target)
	}
	if f.BeforeID > 0 {
		and(`r.id < ?`, f.BeforeID)
	}
	if f.AfterID > 0 {
		and(`r.id > ?`, f.AfterID)
	}
	if f.Search != "" {
		lowered := strings.ToLower(f.Search)
		q += ` AND (contains_fold(r.body, ?) OR contains_fold(r.headers, ?))`
		args = append(args, lowered, lowered)
	}
	q += `) WHERE 1 = 1`
	if f.Status != "" {
		q += ` AND state = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (RequestSummary, error) {
		var rs RequestSummary
		var err error
		rs.Request, err = scanRequestWith(sc, &rs.State, &rs.Forwards)
		return rs, err
	})
}

// ForwardsOf returns the forwards of the requests numbered ids, oldest
// first, by request.
func (s *Store) ForwardsOf(ctx context.Context, ids []int64) (map[int64][]Forward, error) {
	byRequest := map[int64][]Forward{}
	const chunk = 500 // well below SQLite's limit on a statement's parameters
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := s.db.QueryContext(ctx, `SELECT `+forwardColumns+` FROM forwards WHERE request_id IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		fwds, err := collect(rows, scanForward)
		if err != nil {
			return nil, err
		}
		for _, f := range fwds {
			byRequest[f.RequestID] = append(byRequest[f.RequestID], f)
		}
	}
	return byRequest, nil
}

// SetRequestStatus records the status a request was answered with, once it
// is known after the request was recorded (listen --passthrough).
func (s *Store) SetRequestStatus(ctx context.Context, id int64, status int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE requests SET status = ? WHERE id = ?`, status, id)
	return err
}

// PruneRequests deletes requests received before cutoff whose forwards are
// all finished, with their forwards and attempts; it returns how many.
func (s *Store) PruneRequests(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM requests WHERE received_at < ? AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = requests.id AND f.state = 'pending')`, formatTime(cutoff))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Size is how many bytes of the database hold data: its pages less the
// free ones, which new rows reuse before the file grows.
func (s *Store) Size(ctx context.Context) (int64, error) {
	var size int64
	err := s.db.QueryRowContext(ctx, `SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()`).Scan(&size)
	return size, err
}

// PruneToSize deletes the oldest requests whose forwards are all finished,
// with their forwards and attempts, until Size is at most max or only
// requests with pending forwards are left; it returns how many it deleted.
func (s *Store) PruneToSize(ctx context.Context, max int64) (int64, error) {
	var deleted int64
	for {
		size, err := s.Size(ctx)
		if err != nil || size <= max {
			return deleted, err
		}
		// The oldest finished requests whose bodies and headers add up to
		// the excess: an estimate, checked by the next turn.
		rows, err := s.db.QueryContext(ctx, `SELECT id, length(body) + length(headers) FROM requests
			WHERE NOT EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = requests.id AND f.state = 'pending') ORDER BY id LIMIT 1000`)
		if err != nil {
			return deleted, err
		}
		last := int64(-1)
		for excess := size - max; excess > 0 && rows.Next(); {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return deleted, err
			}
			last, excess = id, excess-n
		}
		rows.Close()
		if err := rows.Err(); err != nil || last < 0 {
			return deleted, err
		}
		res, err := s.db.ExecContext(ctx, `DELETE FROM requests WHERE id <= ? AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = requests.id AND f.state = 'pending')`, last)
		if err != nil {
			return deleted, err
		}
		n, _ := res.RowsAffected()
		deleted += n
	}
}

// DeleteFinished deletes a request once all its forwards are finished:
// what a relay without history keeps no longer than it must.
func (s *Store) DeleteFinished(ctx context.Context, requestID int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM requests WHERE id = ? AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.request_id = requests.id AND f.state = 'pending')`, requestID)
	return err
}

const requestColumns = `id, received_at, event_id, event_type, method, path, headers, body, body_size, status, verification, scheme, reason, duplicate`
const forwardColumns = `id, request_id, target, state, attempts, created_at, COALESCE(next_attempt_at, '')`

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ", ")
	for i, p := range parts {
		parts[i] = prefix + p
	}
	return strings.Join(parts, ", ")
}

func scanRequest(sc scanner) (Request, error) { return scanRequestWith(sc) }

func scanRequestWith(sc scanner, extra ...any) (Request, error) {
	var r Request
	var at, header string
	var size sql.NullInt64
	dest := append([]any{&r.ID, &at, &r.EventID, &r.EventType, &r.Method, &r.Path, &header, &r.Body, &size, &r.Status, &r.Verification, &r.Scheme, &r.Reason, &r.Duplicate}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.BodySize = int(size.Int64)
	r.ReceivedAt = parseTime(at)
	if err := json.Unmarshal([]byte(header), &r.Header); err != nil {
		return r, err
	}
	return r, nil
}

func scanForward(sc scanner) (Forward, error) {
	var f Forward
	var created, next string
	err := sc.Scan(&f.ID, &f.RequestID, &f.Target, &f.State, &f.Attempts, &created, &next)
	f.CreatedAt = parseTime(created)
	if next != "" {
		f.NextAttemptAt = parseTime(next)
	}
	return f, err
}

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

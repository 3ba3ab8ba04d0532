package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// hopByHop headers belong to one connection and are not forwarded.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host"}

// keptResponse is how much of a target's answer the history keeps, and all
// that is read of it unless the whole answer is handed back (passthrough).
const keptResponse = 4 << 10

// drainedResponse is how much more of an answer is read and thrown away so
// that its connection can be reused; past it the connection is closed.
const drainedResponse = 64 << 10

// PassedResponse is the most of an answer handed back with PassAnswers: as
// much as `listen` takes of a request by default (--max-body).
const PassedResponse = 1 << 20

// UnusableAnswerError is an answer that is not one to hand back: a 1xx, or
// one larger than PassedResponse. The attempt fails as if there was none.
type UnusableAnswerError struct{ Reason string }

func (e *UnusableAnswerError) Error() string { return e.Reason }

// NewClient returns the HTTP client forwards go through: connections kept
// for reuse, and redirects handed back as answers (a relay forwards, it does
// not browse).
func NewClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Config sets up a Relay.
type Config struct {
	Store         *store.Store
	Client        *http.Client
	Timeout       time.Duration    // for one attempt
	RetryMax      int              // attempts in all; 0 for no limit
	RetryFor      time.Duration    // no retry is scheduled past this age
	Headers       http.Header      // added to every forward
	ForwardSecret string           // re-signs the body when set
	ForwardScheme signature.Scheme // how to re-sign; petstore when nil
	Now           func() time.Time
	// KeepHistory false deletes a request once its forwards are finished.
	KeepHistory bool
	// RecordAttempt commits an attempt and its forward's new state; when nil,
	// the attempt is committed on its own.
	RecordAttempt func(ctx context.Context, a store.ForwardAttempt, state string, next time.Time) error
	// OnAttempt is told of every recorded attempt.
	OnAttempt func(Result)
	// OnError is told when an attempt could not be recorded; the forward
	// stays due and is tried again.
	OnError func(error)
	Workers int
	// Targets are where forwards recorded by a target's Name are sent.
	Targets []Target
	// PassAnswers reads the target's whole answer (up to PassedResponse), for
	// --passthrough to hand back; otherwise only what the history keeps is read.
	PassAnswers bool
}

// Result is one attempt and what became of its forward.
type Result struct {
	Request  *store.Request
	Forward  store.Forward // State is the new state
	Attempt  store.ForwardAttempt
	RetryIn  time.Duration // when State is Pending
	Response *Response     // nil when there was no answer
	Err      error         // why there was no answer (Attempt.Error)
}

// Response is a target's whole answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

type job struct {
	fwd   store.Forward
	req   *store.Request // nil: load it from the store
	token uint64         // the claim on fwd.ID
	// early, when not nil, is a first attempt that starts before the forward
	// is recorded: its forward and claim come from early once it is.
	early  *Early
	target int // the index of the target in early's
}

// Relay delivers forwards: fresh ones at once, due retries from the store.
type Relay struct {
	cfg      Config
	urls     map[string]string // a configured target's Name -> its URL
	jobs     chan job
	wake     chan struct{}
	mu       sync.Mutex
	inflight map[int64]uint64 // forward id -> the token of the claim that holds it
	tokens   uint64
	closed   bool
	workers  sync.WaitGroup
	loopDone chan struct{}
	// attempts run under attemptCtx, which Close cancels when draining takes too long.
	attemptCtx    context.Context
	cancelAttempt context.CancelFunc
}

// New returns a Relay; Start runs it.
func New(cfg Config) *Relay {
	if cfg.Workers == 0 {
		cfg.Workers = 32
	}
	// A forward never follows a redirect, whatever client it is given: a 3xx
	// is the target's answer.
	client := *cfg.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.Client = &client
	urls := map[string]string{}
	for _, t := range cfg.Targets {
		urls[t.Name()] = t.URL
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Relay{cfg: cfg, urls: urls, jobs: make(chan job, 4096), wake: make(chan struct{}, 1), inflight: map[int64]uint64{},
		loopDone: make(chan struct{}), attemptCtx: ctx, cancelAttempt: cancel}
}

// Start runs the workers and the loop that picks up due retries, until ctx
// ends; then Close drains.
func (r *Relay) Start(ctx context.Context) {
	for range r.cfg.Workers {
		r.workers.Add(1)
		go func() {
			defer r.workers.Done()
			for j := range r.jobs {
				r.attempt(j)
			}
		}()
	}
	go func() {
		defer close(r.loopDone)
		r.loop(ctx)
	}()
}

// Close waits up to grace for the attempts in flight, then cuts the rest
// short; they stay pending and resume when a relay starts on the same store.
// The context given to Start must have ended.
func (r *Relay) Close(grace time.Duration) {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	<-r.loopDone
	close(r.jobs)
	done := make(chan struct{})
	go func() { r.workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		r.cancelAttempt()
		<-done
	}
}

// claim takes a forward for one attempt and returns the claim's token, or 0
// when another claim holds it.
func (r *Relay) claim(id int64) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, held := r.inflight[id]; held {
		return 0
	}
	return r.take(id)
}

// take claims a forward even when another claim holds it; r.mu is held.
func (r *Relay) take(id int64) uint64 {
	r.tokens++
	r.inflight[id] = r.tokens
	return r.tokens
}

// holds reports whether the claim with token still holds the forward.
func (r *Relay) holds(id int64, token uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inflight[id] == token
}

func (r *Relay) release(id int64, token uint64) {
	r.mu.Lock()
	r.releaseLocked(id, token)
	r.mu.Unlock()
}

// releaseLocked lets a forward go if the claim with token holds it; r.mu is held.
func (r *Relay) releaseLocked(id int64, token uint64) {
	if r.inflight[id] == token {
		delete(r.inflight, id)
	}
}

func (r *Relay) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// loop hands due forwards to the workers until ctx ends.
func (r *Relay) loop(ctx context.Context) {
	for {
		due, err := r.cfg.Store.DueForwards(ctx, r.cfg.Now(), 256)
		if err != nil && ctx.Err() != nil {
			return
		}
		for _, f := range due {
			token := r.claim(f.ID)
			if token == 0 {
				continue
			}
			select {
			case r.jobs <- job{fwd: f, token: token}:
			case <-ctx.Done():
				r.release(f.ID, token)
				return
			}
		}
		wait := time.Minute
		if next, ok, err := r.cfg.Store.NextForwardDue(ctx); err == nil && ok {
			wait = min(max(next.Sub(r.cfg.Now()), 10*time.Millisecond), time.Minute)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-r.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// attempt makes one attempt at a forward and records it.
func (r *Relay) attempt(j job) {
	if j.early != nil {
		r.attemptEarly(j)
		return
	}
	if j.req == nil {
		// The loop read this forward before claiming it. A fresh one's worker
		// may have finished it in between, or, once a request without history
		// is deleted, a fresh forward may have its id and its own claim: only
		// a forward that is still this claim's, pending and due now is
		// attempted, as it is now.
		f, err := r.cfg.Store.GetForward(r.attemptCtx, j.fwd.ID)
		if err != nil || f.State != store.Pending || f.NextAttemptAt.After(r.cfg.Now()) || !r.holds(f.ID, j.token) {
			r.release(j.fwd.ID, j.token)
			return
		}
		j.fwd = f
	}
	res, err := r.Once(r.attemptCtx, j.req, j.fwd, true)
	r.settle(j.fwd, j.token, res, err)
}

// settle releases an attempted forward's claim, then has a pending one
// picked up again when due, and forgets a finished one without history.
func (r *Relay) settle(f store.Forward, token uint64, res Result, err error) {
	r.release(f.ID, token)
	if err != nil {
		if r.attemptCtx.Err() == nil && r.cfg.OnError != nil {
			r.cfg.OnError(fmt.Errorf("forward %d to %s: %w", f.ID, f.Target, err))
		}
		return // it stays due
	}
	if res.Forward.State == store.Pending {
		r.poke()
		return
	}
	r.forget(res)
}

// forget deletes, without history, a request whose forwards are all
// finished. It runs after the forward's claim is released: the store may
// give a deleted forward's id to the next one.
func (r *Relay) forget(res Result) {
	if !r.cfg.KeepHistory && res.Forward.State != store.Pending {
		_ = r.cfg.Store.DeleteFinished(context.Background(), res.Request.ID)
	}
}

// Once makes one attempt at f and records it. With retry false the forward
// is finished by this attempt whatever its outcome (passthrough, resend).
func (r *Relay) Once(ctx context.Context, req *store.Request, f store.Forward, retry bool) (Result, error) {
	res, err := r.once(ctx, req, f, retry)
	if err == nil && r.cfg.OnAttempt != nil {
		r.cfg.OnAttempt(res)
	}
	return res, err
}

// once is Once without telling OnAttempt.
func (r *Relay) once(ctx context.Context, req *store.Request, f store.Forward, retry bool) (Result, error) {
	if req == nil {
		loaded, err := r.cfg.Store.GetRequest(ctx, f.RequestID)
		if err != nil {
			return Result{}, err
		}
		req = &loaded
	}
	at := r.cfg.Now()
	resp, latency, sendErr := r.send(ctx, req, f.Target)
	return r.record(ctx, req, f, retry, sent{at, resp, latency, sendErr})
}

// sent is what one send to a target came to.
type sent struct {
	at      time.Time
	resp    *Response
	latency time.Duration
	err     error
}

// record stores an attempt at f and moves f to its next state; the caller
// tells OnAttempt.
func (r *Relay) record(ctx context.Context, req *store.Request, f store.Forward, retry bool, s sent) (Result, error) {
	at, resp, latency, sendErr := s.at, s.resp, s.latency, s.err
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	a := store.ForwardAttempt{ForwardID: f.ID, Attempt: f.Attempts + 1, AttemptedAt: at, Latency: latency, Response: []byte{}}
	if sendErr != nil {
		a.Error = sendErr.Error()
	} else {
		a.Status = resp.Status
		a.Response = resp.Body[:min(len(resp.Body), keptResponse)]
		if loc := resp.Header.Get("Location"); resp.Status >= 300 && resp.Status < 400 && loc != "" {
			a.Error = "redirected to " + urlmask.Mask(loc) + " (not followed)"
		}
	}
	res := Result{Request: req, Forward: f, Attempt: a, Response: resp, Err: sendErr}
	res.Forward.Attempts = a.Attempt
	var next time.Time
	switch {
	case sendErr == nil && resp.Status >= 200 && resp.Status < 300:
		res.Forward.State = store.Delivered
	case retry && retryable(resp, sendErr):
		res.RetryIn = backoff(a.Attempt, resp)
		next = r.cfg.Now().Add(res.RetryIn)
		res.Forward.State = store.Pending
		if (r.cfg.RetryMax > 0 && a.Attempt >= r.cfg.RetryMax) || next.Sub(f.CreatedAt) > r.cfg.RetryFor {
			res.Forward.State, res.RetryIn = store.Failed, 0
		}
	default:
		res.Forward.State = store.Failed
	}
	res.Forward.NextAttemptAt = next
	recordAttempt := r.cfg.RecordAttempt
	if recordAttempt == nil {
		recordAttempt = r.cfg.Store.RecordForwardAttempt
	}
	if err := recordAttempt(context.WithoutCancel(ctx), a, res.Forward.State, next); err != nil {
		return Result{}, err
	}
	return res, nil
}

// targetURL is where a forward recorded as target goes: the URL of the
// configured target of that name (whose credentials the name masks), else
// the target itself, unless its credentials were masked: they are not kept.
func (r *Relay) targetURL(target string) (string, error) {
	if u, ok := r.urls[target]; ok {
		return u, nil
	}
	if u, err := url.Parse(target); err == nil && u.User != nil {
		return "", fmt.Errorf("the credentials of %s are not kept: give the target again with --forward-to", target)
	}
	return target, nil
}

// send POSTs the request's exact bytes, with its headers less the hop-by-hop
// ones, to target.
func (r *Relay) send(ctx context.Context, req *store.Request, target string) (*Response, time.Duration, error) {
	target, err := r.targetURL(target)
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	out, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(req.Body))
	if err != nil {
		return nil, 0, err
	}
	for k, v := range req.Header {
		out.Header[k] = append([]string(nil), v...)
	}
	for _, h := range hopByHop {
		out.Header.Del(h)
	}
	if r.cfg.ForwardSecret != "" {
		scheme := r.cfg.ForwardScheme
		if scheme == nil {
			scheme = signature.Petstore
		}
		signed, err := scheme.Sign(signature.Payload{Body: req.Body, ID: req.EventID, Timestamp: r.cfg.Now()}, r.cfg.ForwardSecret)
		if err != nil {
			return nil, 0, err
		}
		for k, v := range signed {
			out.Header[k] = v
		}
	}
	for k, v := range r.cfg.Headers {
		out.Header[k] = v
	}
	start := time.Now()
	resp, err := r.cfg.Client.Do(out)
	if err != nil {
		return nil, time.Since(start), cause(err, r.cfg.Timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 { // a 101's body is the connection: not read
		return nil, time.Since(start), &UnusableAnswerError{fmt.Sprintf("the target answered %d %s, which ends no request", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	limit := int64(keptResponse)
	if r.cfg.PassAnswers {
		limit = PassedResponse + 1 // a byte more, to tell a larger answer
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	latency := time.Since(start)
	if err == nil && len(body) <= PassedResponse {
		_, _ = io.CopyN(io.Discard, resp.Body, drainedResponse)
	}
	if err != nil {
		return nil, latency, cause(err, r.cfg.Timeout)
	}
	if len(body) > PassedResponse {
		return nil, latency, &UnusableAnswerError{fmt.Sprintf("the target answered %d with more than %d MiB, more than is passed through", resp.StatusCode, PassedResponse>>20)}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, latency, nil
}

func cause(err error, timeout time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryable: no answer, 5xx, 408 and 429 are tried again; other answers are final.
func retryable(resp *Response, err error) bool {
	if err != nil {
		return true
	}
	return resp.Status >= 500 || resp.Status == http.StatusRequestTimeout || resp.Status == http.StatusTooManyRequests
}

// backoff is Retry-After on a 429 or 503 that gives one (at most an hour),
// else 250 ms doubling per attempt up to 5 s, with up to 20% jitter.
func backoff(attempt int, resp *Response) time.Duration {
	if resp != nil && (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			return time.Duration(min(s, 3600)) * time.Second // capped before multiplying, which overflows
		}
		if t, err := http.ParseTime(resp.Header.Get("Retry-After")); err == nil {
			return min(max(time.Until(t), 0), time.Hour)
		}
	}
	d := min(250*time.Millisecond<<min(attempt-1, 10), 5*time.Second)
	return d + rand.N(d/5+1)
}

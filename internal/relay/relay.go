package relay

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/retry"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
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

// keptResponseHeader is how many bytes of an answer's header names and
// values the history keeps; the answer's header is bounded by the client's
// MaxResponseHeaderBytes only (10 MiB by default).
const keptResponseHeader = 4 << 10

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
	Client        *http.Client
	Timeout       time.Duration    // for one attempt
	RetryMax      int              // attempts in all; 0 for no limit
	RetryFor      time.Duration    // no retry is scheduled past this age
	Headers       http.Header      // added to every forward
	ForwardSecret string           // re-signs the body when set
	ForwardScheme signature.Scheme // how to re-sign; petstore when nil
	Now           func() time.Time
	// Backoff is how long to wait before attempt+1 after resp (nil when
	// there was no answer); when nil, 250 ms doubling up to 5 s, or the
	// answer's Retry-After.
	Backoff func(attempt int, resp *Response) time.Duration
	// Targets are where forwards recorded by a target's Name are sent.
	Targets []Target
	// PassAnswers reads the target's whole answer (up to PassedResponse), for
	// --passthrough to hand back; otherwise only what the history keeps is read.
	PassAnswers bool
}

// Result is one attempt and what became of its forward.
type Result struct {
	Request  *store.Request
	Forward  store.Forward // State is the new state, NextAttemptAt when it is due again
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

// Relay sends forwards to their targets and judges the answers.
type Relay struct {
	cfg  Config
	urls map[string]string // a configured target's Name -> its URL
}

// New returns a Relay.
func New(cfg Config) *Relay {
	// A forward never follows a redirect, whatever client it is given: a 3xx
	// is the target's answer.
	client := *cfg.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.Client = &client
	if cfg.Backoff == nil {
		now := cfg.Now
		cfg.Backoff = func(attempt int, resp *Response) time.Duration { return backoff(attempt, resp, now()) }
	}
	urls := map[string]string{}
	for _, t := range cfg.Targets {
		urls[t.Name()] = t.URL
	}
	return &Relay{cfg: cfg, urls: urls}
}

// Route returns the names of the targets that events of eventType go to.
func (r *Relay) Route(eventType string) []string {
	var names []string
	for _, t := range r.cfg.Targets {
		if t.Matches(eventType) {
			names = append(names, t.Name()) // Send sends to its URL
		}
	}
	return names
}

// Sent is what one send to a target came to.
type Sent struct {
	At       time.Time
	Response *Response // nil when there was no answer
	Latency  time.Duration
	Err      error // why there was no answer
}

// Judge makes the attempt that s was at f, and moves f to its next state:
// delivered on a 2xx; pending, due again after a backoff, when the failure
// is worth a retry within RetryMax and RetryFor; else failed.
func (r *Relay) Judge(req *store.Request, f store.Forward, s Sent) Result {
	return r.judge(req, f, true, s)
}

// JudgeFinal is Judge for an attempt that is never retried (passthrough,
// resend): f is delivered on a 2xx, else failed.
func (r *Relay) JudgeFinal(req *store.Request, f store.Forward, s Sent) Result {
	return r.judge(req, f, false, s)
}

func (r *Relay) judge(req *store.Request, f store.Forward, retry bool, s Sent) Result {
	resp, sendErr := s.Response, s.Err
	a := store.ForwardAttempt{ForwardID: f.ID, Attempt: f.Attempts + 1, AttemptedAt: s.At, Latency: s.Latency, Response: []byte{}}
	if sendErr != nil {
		a.Error = sendErr.Error()
	} else {
		a.Status = resp.Status
		a.Response = resp.Body[:min(len(resp.Body), keptResponse)]
		a.ResponseHeader = keptHeader(resp.Header)
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
		res.RetryIn = r.cfg.Backoff(a.Attempt, resp)
		next = r.cfg.Now().Add(res.RetryIn)
		res.Forward.State = store.Pending
		if (r.cfg.RetryMax > 0 && a.Attempt >= r.cfg.RetryMax) || next.Sub(f.CreatedAt) > r.cfg.RetryFor {
			res.Forward.State, res.RetryIn = store.Failed, 0
		}
	default:
		res.Forward.State = store.Failed
	}
	res.Forward.NextAttemptAt = next
	return res
}

// keptHeader is h when its names and values hold at most
// keptResponseHeader bytes; else as many of its values as fit, taken by
// name in order, the others left out.
func keptHeader(h http.Header) http.Header {
	size := 0
	for k, vs := range h {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	if size <= keptResponseHeader {
		return h
	}
	kept, room := http.Header{}, keptResponseHeader
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			if n := len(k) + len(v); n <= room {
				kept[k], room = append(kept[k], v), room-n
			}
		}
	}
	return kept
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

// Send POSTs the request's exact bytes, with its headers less the hop-by-hop
// ones, to target (a configured target's Name, or a URL).
func (r *Relay) Send(ctx context.Context, req *store.Request, target string) Sent {
	at := r.cfg.Now()
	resp, latency, err := r.send(ctx, req, target)
	return Sent{At: at, Response: resp, Latency: latency, Err: err}
}

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
		return nil, time.Since(start), sender.Cause(err, r.cfg.Timeout)
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
		return nil, latency, sender.Cause(err, r.cfg.Timeout)
	}
	if len(body) > PassedResponse {
		return nil, latency, &UnusableAnswerError{fmt.Sprintf("the target answered %d with more than %d MiB, more than is passed through", resp.StatusCode, PassedResponse>>20)}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, latency, nil
}

// retryable: no answer, 5xx, 408 and 429 are tried again; other answers are final.
func retryable(resp *Response, err error) bool {
	if err != nil {
		return true
	}
	return resp.Status >= 500 || resp.Status == http.StatusRequestTimeout || resp.Status == http.StatusTooManyRequests
}

// forwardBackoff is 250 ms doubling per attempt up to 5 s, with up to 20%
// jitter.
var forwardBackoff = retry.Backoff{Base: 250 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.2}

// backoff is Retry-After on a 429 or 503 that gives one (at most an hour),
// else forwardBackoff.
func backoff(attempt int, resp *Response, now time.Time) time.Duration {
	if resp != nil && (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) {
		if d, ok := retry.RetryAfter(resp.Header.Get("Retry-After"), now, time.Hour); ok {
			return d
		}
	}
	return forwardBackoff.Delay(attempt)
}

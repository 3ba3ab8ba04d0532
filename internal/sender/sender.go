// Package sender posts signed events to a URL, times each delivery and
// summarises a run of many.
package sender

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// Result is the outcome of one delivery. Err is set when the receiver could
// not be reached or did not answer; Status is then 0. Reason is the
// receiver's own word on a non-2xx answer, when it gave one.
type Result struct {
	Status  int
	Reason  string
	Latency time.Duration
	Err     error
}

// OK reports a 2xx answer.
func (r Result) OK() bool { return r.Err == nil && r.Status >= 200 && r.Status < 300 }

// Send POSTs body with header to target and reads the answer to the end;
// see Sender.Send.
func Send(ctx context.Context, client *http.Client, target string, header http.Header, body []byte) Result {
	s, err := New(client, target)
	if err != nil {
		return Result{Err: err}
	}
	return s.Send(ctx, header, body)
}

// Sender posts to one URL, parsed once for a run of many deliveries.
type Sender struct {
	transport http.RoundTripper
	timeout   time.Duration
	target    *url.URL
}

// New is a Sender to target through client's transport, within client's
// timeout. It never follows a redirect, whatever client's policy: following
// one would turn the POST into a body-less GET, carry the signature to
// another host and report that host's answer as the delivery's. A 3xx is
// the answer, a failure whose Reason names where it pointed. Being no
// http.Client, it has no cookies either, and saves the Client's copies of
// each request that only redirects and cookies need.
func New(client *http.Client, target string) (*Sender, error) {
	// Parsed as http.NewRequest parses it, so that a bad URL gets its error.
	req, err := http.NewRequest(http.MethodPost, target, nil)
	if err != nil {
		return nil, err
	}
	transport := client.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &Sender{transport: transport, timeout: client.Timeout, target: req.URL}, nil
}

// Send POSTs body with header, which becomes the request's own, and reads
// the answer to the end. A "Host" in header is the request's Host.
func (s *Sender) Send(ctx context.Context, header http.Header, body []byte) Result {
	caller := ctx
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	if header == nil {
		header = http.Header{}
	}
	if u := s.target.User; u != nil && header.Get("Authorization") == "" { // as http.Client does
		password, _ := u.Password()
		header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+password)))
	}
	newBody := func() (io.ReadCloser, error) { // as http.NewRequest makes them
		if len(body) == 0 {
			return http.NoBody, nil
		}
		return io.NopCloser(bytes.NewReader(body)), nil
	}
	first, _ := newBody()
	req := (&http.Request{
		Method:        http.MethodPost,
		URL:           s.target, // read, never written, by the transport
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          first,
		GetBody:       newBody,
		ContentLength: int64(len(body)),
		Host:          s.target.Host,
	}).WithContext(ctx)
	if h := header.Get("Host"); h != "" {
		req.Host = h
	}
	start := time.Now()
	resp, err := s.transport.RoundTrip(req)
	if err != nil {
		timeout := s.timeout
		if caller.Err() != nil { // the caller's deadline or cancel, not the timeout
			timeout = 0
		}
		return Result{Latency: time.Since(start), Err: Cause(err, timeout)}
	}
	res := Result{Status: resp.StatusCode}
	var answer []byte
	if res.OK() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	} else {
		answer, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	resp.Body.Close()
	res.Latency = time.Since(start)
	switch {
	case res.OK():
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
		res.Reason = shorten("redirected to " + urlmask.Mask(resp.Header.Get("Location")) + " (not followed)")
	default:
		res.Reason = reason(answer)
	}
	return res
}

// reason picks the message out of an error answer: a JSON "message",
// "detail" or "error" field, else the first line of text, kept short.
func reason(answer []byte) string {
	var fields map[string]any
	if json.Unmarshal(answer, &fields) == nil {
		for _, k := range []string{"message", "detail", "error", "title"} {
			if s, ok := fields[k].(string); ok && s != "" {
				return shorten(s)
			}
		}
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(answer)), "\n")
	if !utf8.ValidString(line) {
		return ""
	}
	return shorten(line)
}

func shorten(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// Refused reports whether err is a refused connection: nothing listens at
// the address.
func Refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// Cause is what went wrong with a request an http.Client could not make: the
// error under the client's *url.Error (which repeats the method and URL the
// caller shows anyway), or, when timeout is set and the request ran out of
// it, "no answer within" timeout.
func Cause(err error, timeout time.Duration) error {
	if timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Stats gathers the results of a run; safe for concurrent use.
type Stats struct {
	mu          sync.Mutex
	latencies   []time.Duration
	ok          int
	non2xx      int
	non2xx401   int
	noSignature int
	errors      int
	refused     int
	cancelled   int
}

// Add records one result. A request cut short because the run's context
// was cancelled (Ctrl-C) is counted apart from the receiver's failures.
func (s *Stats) Add(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case errors.Is(r.Err, context.Canceled):
		s.cancelled++
	case r.Err != nil:
		s.errors++
		if Refused(r.Err) {
			s.refused++
		}
	case r.OK():
		s.ok++
	default:
		s.non2xx++
		if r.Status == http.StatusUnauthorized {
			s.non2xx401++
			if SaysSignatureMissing(r.Reason) {
				s.noSignature++
			}
		}
	}
	if r.Err == nil {
		s.latencies = append(s.latencies, r.Latency)
	}
}

// SaysSignatureMissing reports a receiver's reason that says the request
// had no signature header it reads ("X-Petstore-Signature header missing"):
// the receiver checks another scheme, whatever the secret.
func SaysSignatureMissing(reason string) bool {
	r := strings.ToLower(reason)
	return strings.Contains(r, "signature") && strings.Contains(r, "missing")
}

// Sent is how many results were added.
func (s *Stats) Sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ok + s.non2xx + s.errors + s.cancelled
}

// Summary is a run's totals: what was sent, delivered (a 2xx answer),
// answered otherwise, could not reach the receiver, and was cancelled.
// Latencies and the rate are over the answered requests only. Refused
// counts the connection errors where nothing listened.
type Summary struct {
	Sent, OK, Non2xx, ConnErrors, Cancelled int
	Refused                                 int
	Unauthorized                            int // the non-2xx answers that were 401
	NoSignature                             int // the 401s whose reason says a signature header is missing
	P50, P95, P99                           time.Duration
	PerSecond                               float64
}

// Answered is how many requests got an answer, 2xx or not.
func (s Summary) Answered() int { return s.OK + s.Non2xx }

// Summary totals the run, which took elapsed.
func (s *Stats) Summary(elapsed time.Duration) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	lat := append([]time.Duration(nil), s.latencies...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sum := Summary{Sent: s.ok + s.non2xx + s.errors + s.cancelled, OK: s.ok, Non2xx: s.non2xx, ConnErrors: s.errors, Cancelled: s.cancelled,
		Refused: s.refused, Unauthorized: s.non2xx401, NoSignature: s.noSignature,
		P50: Percentile(lat, 50), P95: Percentile(lat, 95), P99: Percentile(lat, 99)}
	if elapsed > 0 {
		sum.PerSecond = float64(sum.Answered()) / elapsed.Seconds()
	}
	return sum
}

// Percentile returns the nearest-rank p-th percentile of sorted values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

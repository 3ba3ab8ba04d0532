package petstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/retry"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// Client calls the Petstore webhooks API.
type Client struct {
	base      *url.URL
	token     string
	http      *http.Client
	userAgent string
	// Sleep waits between retries; tests replace it.
	Sleep func(context.Context, time.Duration) error
	// MaxRetries is how many times a retryable call is tried again.
	MaxRetries int
	// listBounds are MaxListPages, MaxListWebhooks and MaxListBytes, which
	// tests lower to reach them in less time.
	listBounds listBounds
}

type listBounds struct{ pages, webhooks, bytes int }

// NewClient returns a client of the API at base, authenticating with token.
func NewClient(base, token string, httpClient *http.Client, userAgent string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API base %q is not an absolute http(s) URL", urlmask.Mask(base))
	}
	sameOrigin := *httpClient
	sameOrigin.CheckRedirect = stayOnOrigin
	return &Client{base: u, token: token, http: &sameOrigin, userAgent: userAgent, Sleep: Sleep, MaxRetries: 3,
		listBounds: listBounds{MaxListPages, MaxListWebhooks, MaxListBytes}}, nil
}

// stayOnOrigin follows a redirect only to the scheme, host and port the call
// went to. net/http drops Authorization only when the host name changes, so
// the API key would otherwise reach another port of the same host, or
// travel in the clear after a redirect from https to http.
func stayOnOrigin(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return fmt.Errorf("the API redirected to %s://%s, which is not %s://%s: not followed, to keep the API key from it", req.URL.Scheme, req.URL.Host, first.Scheme, first.Host)
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// APIError is an answer outside 2xx.
type APIError struct {
	Method, Path string
	Status       int
	Problem      Problem
}

func (e *APIError) Error() string {
	msg := e.Problem.Summary()
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s (%d)", msg, e.Status)
}

// AnswerError is an answer the client cannot use: larger than it reads, or
// pages that do not end. The API failed, as with a 5xx.
type AnswerError struct{ Msg string }

func (e *AnswerError) Error() string { return e.Msg }

// The bounds on what the client holds from the API.
const (
	// MaxAnswerBytes is the largest answer read from one call.
	MaxAnswerBytes = 8 << 20
	// MaxListPages, MaxListWebhooks and MaxListBytes bound what ListWebhooks
	// gathers.
	MaxListPages    = 1000
	MaxListWebhooks = 100_000
	MaxListBytes    = 64 << 20
)

// NetworkError is a call that got no answer.
type NetworkError struct {
	Host string
	Err  error
}

func (e *NetworkError) Error() string { return fmt.Sprintf("cannot reach %s: %v", e.Host, e.Err) }
func (e *NetworkError) Unwrap() error { return e.Err }

// StatusOf returns the HTTP status of an APIError, else 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// CreateWebhook registers a webhook.
func (c *Client) CreateWebhook(ctx context.Context, in CreateWebhook) (Webhook, error) {
	var w Webhook
	return w, c.do(ctx, http.MethodPost, "/webhooks", nil, in, &w)
}

// GetWebhook returns one webhook.
func (c *Client) GetWebhook(ctx context.Context, id string) (Webhook, error) {
	var w Webhook
	return w, c.do(ctx, http.MethodGet, "/webhooks/"+url.PathEscape(id), nil, nil, &w)
}

// ListWebhooks follows the pages to the end, or until limit webhooks (0: no
// limit), and fails past MaxListPages pages or MaxListWebhooks webhooks.
func (c *Client) ListWebhooks(ctx context.Context, limit int) ([]Webhook, error) {
	var all []Webhook
	cursor := ""
	seen := map[string]bool{}
	read := 0
	for pages := 1; ; pages++ {
		q := url.Values{}
		pageSize := 100
		if limit > 0 {
			pageSize = min(pageSize, limit-len(all))
		}
		q.Set("limit", strconv.Itoa(pageSize))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var raw json.RawMessage
		if err := c.do(ctx, http.MethodGet, "/webhooks", q, nil, &raw); err != nil {
			return nil, err
		}
		page, err := decodeWebhookList(raw)
		if err != nil {
			return nil, err
		}
		all, read = append(all, page.Data...), read+len(raw)
		if page.NextCursor == nil || *page.NextCursor == "" || (limit > 0 && len(all) >= limit) {
			break
		}
		if seen[*page.NextCursor] {
			return nil, &AnswerError{"the API returned the same page cursor twice"}
		}
		if len(page.Data) == 0 {
			return nil, &AnswerError{"the API returned an empty page that names a next one"}
		}
		if b := c.listBounds; pages >= b.pages || len(all) >= b.webhooks || read >= b.bytes {
			return nil, &AnswerError{fmt.Sprintf("the API kept paging: stopped after %d pages, %d webhooks and %d MiB (at most %d pages, %d webhooks and %d MiB are read; --limit lists fewer)",
				pages, len(all), read>>20, b.pages, b.webhooks, b.bytes>>20)}
		}
		cursor = *page.NextCursor
		seen[cursor] = true
	}
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// decodeWebhookList accepts {"data": [...], "nextCursor": ...} or a bare array.
func decodeWebhookList(raw json.RawMessage) (WebhookList, error) {
	var page WebhookList
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		err := json.Unmarshal(t, &page.Data)
		return page, wrapDecode(err)
	}
	return page, wrapDecode(json.Unmarshal(raw, &page))
}

// UpdateWebhook changes the fields set in in.
func (c *Client) UpdateWebhook(ctx context.Context, id string, in UpdateWebhook) (Webhook, error) {
	var w Webhook
	return w, c.do(ctx, http.MethodPatch, "/webhooks/"+url.PathEscape(id), nil, in, &w)
}

// DeleteWebhook removes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/webhooks/"+url.PathEscape(id), nil, nil, nil)
}

// TestWebhook asks the API to send one test event to the webhook.
func (c *Client) TestWebhook(ctx context.Context, id string, in SendEvent) (Delivery, error) {
	var d Delivery
	return d, c.do(ctx, http.MethodPost, "/webhooks/"+url.PathEscape(id)+"/test", nil, in, &d)
}

// Deliveries lists a webhook's delivery attempts (an emulator endpoint).
func (c *Client) Deliveries(ctx context.Context, id string) ([]Delivery, error) {
	var l DeliveryList
	return l.Data, c.do(ctx, http.MethodGet, "/webhooks/"+url.PathEscape(id)+"/deliveries", nil, nil, &l)
}

// EventDeliveries lists a webhook's attempts to deliver one event, oldest
// first (an emulator endpoint). It asks the API for that event's only and
// keeps only those, should the API list others too.
func (c *Client) EventDeliveries(ctx context.Context, webhookID, eventID string) ([]Delivery, error) {
	var l DeliveryList
	if err := c.do(ctx, http.MethodGet, "/webhooks/"+url.PathEscape(webhookID)+"/deliveries", url.Values{"eventId": {eventID}}, nil, &l); err != nil {
		return nil, err
	}
	out := l.Data[:0]
	for _, d := range l.Data {
		if d.EventID == eventID {
			out = append(out, d)
		}
	}
	return out, nil
}

// SendEvent asks the API to send an event to its subscribers (an emulator endpoint).
func (c *Client) SendEvent(ctx context.Context, in SendEvent) (EventSent, error) {
	var s EventSent
	return s, c.do(ctx, http.MethodPost, "/events", nil, in, &s)
}

// do makes one call. GET, PUT and DELETE are retried on 429, 502, 503 and
// 504; POST and PATCH only on 429, which says the call was not processed.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	for attempt := 0; ; attempt++ {
		status, header, answer, err := c.once(ctx, method, u.String(), body)
		if err != nil {
			return err
		}
		if status >= 200 && status < 300 {
			if out == nil || status == http.StatusNoContent {
				return nil
			}
			if len(answer) > MaxAnswerBytes {
				return &AnswerError{fmt.Sprintf("the API's answer to %s %s is larger than %d MiB, more than this client reads", method, u.EscapedPath(), MaxAnswerBytes>>20)}
			}
			return wrapDecode(json.Unmarshal(answer, out))
		}
		if attempt < c.MaxRetries && retryable(method, status) {
			if err := c.Sleep(ctx, backoff(attempt, header.Get("Retry-After"), time.Now())); err != nil {
				return err
			}
			continue
		}
		return &APIError{Method: method, Path: path, Status: status, Problem: parseProblem(status, answer)}
	}
}

// once makes one attempt; it reads up to one byte past MaxAnswerBytes, for do
// to tell an answer that is too large.
func (c *Client) once(ctx context.Context, method, target string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, &NetworkError{Host: c.base.Host, Err: networkCause(err)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err != nil {
		return 0, nil, nil, &NetworkError{Host: c.base.Host, Err: networkCause(err)}
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// networkCause keeps the reason and drops the URL, which may carry a query.
func networkCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("timed out")
	}
	return err
}

func retryable(method string, status int) bool {
	switch method {
	case http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead:
		return status == http.StatusTooManyRequests || status == http.StatusBadGateway ||
			status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
	}
	return status == http.StatusTooManyRequests
}

// backoff is Retry-After when the server gave one (seconds or a date, at most
// a minute), else 0.5 s, 1 s, 2 s ... with up to 50% jitter.
func backoff(attempt int, retryAfter string, now time.Time) time.Duration {
	if d, ok := retry.RetryAfter(retryAfter, now, time.Minute); ok {
		return d
	}
	return apiBackoff.Delay(attempt + 1)
}

var apiBackoff = retry.Backoff{Base: 500 * time.Millisecond, Jitter: 0.5}

// Sleep waits d, or less when ctx ends first (then it returns ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseProblem reads a problem+json answer; any other answer becomes a
// problem with the status text and the start of the body.
func parseProblem(status int, answer []byte) Problem {
	var p Problem
	if json.Unmarshal(answer, &p) == nil && (p.Title != "" || p.Detail != "" || len(p.Errors) > 0) {
		return p
	}
	p = Problem{Title: http.StatusText(status), Status: status}
	if text := strings.TrimSpace(string(answer)); text != "" && !strings.HasPrefix(text, "<") {
		p.Detail = oneLine(text, 200)
	}
	return p
}

func wrapDecode(err error) error {
	if err != nil {
		return &shapeError{err}
	}
	return nil
}

// shapeError is an answer whose JSON does not decode into what was asked
// for. The decoder's message quotes what the API sent: it is escaped.
type shapeError struct{ err error }

func (e *shapeError) Error() string {
	return "the API answered with JSON of an unexpected shape: " + oneLine(e.err.Error(), 500)
}

func (e *shapeError) Unwrap() error { return e.err }

package petstore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

// FuzzBackoff: whatever Retry-After the API sends, the wait is never negative,
// never more than a minute, and a date agrees with http.ParseTime.
func FuzzBackoff(f *testing.F) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"7", "0", "", " 5 ", "-1", "+3", "60", "61", "9300000000", "99999999999999999999",
		now.Add(9 * time.Second).Format(http.TimeFormat), now.Add(-time.Hour).Format(http.TimeFormat),
		"Monday, 06-Jan-25 12:00:30 GMT", "Mon Jan  6 12:00:30 2025", "Fri, 31 Dec 9999 23:59:59 GMT", "1.5", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, retryAfter string) {
		d := backoff(1, retryAfter, now)
		if d < 0 || d > time.Minute {
			t.Fatalf("Retry-After %q: waits %s, want 0 to 1m", retryAfter, d)
		}
		if when, err := http.ParseTime(retryAfter); err == nil {
			if want := min(max(when.Sub(now), 0), time.Minute); d != want {
				t.Fatalf("Retry-After %q: waits %s, want %s", retryAfter, d, want)
			}
		}
	})
}

// hostile answers every call with status and, in turn, each of bodies.
type hostile struct {
	status int
	bodies []string
	calls  int
}

func (h *hostile) RoundTrip(req *http.Request) (*http.Response, error) {
	if h.calls > 1000 {
		return nil, errors.New("still calling after 1000 answers")
	}
	body := h.bodies[h.calls%len(h.bodies)]
	h.calls++
	return &http.Response{StatusCode: h.status, Header: http.Header{"Content-Type": {"application/problem+json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// FuzzHostileAnswers: whatever the API answers, calls end, and a failure is
// one printable line of bounded length.
func FuzzHostileAnswers(f *testing.F) {
	for _, s := range []struct {
		status int
		a, b   string
	}{
		{200, `{"data":[` + hookJSON + `],"nextCursor":"2"}`, `{"data":[],"nextCursor":null}`},
		{200, `{"data":[],"nextCursor":"a"}`, `{"data":[],"nextCursor":"b"}`},
		{200, `{"data":[` + hookJSON + `],"nextCursor":"a"}`, `{"data":[` + hookJSON + `],"nextCursor":"b"}`},
		{200, `[` + hookJSON + `]`, ``},
		{200, `{"id":42}`, `null`},
		{200, "\xff\xfe", "{"},
		{422, `{"title":"Validation Failed","detail":"the request has invalid fields","errors":[{"field":"url","message":"is required"}]}`, ``},
		{400, `{"title":"Bad\n12:00:00 webhook verified","detail":"\u001b[2J\u009b31m"}`, ``},
		{500, "database\non fire\x1b]0;pwned\x07", ``},
		{500, strings.Repeat("é", 300), ``},
		{502, `{"errors":[` + strings.Repeat(`{"field":"f","message":"m"},`, 50) + `{"field":"f","message":"m"}]}`, ``},
		{404, `{"title":"` + strings.Repeat("x", 5000) + `"}`, ``},
		{301, "", ""},
		{0, "", ""},
	} {
		f.Add(s.status, s.a, s.b)
	}
	f.Fuzz(func(t *testing.T, status int, a, b string) {
		if status < 100 || status > 999 {
			status = 200
		}
		h := &hostile{status: status, bodies: []string{a, b}}
		c, err := NewClient("http://api.test/v1", "tok_secret", &http.Client{Transport: h}, "test/1")
		if err != nil {
			t.Fatal(err)
		}
		c.Sleep = func(context.Context, time.Duration) error { return nil }
		check := func(call string, err error) {
			t.Helper()
			if h.calls > 1000 {
				t.Fatalf("%s: %d calls for one answer that repeats", call, h.calls)
			}
			h.calls = 0
			if err == nil {
				return
			}
			msg := err.Error()
			if len(msg) > 2000 {
				t.Fatalf("%s: a %d-byte error", call, len(msg))
			}
			for _, r := range msg {
				if unicode.IsControl(r) {
					t.Fatalf("%s: error with control character %q: %q", call, r, msg)
				}
			}
			if strings.Contains(msg, "tok_secret") {
				t.Fatalf("%s: the token in the error %q", call, msg)
			}
		}
		_, err = c.ListWebhooks(context.Background(), 0)
		check("ListWebhooks", err)
		_, err = c.ListWebhooks(context.Background(), 3)
		check("ListWebhooks(3)", err)
		_, err = c.GetWebhook(context.Background(), "wh_1")
		check("GetWebhook", err)
		_, err = c.Deliveries(context.Background(), "wh_1")
		check("Deliveries", err)
		_, err = c.TestWebhook(context.Background(), "wh_1", SendEvent{EventType: "pet.adopted"})
		check("TestWebhook", err)
	})
}

package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func forwardResult(status int, errText, state string, retry time.Duration) relay.Result {
	return relay.Result{
		Request: &store.Request{EventID: "e1", EventType: "pet.adopted", Method: "POST"},
		Forward: store.Forward{Target: "http://localhost:3000", State: state},
		Attempt: store.ForwardAttempt{Attempt: 2, AttemptedAt: at, Status: status, Latency: 1500 * time.Microsecond, Error: errText},
		RetryIn: retry,
	}
}

// firstAttempt is a forward's first attempt: it says nothing of what next.
func firstAttempt(r relay.Result) relay.Result {
	r.Attempt.Attempt = 1
	return r
}

func TestForwardLine(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	st := ios.OutStyles()
	forced, _, _, _ := iostreams.Test() // piped, --color always
	_ = forced.SetColorMode("always")
	tests := []struct {
		r             relay.Result
		piped, styled string
	}{
		{firstAttempt(forwardResult(200, "", store.Delivered, 0)),
			"12:00:00\t<--\t200 OK\tPOST\thttp://localhost:3000\t1.5ms\te1\t-",
			"12:00:00  <--  200 OK                e1         1.5ms  localhost:3000"},
		{forwardResult(200, "", store.Delivered, 0),
			"12:00:00\t<--\t200 OK\tPOST\thttp://localhost:3000\t1.5ms\te1\tdelivered after 2 attempts",
			"12:00:00  <--  200 OK                e1         1.5ms  localhost:3000\n               delivered after 2 attempts"},
		{forwardResult(0, "connection refused", store.Pending, 500*time.Millisecond),
			"12:00:00\t<--\terror: connection refused\tPOST\thttp://localhost:3000\t1.5ms\te1\tretrying in 500ms",
			"12:00:00  <--  error                 e1         1.5ms  localhost:3000\n               retrying in 500ms · connection refused"},
		{forwardResult(404, "", store.Failed, 0),
			"12:00:00\t<--\t404 Not Found\tPOST\thttp://localhost:3000\t1.5ms\te1\tfailed after 2 attempts",
			"12:00:00  <--  404 Not Found         e1         1.5ms  localhost:3000\n               failed after 2 attempts"},
		{forwardResult(301, "redirected to http://x/\x1b[2J (not followed)", store.Failed, 0),
			"12:00:00\t<--\t301 Moved Permanently: redirected to http://x/\\x1b[2J (not followed)\tPOST\thttp://localhost:3000\t1.5ms\te1\tfailed after 2 attempts",
			"12:00:00  <--  301 Moved Permanent…  e1         1.5ms  localhost:3000\n               failed after 2 attempts · redirected to http://x/\\x1b[2J (not fo…"},
	}
	for _, tt := range tests {
		if got := ForwardLine(st, false, tt.r); got != tt.piped {
			t.Errorf("piped:\n got %q\nwant %q", got, tt.piped)
		}
		if got := ForwardLine(st, true, tt.r); got != tt.styled {
			t.Errorf("terminal:\n got %q\nwant %q", got, tt.styled)
		}
		// every piped line has the same fields, none of them escapes alone
		if got := ForwardLine(forced.OutStyles(), false, tt.r); !strings.Contains(got, "\x1b[") || stripANSI(got) != tt.piped || strings.Count(got, "\t") != 7 {
			t.Errorf("piped with --color always: %q", got)
		}
	}
	b, _ := json.Marshal(NewForwardJSON(forwardResult(0, "connection refused", store.Pending, 500*time.Millisecond)))
	want := `{"kind":"forward","attemptedAt":"` + at.UTC().Format(time.RFC3339Nano) + `","eventId":"e1","eventType":"pet.adopted","method":"POST","target":"http://localhost:3000","attempt":2,"status":0,"latencyMs":1.5,"error":"connection refused","state":"pending","retryInMs":500}`
	if string(b) != want {
		t.Fatalf("json:\n got %s\nwant %s", b, want)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1h", 30 * time.Minute: "30m", 90 * time.Second: "1m30s", 5 * time.Second: "5s", time.Hour + time.Second: "1h0m1s"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

package render

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// ForwardJSON is a forward attempt as `listen --format json` prints it.
type ForwardJSON struct {
	Kind        string  `json:"kind"`
	AttemptedAt string  `json:"attemptedAt"`
	EventID     string  `json:"eventId"`
	EventType   string  `json:"eventType"`
	Method      string  `json:"method"`
	Target      string  `json:"target"`
	Attempt     int     `json:"attempt"`
	Status      int     `json:"status"`
	LatencyMs   float64 `json:"latencyMs"`
	Error       string  `json:"error,omitempty"`
	State       string  `json:"state"`
	RetryInMs   int64   `json:"retryInMs,omitempty"`
}

// NewForwardJSON converts a forward attempt.
func NewForwardJSON(r relay.Result) ForwardJSON {
	return ForwardJSON{Kind: "forward", AttemptedAt: r.Attempt.AttemptedAt.UTC().Format(time.RFC3339Nano), EventID: r.Request.EventID,
		EventType: r.Request.EventType, Method: r.Request.Method, Target: r.Forward.Target, Attempt: r.Attempt.Attempt, Status: r.Attempt.Status,
		LatencyMs: float64(r.Attempt.Latency.Microseconds()) / 1000, Error: r.Attempt.Error, State: r.Forward.State, RetryInMs: r.RetryIn.Milliseconds()}
}

// ForwardLine is one line about a forward attempt: time, <--, status,
// method, target, latency, event id, and what happens next.
func ForwardLine(st *iostreams.Styles, terminal bool, r relay.Result) string {
	a := r.Attempt
	status := fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))
	switch {
	case a.Error != "" && a.Status != 0: // an answer that is a failure, such as a redirect not followed
		status += ": " + iostreams.Escape(a.Error)
	case a.Error != "":
		status = "error: " + iostreams.Escape(a.Error)
	}
	method, target, id := iostreams.Escape(r.Request.Method), iostreams.Escape(r.Forward.Target), orDash(iostreams.Escape(r.Request.EventID))
	next := ""
	switch r.Forward.State {
	case store.Pending:
		next = fmt.Sprintf("retry in %s", r.RetryIn.Round(time.Millisecond))
	case store.Failed:
		next = fmt.Sprintf("failed after %d attempt(s)", a.Attempt)
	}
	when := a.AttemptedAt.Local().Format("15:04:05")
	if !terminal {
		return strings.Join([]string{when, "<--", status, method, target, Latency(a.Latency), id, next}, "\t")
	}
	line := fmt.Sprintf("%s  <--  %s  %s %s  %s  %s", st.Faint(when), st.Status(a.Status, status), method, target,
		st.Faint(Latency(a.Latency)), id)
	if next != "" {
		line += "  " + st.Warning(next)
	}
	return line
}

// ForwardDetail is what --verbose adds: the start of the target's answer.
func ForwardDetail(r relay.Result) string {
	body := strings.TrimSpace(string(r.Attempt.Response))
	if body == "" {
		return ""
	}
	const max = 512
	if len(body) > max {
		body = body[:max] + "…"
	}
	return "    " + strings.ReplaceAll(iostreams.EscapeLines(body), "\n", "\n    ") + "\n"
}

// Latency formats a duration for people: µs, ms with one decimal, or s.
func Latency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

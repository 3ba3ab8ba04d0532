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

// ForwardLine is one line about a forward attempt. Piped: time, <--, status
// (and the error), method, target, latency, event id, and what happens next,
// whole and separated by tabs. On a terminal, in the columns of RequestLine:
// time, <--, status, the event's short id, latency and target, then on a
// faint line what happens next and the error, when there is either. Colour
// follows st.
func ForwardLine(st *iostreams.Styles, terminal bool, r relay.Result) string {
	a := r.Attempt
	status := fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))
	if a.Status == 0 {
		status = "error"
	}
	errText := iostreams.Escape(a.Error)
	method, target, id := iostreams.Escape(r.Request.Method), iostreams.Escape(r.Forward.Target), OrDash(iostreams.Escape(r.Request.EventID))
	when := a.AttemptedAt.Local().Format("15:04:05")
	next := forwardNext(r)
	if !terminal {
		piped := status
		if errText != "" {
			piped += ": " + errText
		}
		return joinFields(st.Faint(when), "<--", st.Status(a.Status, piped), method, target, Latency(a.Latency), id, st.Warning(next))
	}
	latency := Latency(a.Latency)
	line := fmt.Sprintf("%s  <--  %s  %s  %s  %s", st.Faint(when), st.Status(a.Status, iostreams.Pad(status, TypeColumn)),
		iostreams.Pad(ShortID(OrDash(r.Request.EventID)), IDColumn), st.Faint(latency), iostreams.Truncate(strings.TrimPrefix(target, "http://"), outcomeRoom-iostreams.Width(latency)-2))
	detail := next
	if errText != "" {
		detail = strings.TrimPrefix(next+" · "+lastClause(errText), " · ")
	}
	return line + detailLine(st, detail)
}

// forwardNext says what became of a forward after an attempt that did not
// simply deliver it: retrying, delivered after N attempts, failed.
func forwardNext(r relay.Result) string {
	switch n := r.Attempt.Attempt; {
	case r.Forward.State == store.Pending:
		return fmt.Sprintf("retrying in %s", r.RetryIn.Round(time.Millisecond))
	case r.Forward.State == store.Failed:
		return fmt.Sprintf("failed after %s", attempts(n))
	case n > 1:
		return fmt.Sprintf("delivered after %s", attempts(n))
	}
	return ""
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// lastClause is an error without the context Go puts before its cause
// ("dial tcp 127.0.0.1:3000: connect: connection refused" is "connection
// refused"): on a terminal, the target is on the line already; the whole
// error is in piped lines, --format json and the history.
func lastClause(err string) string {
	if i := strings.LastIndex(err, ": "); i >= 0 && i+2 < len(err) {
		return err[i+2:]
	}
	return err
}

// ForwardDetail is what --verbose adds: the start of the target's answer.
func ForwardDetail(r relay.Result) string { return AnswerDetail(r.Attempt.Response) }

// AnswerDetail is the start of what a target answered, escaped, each line
// indented by four spaces, or nothing when it answered no body.
func AnswerDetail(response []byte) string {
	body := strings.TrimSpace(string(response))
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

// ShortDuration is d without zero minutes and seconds: 1h, 30m, 1m30s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Package petstore is the typed client of the Petstore webhooks API, and the
// shapes that API sends and receives.
package petstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Webhook is a registration as the API shows it.
type Webhook struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
}

// WebhookList is a page of webhooks.
type WebhookList struct {
	Data       []Webhook `json:"data"`
	NextCursor *string   `json:"nextCursor"`
}

// CreateWebhook is the body of POST /webhooks.
type CreateWebhook struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret,omitempty"`
}

// UpdateWebhook is the body of PATCH /webhooks/{id}: only the fields set are sent.
type UpdateWebhook struct {
	URL    *string   `json:"url,omitempty"`
	Events *[]string `json:"events,omitempty"`
	Status *string   `json:"status,omitempty"`
	Secret *string   `json:"secret,omitempty"`
}

// SendEvent is the body of POST /webhooks/{id}/test and of the emulator's POST /events.
type SendEvent struct {
	EventType string          `json:"eventType"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Delivery is the outcome of one attempt to deliver an event.
type Delivery struct {
	EventID     string    `json:"eventId"`
	EventType   string    `json:"eventType"`
	Attempt     int       `json:"attempt"`
	AttemptedAt time.Time `json:"attemptedAt"`
	Status      int       `json:"status"`
	LatencyMs   float64   `json:"latencyMs"`
	Error       string    `json:"error,omitempty"`
	URL         string    `json:"url,omitempty"`
	// RetryInMs is, for a failed attempt that is not the last, when the API
	// tries again (an emulator field).
	RetryInMs float64 `json:"retryInMs,omitempty"`
}

// OK reports a 2xx answer.
func (d Delivery) OK() bool { return d.Status >= 200 && d.Status < 300 }

// DeliveryList is a webhook's attempts, oldest first.
type DeliveryList struct {
	Data []Delivery `json:"data"`
}

// EventSent is the answer to the emulator's POST /events.
type EventSent struct {
	ID        string `json:"id"`
	EventType string `json:"eventType"`
	Webhooks  int    `json:"webhooks"`
	// WebhookIDs are the webhooks the event is queued for, when the API
	// names them.
	WebhookIDs []string `json:"webhookIds,omitempty"`
}

// Problem is an RFC 9457 problem details answer.
type Problem struct {
	Type     string       `json:"type,omitempty"`
	Title    string       `json:"title,omitempty"`
	Status   int          `json:"status,omitempty"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
}

// Summary is the problem in one line: title, detail and field errors, with
// control characters escaped and each part cut to a readable length, since
// the answer is the server's to choose.
func (p Problem) Summary() string {
	parts := []string{}
	if p.Title != "" {
		parts = append(parts, oneLine(p.Title, 200))
	}
	if p.Detail != "" && p.Detail != p.Title {
		parts = append(parts, oneLine(p.Detail, 300))
	}
	var fields []string
	for i, e := range p.Errors {
		if i == maxFieldErrors {
			fields = append(fields, fmt.Sprintf("and %d more", len(p.Errors)-i))
			break
		}
		fields = append(fields, oneLine(e.Field, 60)+": "+oneLine(e.Message, 200))
	}
	s := strings.Join(parts, ": ")
	if len(fields) > 0 {
		s += " (" + strings.Join(fields, "; ") + ")"
	}
	return s
}

const maxFieldErrors = 5

// oneLine cuts s to at most n bytes, on a character boundary, and escapes
// control characters and bytes that are not UTF-8 (\n, \x1b, \u009b).
func oneLine(s string, n int) string {
	var b strings.Builder
	for i, r := range s {
		if i >= n {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r):
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Statuses a webhook can have.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

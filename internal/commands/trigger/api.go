package trigger

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// apiSender is the part of the API client that --api needs.
type apiSender interface {
	SendEvent(context.Context, petstore.SendEvent) (petstore.EventSent, error)
	EventDeliveries(ctx context.Context, webhookID, eventID string) ([]petstore.Delivery, error)
}

// DefaultAPIWait is how long --api waits for the API's first attempt at
// each webhook: the API makes it at once, and a receiver has 5 s to answer.
const DefaultAPIWait = 10 * time.Second

// maxFollowed is how many webhooks of one event --api follows; past it, it
// says only how many the event was queued for.
const maxFollowed = 100

// The pauses between two looks at the deliveries: short at first, since a
// receiver on this machine answers in milliseconds.
const (
	firstPoll = 50 * time.Millisecond
	maxPoll   = 500 * time.Millisecond
)

// firstAttempt is what became of the API's first attempt to deliver an
// event to one webhook, as far as the API lets it be known.
type firstAttempt struct {
	WebhookID string
	Delivery  petstore.Delivery // when Attempted
	Attempted bool
	Unknown   bool // the API lists no deliveries of the webhook
}

// The outcomes of a first attempt, as --format json names them.
const (
	outcomeDelivered   = "delivered"
	outcomeNon2xx      = "non-2xx"
	outcomeUnreachable = "unreachable"
	outcomePending     = "pending" // no attempt within --wait
	outcomeUnknown     = "unknown"
)

func (f firstAttempt) outcome() string {
	switch {
	case f.Unknown:
		return outcomeUnknown
	case !f.Attempted:
		return outcomePending
	case f.Delivery.OK():
		return outcomeDelivered
	case f.Delivery.Status == 0:
		return outcomeUnreachable
	}
	return outcomeNon2xx
}

// sentJSON is an event handed to the API, as --format json prints it.
type sentJSON struct {
	SentAt     string        `json:"sentAt"`
	EventID    string        `json:"eventId"`
	EventType  string        `json:"eventType"`
	Webhooks   int           `json:"webhooks"`
	Deliveries []outcomeJSON `json:"deliveries,omitempty"`
}

// outcomeJSON is a first attempt, in the fields of 'deliveries --format json'.
type outcomeJSON struct {
	WebhookID   string   `json:"webhookId"`
	Outcome     string   `json:"outcome"`
	URL         string   `json:"url,omitempty"`
	Attempt     int      `json:"attempt,omitempty"`
	AttemptedAt string   `json:"attemptedAt,omitempty"`
	Status      *int     `json:"status,omitempty"`
	LatencyMs   *float64 `json:"latencyMs,omitempty"`
	Error       string   `json:"error,omitempty"`
	RetryInMs   float64  `json:"retryInMs,omitempty"`
}

// sendViaAPI asks the API to send each event, with its edited data, to the
// webhooks subscribed to its type, and reports the first attempt at each
// webhook when the API shows its deliveries. --wait is one deadline for
// the whole run.
func sendViaAPI(ctx context.Context, opts *Options, tpls []template) error {
	client, err := opts.apiClient()
	if err != nil {
		return err
	}
	deadline := opts.Now().Add(opts.Wait)
	var all []firstAttempt
	var readErr error // the first failure to read deliveries: no more waiting after it
	for i, t := range tpls {
		now := opts.Now()
		_, env, err := t.build(now)
		if err != nil {
			return err
		}
		sent, err := client.SendEvent(ctx, petstore.SendEvent{EventType: env.Type, Data: env.Data})
		if err != nil {
			return cmdutil.APIError(err, "")
		}
		var firsts []firstAttempt
		if readErr == nil {
			firsts, err = awaitFirstAttempts(ctx, opts, client, sent, deadline)
			if err != nil && ctx.Err() != nil {
				// The event is queued all the same: say so, then stop.
				if perr := printSent(opts, now, sent, nil); perr != nil {
					return perr
				}
				return cmdutil.ErrCancel
			}
			if err != nil {
				// Sending still works: the rest are sent, not followed.
				readErr = fmt.Errorf("%s was queued, but its deliveries could not be read: %w", iostreams.Escape(sent.ID), err)
				if rest := len(tpls) - i - 1; rest > 0 {
					readErr = fmt.Errorf("%w; the %d event(s) after it were sent without waiting for their deliveries", readErr, rest)
				}
			}
		}
		if err := printSent(opts, now, sent, firsts); err != nil {
			return err
		}
		all = append(all, firsts...)
	}
	if readErr != nil {
		if errors.Is(readErr, errNoAnswer) {
			return cmdutil.Exit(cmdutil.ExitAPI, readErr)
		}
		return cmdutil.APIError(readErr, "")
	}
	return apiOutcome(opts, all)
}

// errNoAnswer is an API that did not answer a look at the deliveries in
// the time each look has.
var errNoAnswer = errors.New("the API did not answer")

// maxLookTime is the most time one look at the deliveries has: an API
// that takes longer has failed, whatever is left of --wait.
const maxLookTime = 5 * time.Second

// lookTime is how long one look at the deliveries may take: maxLookTime, or
// half of --wait when that is shorter, but at least a second.
func (opts *Options) lookTime() time.Duration {
	if opts.lookTimeout > 0 {
		return opts.lookTimeout
	}
	return min(maxLookTime, max(time.Second, opts.Wait/2))
}

// awaitFirstAttempts looks at the deliveries of each webhook the event was
// queued for until the first attempt at each is recorded, or the deadline
// passes; it looks once at least. It returns nil when there is nothing to
// follow: no wait, webhooks the API does not name, or no deliveries listed
// for any of them.
func awaitFirstAttempts(ctx context.Context, opts *Options, client apiSender, sent petstore.EventSent, deadline time.Time) ([]firstAttempt, error) {
	if opts.Wait <= 0 || len(sent.WebhookIDs) == 0 || len(sent.WebhookIDs) > maxFollowed {
		return nil, nil
	}
	firsts := make([]firstAttempt, len(sent.WebhookIDs))
	for i, id := range sent.WebhookIDs {
		firsts[i].WebhookID = id
	}
	for pause := firstPoll; ; pause = min(2*pause, maxPoll) {
		if left := deadline.Sub(opts.Now()); left > 0 {
			if err := opts.pauseFor(ctx, min(pause, left)); err != nil {
				return nil, err
			}
		}
		open := 0
		for i := range firsts {
			f := &firsts[i]
			if f.Attempted || f.Unknown {
				continue
			}
			list, err := lookAt(ctx, opts, client, f.WebhookID, sent.ID)
			switch {
			case err == nil && len(list) > 0:
				f.Delivery, f.Attempted = earliest(list), true
			case err == nil:
				open++
			case noDeliveries(err):
				f.Unknown = true
			default:
				return nil, err
			}
		}
		if open == 0 || !opts.Now().Before(deadline) {
			break
		}
	}
	for _, f := range firsts {
		if !f.Unknown {
			return firsts, nil
		}
	}
	return nil, nil // the API shows no deliveries: it says only that it queued them
}

// lookAt asks the API for the deliveries of an event to a webhook, within
// the time one look has.
func lookAt(ctx context.Context, opts *Options, client apiSender, webhookID, eventID string) ([]petstore.Delivery, error) {
	limit := opts.lookTime()
	lookCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	list, err := client.EventDeliveries(lookCtx, webhookID, eventID)
	switch {
	case err == nil, ctx.Err() != nil:
		return list, err
	case lookCtx.Err() != nil:
		return nil, fmt.Errorf("%w within %s", errNoAnswer, render.ShortDuration(limit))
	}
	return nil, err
}

// noDeliveries reports an API that does not list deliveries (the public
// Petstore API has no such endpoint), or not those of this webhook.
func noDeliveries(err error) bool {
	switch petstore.StatusOf(err) {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

// earliest is the attempt with the lowest number.
func earliest(list []petstore.Delivery) petstore.Delivery {
	first := list[0]
	for _, d := range list[1:] {
		if d.Attempt < first.Attempt {
			first = d
		}
	}
	return first
}

// pauseFor waits d, or less when ctx ends first.
func (opts *Options) pauseFor(ctx context.Context, d time.Duration) error {
	if opts.pause != nil {
		return opts.pause(ctx, d)
	}
	return petstore.Sleep(ctx, d)
}

// apiOutcome maps the first attempts to the exit status: unreachable wins
// over non-2xx, which wins over no attempt within --wait.
func apiOutcome(opts *Options, all []firstAttempt) error {
	count := map[string]int{}
	for _, f := range all {
		count[f.outcome()]++
	}
	n := len(all)
	switch {
	case count[outcomeUnreachable] > 0:
		return cmdutil.Exit(cmdutil.ExitUnreachable, fmt.Errorf("the API could not reach the webhook in %d of %d first attempts", count[outcomeUnreachable], n))
	case count[outcomeNon2xx] > 0:
		return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d first attempts got a non-2xx answer", count[outcomeNon2xx], n))
	case count[outcomePending] > 0:
		return cmdutil.Exit(cmdutil.ExitTimeout, fmt.Errorf("%d of %d first attempts were not made within --wait %s: 'petstore-webhooks deliveries ID' shows them when they are", count[outcomePending], n, render.ShortDuration(opts.Wait)))
	}
	return nil
}

// printSent reports an event handed to the API: the first attempt at each
// webhook when firsts holds them, else how many webhooks it was queued for.
func printSent(opts *Options, at time.Time, s petstore.EventSent, firsts []firstAttempt) error {
	out := opts.IO.Out
	if opts.Format == "json" {
		j := sentJSON{SentAt: at.UTC().Format(time.RFC3339Nano), EventID: s.ID, EventType: s.EventType, Webhooks: s.Webhooks}
		for _, f := range firsts {
			j.Deliveries = append(j.Deliveries, outcomeOf(f))
		}
		return render.JSONLine(out, j)
	}
	when, typ, id := cmdutil.Timestamp(at), iostreams.Escape(s.EventType), iostreams.Escape(s.ID)
	terminal := opts.IO.IsStdoutTTY()
	st := opts.IO.OutStyles()
	head := func(summary string) string {
		return fmt.Sprintf("%s  %s  %s  %s", st.Faint(when), st.EventType(iostreams.Pad(typ, render.TypeColumn)), iostreams.Pad(render.ShortID(s.ID), render.IDColumn), summary)
	}
	if firsts == nil {
		// The API answers before it delivers, and shows no deliveries (or
		// was not asked to): all that is known is that it queued the event.
		to := fmt.Sprintf("queued for %d webhook(s)", s.Webhooks)
		if s.Webhooks == 0 {
			to = "no active webhook is subscribed to it"
		}
		if !terminal {
			_, err := fmt.Fprintln(out, strings.Join([]string{when, st.EventType(typ), id, to}, "\t")) // coloured only when colour was forced
			return err
		}
		_, err := fmt.Fprintln(out, head(to))
		return err
	}
	var b strings.Builder
	if !terminal {
		for _, f := range firsts {
			result, reason, latency, next := attemptCells(f, opts.Wait)
			if reason != "" {
				result += ": " + reason
			}
			// coloured only when colour was forced
			b.WriteString(strings.Join([]string{when, st.EventType(typ), id, iostreams.Escape(f.WebhookID), outcomeStyle(st, f)(result), render.OrDash(latency), render.OrDash(next)}, "\t") + "\n")
		}
		_, err := fmt.Fprint(out, b.String())
		return err
	}
	count, idWidth := map[string]int{}, 0
	for _, f := range firsts {
		count[f.outcome()]++
		idWidth = max(idWidth, iostreams.Width(iostreams.Escape(f.WebhookID)))
	}
	idWidth = min(idWidth, maxWebhookIDWidth)
	style := st.Warning // some not attempted yet, or not known
	switch {
	case count[outcomeDelivered] == len(firsts):
		style = st.Success
	case count[outcomeNon2xx]+count[outcomeUnreachable] > 0:
		style = st.Failure
	}
	b.WriteString(head(style(fmt.Sprintf("delivered to %d of %d webhook(s)", count[outcomeDelivered], len(firsts)))) + "\n")
	for _, f := range firsts {
		b.WriteString(webhookLine(st, f, opts.Wait, idWidth) + "\n")
	}
	_, err := fmt.Fprint(out, b.String())
	return err
}

// maxWebhookIDWidth is the widest webhook id column on a terminal (the
// emulator's ids are 19 characters).
const maxWebhookIDWidth = 24

// webhookLine is one webhook's first attempt on a terminal, within 80
// columns: its id, the answer, the latency and when the API retries; the
// receiver's reason or the error, when there is one, on a faint line below.
func webhookLine(st *iostreams.Styles, f firstAttempt, wait time.Duration, idWidth int) string {
	result, reason, latency, next := attemptCells(f, wait)
	indent := 2 + idWidth + 2
	id := iostreams.Pad(iostreams.Escape(f.WebhookID), idWidth)
	room := render.TerminalWidth - indent
	tail := ""
	if latency != "" {
		room -= 2 + iostreams.Width(latency)
		tail += "  " + st.Faint(latency)
	}
	if next != "" {
		room -= 2 + iostreams.Width(next)
		tail += "  " + st.Faint(next)
	}
	line := "  " + id + "  " + outcomeStyle(st, f)(render.Fit(result, room, render.ElideEnd)) + tail
	line += detailLines(st, reason, indent)
	return line
}

// outcomeStyle colours a first attempt's result by what became of it.
func outcomeStyle(st *iostreams.Styles, f firstAttempt) func(string) string {
	switch f.outcome() {
	case outcomeDelivered, outcomeNon2xx:
		return func(s string) string { return st.Status(f.Delivery.Status, s) }
	case outcomeUnreachable:
		return st.Failure
	case outcomePending:
		return st.Warning
	}
	return st.Faint
}

// attemptCells says what became of a first attempt: the result, the
// receiver's reason or the error, the latency and when the API tries again
// (each "" when it does not apply), with what came from the API escaped.
func attemptCells(f firstAttempt, wait time.Duration) (result, reason, latency, next string) {
	d := f.Delivery
	switch f.outcome() {
	case outcomeUnknown:
		return "not known: the API lists no deliveries of this webhook", "", "", ""
	case outcomePending:
		return fmt.Sprintf("no attempt within %s", render.ShortDuration(wait)), "", "", ""
	case outcomeDelivered:
		result = "delivered: " + statusText(d.Status)
	case outcomeNon2xx:
		result = "answered " + statusText(d.Status)
	default:
		result = "not reachable"
	}
	if ms, ok := milliseconds(d.LatencyMs); ok {
		latency = render.Latency(ms)
	}
	if ms, ok := milliseconds(d.RetryInMs); ok && ms > 0 {
		next = "retry in " + render.ShortDuration(ms.Round(time.Millisecond))
	}
	return result, iostreams.Escape(d.Error), latency, next
}

// statusText is an HTTP status from the API, "-" when it is none.
func statusText(status int) string {
	if status < 100 || status > 599 {
		return "-"
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", status, http.StatusText(status)))
}

// maxMilliseconds bounds the latencies and retry delays the API reports:
// beyond it (or below 0, or not a number) the API's number means nothing.
const maxMilliseconds = float64(366 * 24 * time.Hour / time.Millisecond)

// milliseconds is a duration in milliseconds from the API, when it is one.
func milliseconds(ms float64) (time.Duration, bool) {
	if !(ms >= 0 && ms <= maxMilliseconds) { // NaN too
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

func outcomeOf(f firstAttempt) outcomeJSON {
	j := outcomeJSON{WebhookID: f.WebhookID, Outcome: f.outcome()}
	if !f.Attempted {
		return j
	}
	d := f.Delivery
	j.URL, j.Attempt, j.Error, j.RetryInMs = urlmask.Mask(d.URL), d.Attempt, d.Error, d.RetryInMs
	j.AttemptedAt = d.AttemptedAt.UTC().Format(time.RFC3339Nano)
	j.Status, j.LatencyMs = &d.Status, &d.LatencyMs
	return j
}

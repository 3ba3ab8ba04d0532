package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/retry"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// DefaultSchedule is the Petstore API's: the delay before each attempt,
// counted from the one before. After the last one fails, the webhook is disabled.
var DefaultSchedule = []time.Duration{0, time.Minute, 5 * time.Minute, 30 * time.Minute, time.Hour}

// DescribeSchedule says when a schedule's attempts are made, as the help and
// the README put it: the first delay is before the first attempt, so the
// first retry comes after the second.
func DescribeSchedule(schedule []time.Duration) string {
	when := func(d time.Duration) string {
		if d == 0 {
			return "at once"
		}
		return "after " + render.ShortDuration(d)
	}
	if len(schedule) == 1 {
		return "a single attempt " + when(schedule[0])
	}
	retries := make([]string, len(schedule)-1)
	for i, d := range schedule[1:] {
		retries[i] = render.ShortDuration(d)
	}
	last := len(retries) - 1
	list := retries[last]
	if last > 0 {
		list = strings.Join(retries[:last], ", ") + " and " + list
	}
	return "the first attempt " + when(schedule[0]) + ", then retries after " + list
}

// AnswerTimeout is how long a receiver has to answer an attempt.
const AnswerTimeout = 5 * time.Second

// Engine delivers events to webhooks and retries failed attempts on the
// schedule. Pending attempts live in the store and survive a restart.
type Engine struct {
	Store     *store.Store
	Client    *http.Client
	Schedule  []time.Duration
	Clock     clock.Clock // nil: clock.Real()
	UserAgent string
	// OnAttempt is told of every attempt once it is recorded.
	OnAttempt func(AttemptLog)

	due retry.Loop // Run's; Enqueue and the attempts wake it
}

// AttemptLog is an attempt with what a log line needs.
type AttemptLog struct {
	store.Attempt
	URL      string
	Of       int
	Retrying bool
	RetryIn  time.Duration
	Disabled bool
}

func (e *Engine) clock() clock.Clock {
	if e.Clock == nil {
		return clock.Real()
	}
	return e.Clock
}

func (e *Engine) now() time.Time { return e.clock().Now() }

// Enqueue stores a delivery of body to each of hooks, due after the
// schedule's first delay: all of them in one transaction, or none.
func (e *Engine) Enqueue(ctx context.Context, hooks []store.Webhook, eventID, eventType string, body []byte) error {
	due := e.now().Add(e.Schedule[0])
	ds := make([]store.Delivery, len(hooks))
	for i, w := range hooks {
		ds[i] = store.Delivery{WebhookID: w.ID, EventID: eventID, EventType: eventType, Body: body, NextAttemptAt: due}
	}
	if err := e.Store.EnqueueDeliveries(ctx, ds); err != nil {
		return err
	}
	e.due.Wake()
	return nil
}

// DeliverNow makes the first attempt of a new delivery at once and returns
// its outcome; a failure is retried later like any other. The attempt is
// made and recorded even if ctx ends meanwhile (the caller left), so that
// the stored delivery is never left pending with no due time.
func (e *Engine) DeliverNow(ctx context.Context, w store.Webhook, eventID, eventType string, body []byte) (petstore.Delivery, error) {
	ctx = context.WithoutCancel(ctx)
	id, err := e.Store.EnqueueDelivery(ctx, store.Delivery{WebhookID: w.ID, EventID: eventID, EventType: eventType, Body: body})
	if err != nil {
		return petstore.Delivery{}, err
	}
	d, err := e.Store.GetDelivery(ctx, id)
	if err != nil {
		return petstore.Delivery{}, err
	}
	a, err := e.attempt(ctx, d)
	if err != nil {
		return petstore.Delivery{}, err
	}
	return e.DeliveryJSON(a.Attempt, w.URL), nil
}

// maxInFlight is how many attempts the engine makes at once.
const maxInFlight = 32

// Run delivers due attempts until ctx ends. Each webhook has at most one
// attempt in flight, so that a slow or hanging URL holds up only its own
// deliveries: the others are picked up as soon as they are due.
func (e *Engine) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	busy := map[string]bool{} // webhooks with an attempt in flight
	busyIDs := func() []string {
		mu.Lock()
		defer mu.Unlock()
		ids := make([]string, 0, len(busy))
		for id := range busy {
			ids = append(ids, id)
		}
		return ids
	}
	e.due.Clock = e.clock()
	e.due.MaxWait = time.Hour // or until an attempt ends, which wakes the loop
	e.due.Poll = func(ctx context.Context, now time.Time) (time.Time, error) {
		skip := busyIDs()
		if free := maxInFlight - len(skip); free > 0 {
			due, err := e.Store.DueDeliveries(ctx, now, free, skip...)
			if err != nil {
				return time.Time{}, err
			}
			started := 0
			for _, d := range due {
				mu.Lock()
				if busy[d.WebhookID] {
					mu.Unlock()
					continue // one attempt at a time per webhook; this one comes next
				}
				busy[d.WebhookID] = true
				mu.Unlock()
				started++
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _ = e.attempt(ctx, d) // a store error leaves it pending, to try again
					mu.Lock()
					delete(busy, d.WebhookID)
					mu.Unlock()
					e.due.Wake()
				}()
			}
			if started > 0 {
				return now, nil // more may be due
			}
		}
		if skip := busyIDs(); len(skip) < maxInFlight {
			if next, ok, err := e.Store.NextDue(ctx, skip...); err == nil && ok {
				return next, nil
			}
		}
		return time.Time{}, nil
	}
	return e.due.Run(ctx)
}

// attempt makes one attempt at d and records it. An attempt cut short by
// ctx is not recorded: the delivery stays due and runs after a restart.
func (e *Engine) attempt(ctx context.Context, d store.Delivery) (AttemptLog, error) {
	w, err := e.Store.GetWebhook(ctx, d.WebhookID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && w.Status != petstore.StatusActive) {
		return AttemptLog{}, e.Store.CancelDelivery(ctx, d.ID)
	}
	if err != nil {
		return AttemptLog{}, err
	}
	header, err := signature.Petstore.Sign(signature.Payload{Body: d.Body, ID: d.EventID, Timestamp: e.now()}, w.Secret)
	if err != nil {
		return AttemptLog{}, err
	}
	header.Set("Content-Type", "application/json")
	header.Set("User-Agent", e.UserAgent)
	attemptCtx, cancel := context.WithTimeout(ctx, AnswerTimeout)
	defer cancel()
	at := e.now()
	res := sender.Send(attemptCtx, e.Client, w.URL, header, d.Body)
	if ctx.Err() != nil {
		return AttemptLog{}, ctx.Err()
	}
	a := store.Attempt{DeliveryID: d.ID, WebhookID: w.ID, EventID: d.EventID, EventType: d.EventType, Attempt: d.Attempts + 1,
		AttemptedAt: at, Status: res.Status, Latency: res.Latency}
	switch {
	case res.Err != nil:
		a.Error = res.Err.Error()
		if errors.Is(res.Err, context.DeadlineExceeded) {
			a.Error = fmt.Sprintf("no answer within %s", AnswerTimeout)
		}
	case !res.OK():
		// The receiver's word on its answer (listen's "signature does not
		// match the secret"), or where a redirect, not followed, pointed.
		a.Error = res.Reason
	}
	log := AttemptLog{Attempt: a, URL: w.URL, Of: len(e.Schedule)}
	var retryAt time.Time
	if !res.OK() {
		if a.Attempt < len(e.Schedule) {
			log.Retrying, log.RetryIn = true, e.Schedule[a.Attempt]
			retryAt = e.now().Add(log.RetryIn)
		} else {
			log.Disabled = true
		}
	}
	if err := e.Store.RecordAttempt(ctx, a, res.OK(), retryAt, log.Disabled); err != nil {
		return AttemptLog{}, err
	}
	if !retryAt.IsZero() {
		e.due.Wake()
	}
	if e.OnAttempt != nil {
		e.OnAttempt(log)
	}
	return log, nil
}

// DeliveryJSON is an attempt as the API shows it; a failed attempt that is
// not the last says when the next one comes, by the schedule.
func (e *Engine) DeliveryJSON(a store.Attempt, url string) petstore.Delivery {
	d := petstore.Delivery{EventID: a.EventID, EventType: a.EventType, Attempt: a.Attempt, AttemptedAt: a.AttemptedAt.UTC(),
		Status: a.Status, LatencyMs: float64(a.Latency.Microseconds()) / 1000, Error: a.Error, URL: url}
	if !d.OK() && a.Attempt >= 1 && a.Attempt < len(e.Schedule) {
		d.RetryInMs = float64(e.Schedule[a.Attempt].Milliseconds())
	}
	return d
}

// Package retry is what the emulator's delivery engine, the relay and the
// API client share when they try again: when (Retry-After, Backoff) and
// the due-queue loop that wakes for the next thing due (Loop).
package retry

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
)

// RetryAfter reads a Retry-After header's value, delay-seconds or an
// HTTP-date (counted from now), as a delay of at most limit; ok is false
// when value is neither. A date already past is no delay.
func RetryAfter(value string, now time.Time, limit time.Duration) (d time.Duration, ok bool) {
	value = strings.TrimSpace(value)
	if s, err := strconv.ParseInt(value, 10, 64); err == nil && s >= 0 {
		// Capped before multiplying, which overflows.
		return time.Duration(min(s, int64(limit/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(value); err == nil {
		return min(max(t.Sub(now), 0), limit), true
	}
	return 0, false
}

// Backoff is exponential backoff with jitter: Base before the first retry,
// doubling for each one after, at most Max, plus less than Jitter times that
// at random.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration // 0: no cap
	Jitter float64       // 0.2 adds up to 20%
	// Rand returns a number in [0, n); nil is math/rand/v2's Int64N.
	// Tests give one that returns 0, or n-1, to know the delay.
	Rand func(n int64) int64
}

// Delay is the wait before the retry-th retry (1 is the first).
func (b Backoff) Delay(retry int) time.Duration {
	n := min(max(retry-1, 0), 30)
	d := b.Base << n
	if d>>n != b.Base { // the shift overflowed
		d = math.MaxInt64
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	jitter := int64(float64(d) * b.Jitter)
	if jitter <= 0 || d > math.MaxInt64-time.Duration(jitter) {
		return d
	}
	random := b.Rand
	if random == nil {
		random = rand.Int64N
	}
	return d + time.Duration(random(jitter))
}

// Loop is a due-queue: a store of items each due at a time, which Poll
// hands out, and a loop that calls Poll again when the next item is due or
// when Wake says something changed (an item added, one finished).
//
// A due loop over the history's forwards, with a plain set of those in
// flight (ids are never given again), is:
//
//	inFlight := map[int64]bool{} // guarded by a mutex the workers share
//	loop := &retry.Loop{Clock: clk, MinWait: 10 * time.Millisecond, MaxWait: time.Minute,
//		Poll: func(ctx context.Context, now time.Time) (time.Time, error) {
//			due, err := st.DueForwards(ctx, now, 256)
//			if err != nil {
//				return time.Time{}, err // or report it and return a time, to carry on
//			}
//			for _, f := range due {
//				if !inFlight[f.ID] { inFlight[f.ID] = true; jobs <- f } // a worker deletes it, then calls loop.Wake
//			}
//			next, _, err := st.NextForwardDue(ctx)
//			return next, err
//		}}
//	go loop.Run(ctx)
//
// MinWait keeps such a loop from spinning while forwards that are in flight,
// and so still pending in the store, are what NextForwardDue finds.
type Loop struct {
	Clock clock.Clock // nil: clock.Real()
	// Poll hands out the items due at now and returns when the earliest
	// item not handed out is due: the zero time when there is none (the
	// loop then waits for Wake, or MaxWait), a time not after now to be
	// called again after MinWait. An error ends Run, which returns it.
	Poll func(ctx context.Context, now time.Time) (next time.Time, err error)
	// The loop waits at least MinWait and at most MaxWait (0: a minute)
	// between polls, unless woken.
	MinWait, MaxWait time.Duration

	wakeOnce sync.Once
	wake     chan struct{}
}

// Wake has the loop poll now, or as soon as the poll it is in ends. It never
// blocks, and wakes made while the loop is busy count as one.
func (l *Loop) Wake() {
	select {
	case l.wakeChan() <- struct{}{}:
	default:
	}
}

func (l *Loop) wakeChan() chan struct{} {
	l.wakeOnce.Do(func() { l.wake = make(chan struct{}, 1) })
	return l.wake
}

// Run polls until ctx ends (it then returns nil) or Poll fails.
func (l *Loop) Run(ctx context.Context) error {
	clk := l.Clock
	if clk == nil {
		clk = clock.Real()
	}
	maxWait := l.MaxWait
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	for {
		next, err := l.Poll(ctx, clk.Now())
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		wait := maxWait
		if !next.IsZero() {
			wait = min(max(next.Sub(clk.Now()), l.MinWait), maxWait)
		}
		t := clk.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-l.wakeChan():
		case <-t.C():
		}
		t.Stop()
	}
}

package retry

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
)

var now = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"120", 2 * time.Minute, true},
		{" 7 ", 7 * time.Second, true},
		{"0", 0, true},
		{"99999999999999999", time.Hour, true}, // capped, not overflowed
		{"7200", time.Hour, true},
		{"Mon, 06 Jan 2025 12:00:30 GMT", 30 * time.Second, true}, // from now, not from the wall clock
		{"Mon, 06 Jan 2025 11:00:00 GMT", 0, true},                // past
		{"Tue, 07 Jan 2025 12:00:00 GMT", time.Hour, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
	} {
		got, ok := RetryAfter(c.value, now, time.Hour)
		if got != c.want || ok != c.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", c.value, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoffDoublesUpToItsCapWithJitter(t *testing.T) {
	least := Backoff{Base: 250 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.2, Rand: func(int64) int64 { return 0 }}
	most := least
	most.Rand = func(n int64) int64 { return n - 1 }
	for retry, want := range map[int]time.Duration{1: 250 * time.Millisecond, 2: 500 * time.Millisecond, 3: time.Second, 5: 4 * time.Second, 6: 5 * time.Second, 1000: 5 * time.Second} {
		if got := least.Delay(retry); got != want {
			t.Errorf("Delay(%d) without jitter = %v, want %v", retry, got, want)
		}
		if got := most.Delay(retry); got != want+want/5-1 {
			t.Errorf("Delay(%d) with the most jitter = %v, want %v", retry, got, want+want/5-1)
		}
	}
	uncapped := Backoff{Base: time.Second}
	if got := uncapped.Delay(100); got <= 0 {
		t.Errorf("uncapped Delay(100) = %v: overflowed", got)
	}
	// 10 s doubled 30 times is past the largest Duration: the wait is that
	// largest one, not 0 (a retry at once), with or without jitter.
	for _, b := range []Backoff{{Base: 10 * time.Second}, {Base: 10 * time.Second, Jitter: 0.5}} {
		if got := b.Delay(31); got != math.MaxInt64 {
			t.Errorf("%+v: Delay(31) = %v, want the largest Duration", b, got)
		}
	}
	random := Backoff{Base: time.Second, Jitter: 0.5}
	for range 100 {
		if d := random.Delay(1); d < time.Second || d >= 1500*time.Millisecond {
			t.Fatalf("Delay(1) = %v, outside [1s, 1.5s)", d)
		}
	}
}

// queue is a due-queue in memory for the loop's tests.
type queue struct {
	mu     sync.Mutex
	due    []time.Time
	handed chan time.Time
}

func (q *queue) add(at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.due = append(q.due, at)
}

func (q *queue) poll(_ context.Context, now time.Time) (time.Time, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var next time.Time
	kept := q.due[:0]
	for _, at := range q.due {
		if !at.After(now) {
			q.handed <- at
			continue
		}
		kept = append(kept, at)
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	q.due = kept
	return next, nil
}

func TestLoopHandsOutEachItemWhenDue(t *testing.T) {
	clk := clock.NewFake(now)
	q := &queue{handed: make(chan time.Time, 10), due: []time.Time{now, now.Add(time.Minute), now.Add(time.Hour)}}
	l := &Loop{Clock: clk, Poll: q.poll, MaxWait: 24 * time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx) }()

	if got := <-q.handed; !got.Equal(now) {
		t.Fatalf("first handed out: %v", got)
	}
	clk.BlockUntil(1) // waiting for the one due in a minute
	clk.Advance(59 * time.Second)
	clk.Advance(time.Second)
	if got := <-q.handed; !got.Equal(now.Add(time.Minute)) {
		t.Fatalf("second handed out: %v", got)
	}

	clk.BlockUntil(1) // now waiting for the one due in an hour; one added sooner wakes it
	q.add(clk.Now().Add(time.Second))
	l.Wake()
	clk.BlockUntil(1)
	clk.Advance(time.Second)
	if got := <-q.handed; !got.Equal(now.Add(time.Minute + time.Second)) {
		t.Fatalf("woken for %v", got)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v after its context ended, want nil", err)
	}
	if len(q.handed) != 0 {
		t.Fatalf("handed out early: %v", <-q.handed)
	}
}

// With nothing due, the loop waits MaxWait; MinWait keeps it from polling
// at once when the next due time is already past.
func TestLoopWaitsWithinItsBounds(t *testing.T) {
	clk := clock.NewFake(now)
	polls := make(chan time.Time)
	next := time.Time{}
	var mu sync.Mutex
	l := &Loop{Clock: clk, MinWait: 10 * time.Millisecond, MaxWait: time.Minute, Poll: func(_ context.Context, at time.Time) (time.Time, error) {
		polls <- at
		mu.Lock()
		defer mu.Unlock()
		return next, nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Run(ctx)
	<-polls
	clk.BlockUntil(1)
	clk.Advance(time.Minute - time.Millisecond)
	mu.Lock()
	next = now // already due: polled again after MinWait, not at once
	mu.Unlock()
	clk.Advance(time.Millisecond)
	if at := <-polls; !at.Equal(now.Add(time.Minute)) {
		t.Fatalf("polled at %v, want after MaxWait", at)
	}
	clk.BlockUntil(1)
	clk.Advance(10 * time.Millisecond)
	if at := <-polls; !at.Equal(now.Add(time.Minute + 10*time.Millisecond)) {
		t.Fatalf("polled at %v, want MinWait later", at)
	}
}

func TestLoopEndsWithPollsError(t *testing.T) {
	broken := errors.New("database is locked")
	l := &Loop{Clock: clock.NewFake(now), Poll: func(context.Context, time.Time) (time.Time, error) { return time.Time{}, broken }}
	if err := l.Run(context.Background()); !errors.Is(err, broken) {
		t.Fatalf("Run = %v, want %v", err, broken)
	}
}

// A Retry-After from outside never makes a wait below zero or past the
// limit, and a date agrees with http.ParseTime.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "", " 5 ", "-1", "+3", "3600", "9300000000", "99999999999999999999",
		"Mon, 06 Jan 2025 12:00:30 GMT", "Monday, 06-Jan-25 12:00:30 GMT", "Mon Jan  6 12:00:30 2025", "Fri, 31 Dec 9999 23:59:59 GMT", "1.5", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := RetryAfter(value, now, time.Hour)
		if d < 0 || d > time.Hour || (!ok && d != 0) {
			t.Fatalf("RetryAfter(%q) = %v, %v: want 0 to 1h, and 0 when not ok", value, d, ok)
		}
		if when, err := http.ParseTime(strings.TrimSpace(value)); err == nil {
			if want := min(max(when.Sub(now), 0), time.Hour); !ok || d != want {
				t.Fatalf("RetryAfter(%q) = %v, %v; want %v", value, d, ok, want)
			}
		}
	})
}

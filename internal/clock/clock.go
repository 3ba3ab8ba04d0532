// Package clock is time as a dependency: the real one, and a fake that tests
// move by hand, so that no test sleeps to wait for a timer.
package clock

import (
	"slices"
	"sync"
	"time"
)

// Clock tells the time and makes timers.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a time.Timer behind an interface.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// Real is the system clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// Fake is a clock that moves only when Advance or Set moves it. Its timers
// fire, in order of their deadlines, as it passes them.
type Fake struct {
	mu      sync.Mutex
	changed *sync.Cond // broadcast when a timer is set or stopped
	now     time.Time
	timers  []*fakeTimer
}

// NewFake returns a fake clock standing at start.
func NewFake(start time.Time) *Fake {
	f := &Fake{now: start}
	f.changed = sync.NewCond(&f.mu)
	return f
}

// Now is the fake's time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer makes a timer that fires once the fake passes now+d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{clock: f, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Advance moves the fake on by d, firing the timers it passes.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the fake to t (never back), firing the timers it passes.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.After(f.now) {
		f.now = t
	}
	var due, kept []*fakeTimer
	for _, tm := range f.timers {
		if tm.deadline.After(f.now) {
			kept = append(kept, tm)
		} else {
			due = append(due, tm)
		}
	}
	slices.SortStableFunc(due, func(a, b *fakeTimer) int { return a.deadline.Compare(b.deadline) })
	for _, tm := range due {
		tm.c <- tm.deadline // buffered, and drained by Stop and Reset: never blocks
	}
	f.timers = kept
	f.changed.Broadcast()
}

// Waiting is how many timers are set and have not fired.
func (f *Fake) Waiting() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// BlockUntil waits until n timers are set and have not fired: the code under
// test has reached the wait that a test then ends with Advance.
func (f *Fake) BlockUntil(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.timers) < n {
		f.changed.Wait()
	}
}

// BlockUntilTimers waits until cond, given the deadlines of the timers set
// and not fired, reports true; it asks again each time a timer is set,
// stopped or fired. cond runs with the fake locked: it must not use it.
func (f *Fake) BlockUntilTimers(cond func(deadlines []time.Time) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		deadlines := make([]time.Time, len(f.timers))
		for i, tm := range f.timers {
			deadlines[i] = tm.deadline
		}
		if cond(deadlines) {
			return
		}
		f.changed.Wait()
	}
}

type fakeTimer struct {
	clock    *Fake
	c        chan time.Time
	deadline time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

// Stop reports whether it stopped the timer before it fired; as with
// time.Timer since Go 1.23, a value fired and not yet received is discarded.
func (t *fakeTimer) Stop() bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-t.c:
	default:
	}
	return t.removeLocked()
}

// Reset sets the timer to fire d from now, as time.Timer.Reset does since
// Go 1.23: a value not yet received is discarded.
func (t *fakeTimer) Reset(d time.Duration) bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	active := t.removeLocked()
	select {
	case <-t.c:
	default:
	}
	t.deadline = f.now.Add(d)
	if d <= 0 {
		t.c <- t.deadline
	} else {
		f.timers = append(f.timers, t)
	}
	f.changed.Broadcast()
	return active
}

func (t *fakeTimer) removeLocked() bool {
	f := t.clock
	for i, tm := range f.timers {
		if tm == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			f.changed.Broadcast()
			return true
		}
	}
	return false
}

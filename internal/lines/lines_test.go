package lines

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// gate is a stdout that takes nothing until it is opened.
type gate struct {
	entered chan struct{}
	open    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func newGate() *gate { return &gate{entered: make(chan struct{}), open: make(chan struct{})} }

func (g *gate) Write(b []byte) (int, error) {
	g.once.Do(func() { close(g.entered) })
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(b)
}

// clock holds the timers a Writer arms until the test fires them.
type clock struct {
	mu      sync.Mutex
	armed   *sync.Cond
	pending map[*func()]time.Duration
}

func newClock() *clock {
	c := &clock{pending: map[*func()]time.Duration{}}
	c.armed = sync.NewCond(&c.mu)
	return c
}

func (c *clock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := &f
	c.pending[key] = d
	c.armed.Broadcast()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.pending[key]
		delete(c.pending, key)
		return ok
	}
}

// fire waits for a timer of d to be armed and runs it.
func (c *clock) fire(d time.Duration) {
	c.mu.Lock()
	for {
		for key, pd := range c.pending {
			if pd == d {
				delete(c.pending, key)
				c.mu.Unlock()
				(*key)()
				return
			}
		}
		c.armed.Wait()
	}
}

const (
	stall     = time.Second
	closeWait = 2 * time.Second
)

func TestAStalledStreamHoldsAtMostTheLimitAndCountsTheRest(t *testing.T) {
	g := newGate()
	c := newClock()
	var told []int
	w := NewConfig(g, Config{Limit: 12, Delay: time.Millisecond, Stall: stall, CloseWait: closeWait, AfterFunc: c.AfterFunc,
		Dropped: func(n int) []byte {
			told = append(told, n)
			return fmt.Appendf(nil, "(%d dropped)\n", n)
		}})
	w.Emit([]byte("line 0\n"))
	<-g.entered // the first line is being written, and stuck
	w.Emit([]byte("line 1\n"))
	c.fire(stall) // the write made no progress for a second
	for i := 2; i <= 5; i++ {
		w.Emit(fmt.Appendf(nil, "line %d\n", i))
	}
	if n := w.Waiting(); n != 7 {
		t.Errorf("%d bytes wait, want one line of 7 (a second would pass the limit of 12)", n)
	}
	close(g.open)
	w.Close()
	if got, want := g.buf.String(), "line 0\nline 1\n(4 dropped)\n"; got != want {
		t.Fatalf("out %q, want %q", got, want)
	}
	if len(told) != 1 || told[0] != 4 {
		t.Fatalf("told %v", told)
	}
}

// trickle is a stdout that takes one write each time the test lets it.
type trickle struct {
	next chan struct{}
	buf  bytes.Buffer
}

func (s *trickle) Write(b []byte) (int, error) {
	<-s.next
	return s.buf.Write(b)
}

func TestASlowStreamThatTakesWhatIsWrittenGetsEveryLine(t *testing.T) {
	s := &trickle{next: make(chan struct{})}
	c := newClock() // no stall timer ever fires: every write makes progress
	var told []int
	w := NewConfig(s, Config{Limit: 12, Delay: time.Millisecond, Stall: stall, CloseWait: closeWait, AfterFunc: c.AfterFunc,
		Dropped: func(n int) []byte { told = append(told, n); return nil }})
	done := make(chan struct{})
	go func() {
		for i := range 100 {
			w.Emit(fmt.Appendf(nil, "line %02d\n", i))
		}
		w.Close()
		close(done)
	}()
	for finished := false; !finished; {
		select {
		case s.next <- struct{}{}:
		case <-done:
			finished = true
		}
	}
	var want strings.Builder
	for i := range 100 {
		fmt.Fprintf(&want, "line %02d\n", i)
	}
	if s.buf.String() != want.String() || len(told) != 0 {
		t.Fatalf("dropped %v, out:\n%s", told, s.buf.String())
	}
}

func TestALongBatchIsWrittenInChunksSoThatProgressShows(t *testing.T) {
	s := &trickle{next: make(chan struct{})}
	c := newClock()
	w := NewConfig(s, Config{Limit: 1 << 20, Delay: time.Millisecond, AfterFunc: c.AfterFunc})
	line := append(bytes.Repeat([]byte("x"), 3*chunk), '\n')
	w.Emit(line)
	closed := make(chan struct{})
	go func() { w.Close(); close(closed) }()
	for range 4 { // one write per chunk: a single write would hang here
		s.next <- struct{}{}
	}
	<-closed
	if s.buf.Len() != len(line) {
		t.Fatalf("%d bytes written, want %d", s.buf.Len(), len(line))
	}
}

// stuck is a stdout whose writes never return (until the test ends).
type stuck struct {
	entered chan struct{}
	once    sync.Once
	end     chan struct{}
}

func (s *stuck) Write(b []byte) (int, error) {
	s.once.Do(func() { close(s.entered) })
	<-s.end
	return 0, errors.New("ended")
}

func TestCloseGivesUpOnAStalledStream(t *testing.T) {
	s := &stuck{entered: make(chan struct{}), end: make(chan struct{})}
	defer close(s.end)
	c := newClock()
	var told []int
	w := NewConfig(s, Config{Limit: 100, Delay: time.Millisecond, Stall: stall, CloseWait: closeWait, AfterFunc: c.AfterFunc,
		Dropped: func(n int) []byte { told = append(told, n); return []byte("never written\n") }})
	w.Emit([]byte("first\n"))
	<-s.entered
	w.Emit([]byte("second\n"))
	w.Emit([]byte("third\n"))
	closed := make(chan struct{})
	go func() { w.Close(); close(closed) }()
	c.fire(closeWait)
	<-closed
	if len(told) != 1 || told[0] != 3 {
		t.Fatalf("told %v, want [3]: the line being written and the two waiting", told)
	}
	w.Emit([]byte("after\n")) // returns at once
}

func TestALineLongerThanTheLimitStillGoesOutAlone(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, 4, time.Millisecond, nil)
	w.Emit([]byte("a long line\n"))
	w.Close()
	if out.String() != "a long line\n" {
		t.Fatalf("out %q", out.String())
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestErrIsTheFirstWriteError(t *testing.T) {
	w := New(failing{}, 100, time.Millisecond, nil)
	w.Emit([]byte("x\n"))
	w.Close()
	if err := w.Err(); err == nil || err.Error() != "broken pipe" {
		t.Fatalf("Err() = %v", err)
	}
}

// Lines lost before they reached the Writer are told of where they were
// lost, after the lines before them, and the lines emitted after them.
func TestLinesLostInFrontOfTheWriterAreToldOfInPlace(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, 1<<20, time.Hour, func(n int) []byte { return fmt.Appendf(nil, "(%d lost)\n", n) })
	w.Emit([]byte("a\n"))
	w.Lost(3)
	w.Lost(0)
	w.Emit([]byte("b\n")) // shown: only the lines lost in front were lost
	w.Close()
	if got := out.String(); got != "a\n(3 lost)\nb\n" {
		t.Fatalf("out %q", got)
	}
}

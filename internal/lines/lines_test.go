package lines

import (
	"bytes"
	"errors"
	"fmt"
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

func (g *gate) Write(b []byte) (int, error) {
	g.once.Do(func() { close(g.entered) })
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(b)
}

func TestAStalledStreamHoldsAtMostTheLimitAndCountsTheRest(t *testing.T) {
	g := &gate{entered: make(chan struct{}), open: make(chan struct{})}
	var told []int
	w := New(g, 12, time.Millisecond, func(n int) []byte {
		told = append(told, n)
		return fmt.Appendf(nil, "(%d dropped)\n", n)
	})
	w.Emit([]byte("line 0\n"))
	<-g.entered // the first line is being written, and stuck
	for i := 1; i <= 5; i++ {
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

// Package lines writes lines of output to a stream that may stall (a paused
// pager, a consumer that stopped reading) without blocking whoever emits a
// line and without holding more than a bounded number of bytes: lines that
// do not fit are dropped and counted, and the count is reported once the
// lines before them are written.
package lines

import (
	"io"
	"sync"
	"time"
)

// Writer gathers lines for a moment and writes them in one go, from its own
// goroutine.
type Writer struct {
	out   io.Writer
	limit int // bytes that may wait, unless one line alone waits
	delay time.Duration
	// dropped is told how many lines were dropped after the ones just
	// written; what it returns is written to out after them.
	dropped func(n int) []byte

	mu      sync.Mutex
	buf     []byte
	lost    int // lines dropped since buf was taken
	kick    chan struct{}
	stop    chan struct{}
	flushed chan struct{}
	once    sync.Once
	errMu   sync.Mutex
	err     error
}

// New starts a Writer to out that lets lines gather for delay and holds at
// most limit bytes of them; dropped, when not nil, is told of lines dropped.
func New(out io.Writer, limit int, delay time.Duration, dropped func(n int) []byte) *Writer {
	w := &Writer{out: out, limit: limit, delay: delay, dropped: dropped,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), flushed: make(chan struct{})}
	go w.flushLoop()
	return w
}

// Emit queues line (with its line break) for the next write, or drops it when
// limit bytes already wait; every line after a dropped one is dropped too
// until the next write, so that the count stands where the lines were.
func (w *Writer) Emit(line []byte) {
	w.mu.Lock()
	if w.lost > 0 || len(w.buf) > 0 && len(w.buf)+len(line) > w.limit {
		w.lost++
		w.mu.Unlock()
		return
	}
	first := len(w.buf) == 0
	w.buf = append(w.buf, line...)
	w.mu.Unlock()
	if first {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

// Waiting is how many bytes wait to be written.
func (w *Writer) Waiting() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf)
}

// Close writes what waits; nothing may be emitted after it.
func (w *Writer) Close() {
	w.once.Do(func() {
		close(w.stop)
		<-w.flushed
	})
}

// Err is the first error out gave.
func (w *Writer) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// flushLoop waits for a first line, lets more gather for delay, then writes
// them all; idle, it sleeps.
func (w *Writer) flushLoop() {
	defer close(w.flushed)
	var out []byte
	for {
		select {
		case <-w.kick:
			select {
			case <-time.After(w.delay):
			case <-w.stop:
			}
			w.flush(&out)
		case <-w.stop:
			w.flush(&out)
			return
		}
	}
}

// flush swaps the buffer for out's (emptied) and writes what was in it, then
// what dropped says of the lines dropped after it.
func (w *Writer) flush(out *[]byte) {
	w.mu.Lock()
	w.buf, *out = (*out)[:0], w.buf
	lost := w.lost
	w.lost = 0
	w.mu.Unlock()
	if len(*out) > 0 {
		w.write(*out)
	}
	if lost > 0 && w.dropped != nil {
		if note := w.dropped(lost); len(note) > 0 {
			w.write(note)
		}
	}
}

func (w *Writer) write(b []byte) {
	if _, err := w.out.Write(b); err != nil {
		w.errMu.Lock()
		if w.err == nil {
			w.err = err
		}
		w.errMu.Unlock()
	}
}

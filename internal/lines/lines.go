// Package lines writes lines of output to a stream that may stall (a paused
// pager, a consumer that stopped reading) without blocking whoever emits a
// line for long and without holding more than a bounded number of bytes.
// While the stream takes what is written, however slowly, every line goes
// out: an emitter waits for room. Only when a write has made no progress for
// a while are the lines that do not fit dropped and counted, and the count is
// reported once the lines before them are written.
package lines

import (
	"io"
	"sync"
	"time"
)

// Config tunes a Writer; zero fields take the defaults.
type Config struct {
	// Limit is how many bytes may wait, unless one line alone waits.
	Limit int
	// Delay is how long a first line waits for more to be written with it.
	Delay time.Duration
	// Dropped, when not nil, is told how many lines were dropped after the
	// ones just written; what it returns is written after them.
	Dropped func(n int) []byte
	// Stall is how long a write may make no progress before lines that do
	// not fit are dropped instead of waited for (default 1s).
	Stall time.Duration
	// CloseWait is how long Close waits for the last lines (default 2s).
	CloseWait time.Duration
	// AfterFunc calls f after d unless the returned stop is called first;
	// time.AfterFunc when nil. Tests inject theirs.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
}

// chunk is how much is written at once, so that a slow reader shows progress.
const chunk = 64 << 10

// Writer gathers lines for a moment and writes them in one go, from its own
// goroutine.
type Writer struct {
	out io.Writer
	cfg Config

	mu        sync.Mutex
	buf       []byte
	lines     int           // lines in buf
	lost      int           // lines dropped since buf was taken
	inFlight  int           // lines taken from buf (or dropped) and not yet written
	writes    int           // counts writes to out, so that a late stall timer is ignored
	stalled   bool          // the current write has made no progress for Stall
	abandoned bool          // Close gave up waiting: nothing more is written
	changed   chan struct{} // closed (and replaced) when buf is taken or a stall begins

	kick    chan struct{} // a first line waits
	full    chan struct{} // an emitter waits for room: write now
	stop    chan struct{}
	flushed chan struct{}
	once    sync.Once
	errMu   sync.Mutex
	err     error
}

// New starts a Writer to out that lets lines gather for delay and holds at
// most limit bytes of them; dropped, when not nil, is told of lines dropped.
func New(out io.Writer, limit int, delay time.Duration, dropped func(n int) []byte) *Writer {
	return NewConfig(out, Config{Limit: limit, Delay: delay, Dropped: dropped})
}

// NewConfig starts a Writer to out tuned by cfg.
func NewConfig(out io.Writer, cfg Config) *Writer {
	if cfg.Stall <= 0 {
		cfg.Stall = time.Second
	}
	if cfg.CloseWait <= 0 {
		cfg.CloseWait = 2 * time.Second
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	w := &Writer{out: out, cfg: cfg, changed: make(chan struct{}),
		kick: make(chan struct{}, 1), full: make(chan struct{}, 1),
		stop: make(chan struct{}), flushed: make(chan struct{})}
	go w.flushLoop()
	return w
}

// Emit queues line (with its line break) for the next write. When Limit bytes
// already wait it waits for them to be taken, unless out has stalled: then it
// drops the line, and every line after it until the next write, so that the
// count stands where the lines were.
func (w *Writer) Emit(line []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		switch {
		case w.lost > 0 || w.abandoned:
			w.lost++
			return
		case len(w.buf) == 0 || len(w.buf)+len(line) <= w.cfg.Limit:
			if len(w.buf) == 0 {
				signal(w.kick)
			}
			w.buf = append(w.buf, line...)
			w.lines++
			return
		case w.stalled:
			w.lost++
			return
		}
		signal(w.full)
		changed := w.changed
		w.mu.Unlock()
		<-changed
		w.mu.Lock()
	}
}

// Lost tells of n lines dropped before they reached the Writer (by a queue
// in front of it) where they were lost: Dropped is told now, and what it
// returns is emitted after the lines before them and before the lines after
// them, which are written as usual.
func (w *Writer) Lost(n int) {
	if n <= 0 || w.cfg.Dropped == nil {
		return
	}
	if note := w.cfg.Dropped(n); len(note) > 0 {
		w.Emit(note)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// broadcast wakes the emitters waiting for room; w.mu is held.
func (w *Writer) broadcast() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// Waiting is how many bytes wait to be written.
func (w *Writer) Waiting() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf)
}

// Close writes what waits, giving up after CloseWait when out does not take
// it (Dropped is then told of the lines not written); nothing may be emitted
// after it.
func (w *Writer) Close() {
	w.once.Do(func() {
		close(w.stop)
		deadline := make(chan struct{})
		stop := w.cfg.AfterFunc(w.cfg.CloseWait, func() { close(deadline) })
		defer stop()
		select {
		case <-w.flushed:
		case <-deadline:
			w.mu.Lock()
			w.abandoned = true
			n := w.inFlight + w.lines + w.lost
			w.broadcast()
			w.mu.Unlock()
			if n > 0 && w.cfg.Dropped != nil {
				w.cfg.Dropped(n) // out does not take what it returns
			}
		}
	})
}

// Err is the first error out gave.
func (w *Writer) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// flushLoop waits for a first line, lets more gather for Delay (or until an
// emitter waits for room), then writes them all; idle, it sleeps.
func (w *Writer) flushLoop() {
	defer close(w.flushed)
	var out []byte
	for {
		select {
		case <-w.kick:
			delay := time.NewTimer(w.cfg.Delay)
			select {
			case <-delay.C:
			case <-w.full:
			case <-w.stop:
			}
			delay.Stop()
			w.flush(&out)
		case <-w.stop:
			w.flush(&out)
			return
		}
	}
}

// flush swaps the buffer for out's (emptied) and writes what was in it, then
// what Dropped says of the lines dropped after it.
func (w *Writer) flush(out *[]byte) {
	w.mu.Lock()
	w.buf, *out = (*out)[:0], w.buf
	lost := w.lost
	w.inFlight = w.lines + lost
	w.lines, w.lost = 0, 0
	w.broadcast()
	w.mu.Unlock()
	if len(*out) > 0 {
		w.write(*out)
	}
	if lost > 0 && w.cfg.Dropped != nil && !w.isAbandoned() {
		if note := w.cfg.Dropped(lost); len(note) > 0 {
			w.write(note)
		}
	}
	w.mu.Lock()
	w.inFlight = 0
	w.mu.Unlock()
}

// write writes b a chunk at a time; a chunk that takes longer than Stall
// marks out as stalled until it returns.
func (w *Writer) write(b []byte) {
	for len(b) > 0 && !w.isAbandoned() {
		n := min(len(b), chunk)
		w.mu.Lock()
		w.writes++
		this := w.writes
		w.mu.Unlock()
		stop := w.cfg.AfterFunc(w.cfg.Stall, func() {
			w.mu.Lock()
			if w.writes == this && !w.stalled {
				w.stalled = true
				w.broadcast()
			}
			w.mu.Unlock()
		})
		_, err := w.out.Write(b[:n])
		stop()
		w.mu.Lock()
		w.writes++
		w.stalled = false
		w.mu.Unlock()
		if err != nil {
			w.errMu.Lock()
			if w.err == nil {
				w.err = err
			}
			w.errMu.Unlock()
			return
		}
		b = b[n:]
	}
}

func (w *Writer) isAbandoned() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.abandoned
}

package listen

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/lines"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// printer shows what the intake tells of (follow), each request and forward
// attempt as a line, in the order they happened: a request before its attempts.
// It hands the lines to a lines.Writer, which writes a burst of them at once
// and keeps the printer waiting for a stalled stdout at most a second: past
// maxWaiting bytes, once stdout has taken nothing for that second, lines are
// dropped and counted (their events are still recorded, unless --no-history).
// The intake never waits for the printer: items it could not take
// (printerBuffer of them, holding printerBytes, wait) are counted with those
// lines.
type printer struct {
	opts     *Options
	out      *lines.Writer
	followed chan struct{} // closed once follow has shown the last item; nil when not following
	line     []byte        // the JSON line print makes, reused: Emit copies it
}

// How many of the intake's items may wait for the printer, and how many
// bytes of bodies they may hold.
const (
	printerBuffer = 4096
	printerBytes  = 16 << 20
)

// keptLine bounds the line buffer print keeps between lines.
const keptLine = 64 << 10

// flushDelay is how long a line may wait to be written with the next ones.
const flushDelay = 10 * time.Millisecond

// maxWaiting is how many bytes of lines may wait for a slow stdout.
const maxWaiting = 4 << 20

func newPrinter(opts *Options) *printer {
	return newPrinterConfig(opts, lines.Config{Limit: maxWaiting})
}

// newPrinterConfig is newPrinter with the lines.Writer tuned by cfg (its
// Dropped is the printer's; its Delay, unless set, flushDelay).
func newPrinterConfig(opts *Options, cfg lines.Config) *printer {
	p := &printer{opts: opts}
	cfg.Dropped = p.dropped
	if cfg.Delay == 0 {
		cfg.Delay = flushDelay
	}
	p.out = lines.NewConfig(opts.IO.Out, cfg)
	return p
}

// follow shows what sub gets, until the intake closes.
func (p *printer) follow(sub *intake.Subscription) {
	p.followed = make(chan struct{})
	go func() {
		defer close(p.followed)
		for it := range sub.Items() {
			p.out.Lost(it.Missed)
			switch {
			case it.Request != nil:
				p.print(*it.Request)
			case it.Attempt != nil:
				p.forward(*it.Attempt)
			}
		}
		p.out.Lost(sub.Missed())
	}()
}

// dropped tells of lines that stdout did not take: on stderr, and with
// --format json on stdout too, so that a script knows.
func (p *printer) dropped(n int) []byte {
	recorded := "their events are recorded"
	if p.opts.NoHistory {
		recorded = "--no-history: their events are not recorded"
	}
	fmt.Fprintf(p.opts.IO.ErrOut, "%s %d lines not shown: stdout was not being read (%s)\n",
		p.opts.IO.ErrStyles().Warning("Dropped"), n, recorded)
	if p.opts.Format == "json" {
		return fmt.Appendf(nil, "{\"kind\":\"dropped\",\"count\":%d}\n", n)
	}
	return nil
}

// close shows what the intake told of (it must be closed), then writes what
// is queued, or gives up after two seconds of a stalled stdout; nothing may
// be printed after it.
func (p *printer) close() {
	if p.followed != nil {
		<-p.followed
	}
	p.out.Close()
}

func (p *printer) print(r receiver.Request) {
	if r.Event != nil && !p.opts.Events.Match(r.Event.Type) {
		return
	}
	ios := p.opts.IO
	if p.opts.Format == "json" {
		p.line = render.AppendRequestLine(p.line[:0], r)
		p.out.Emit(p.line)
		if cap(p.line) > keptLine {
			p.line = nil // a large body's line is not kept for the small ones
		}
		return
	}
	line := render.RequestLine(ios.OutStyles(), ios.IsStdoutTTY(), r) + "\n"
	if p.opts.Verbose {
		line += render.RequestDetail(ios.OutStyles(), r)
	}
	p.out.Emit([]byte(line))
}

func (p *printer) forward(res relay.Result) {
	if !p.opts.Events.Match(res.Request.EventType) {
		return
	}
	ios := p.opts.IO
	if p.opts.Format == "json" {
		var b bytes.Buffer
		if err := render.JSONLine(&b, render.NewForwardJSON(res)); err == nil {
			p.out.Emit(b.Bytes())
		}
		return
	}
	if !p.opts.Verbose && res.Forward.State == store.Pending && res.Attempt.Attempt > 1 {
		return // a forward that keeps failing was shown once; its end will be
	}
	line := render.ForwardLine(ios.OutStyles(), ios.IsStdoutTTY(), res) + "\n"
	if p.opts.Verbose {
		line += render.ForwardDetail(res)
	}
	p.out.Emit([]byte(line))
}

func (p *printer) err() error {
	if err := p.out.Err(); err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return nil
}

// counter counts the events --max-events waits for: accepted, no
// duplicate, and shown (of the types --events shows). The receiver tells it
// of each request as it answers it (receiver.Config.Sink), whatever the
// printer has shown: the printer's subscription may lose items, the count
// must not.
type counter struct {
	opts *Options
	mu   sync.Mutex
	n    int
	done chan struct{} // closed when n reaches --max-events
}

func newCounter(opts *Options) *counter { return &counter{opts: opts, done: make(chan struct{})} }

func (c *counter) sink(r receiver.Request) {
	if !r.Accepted() || r.Duplicate || (r.Event != nil && !c.opts.Events.Match(r.Event.Type)) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.n == c.opts.MaxEvents {
		close(c.done)
	}
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

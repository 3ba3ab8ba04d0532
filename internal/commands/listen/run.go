package listen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/history"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/lines"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// drainGrace is how long forwards in flight may finish when listen stops.
const drainGrace = 5 * time.Second

func run(ctx context.Context, opts *Options) error {
	if len(opts.Schemes) == 0 {
		opts.Schemes = []signature.Scheme{signature.Petstore}
	}
	secrets, err := verifySecrets(opts)
	if err != nil {
		return err
	}
	if opts.PrintSecret {
		_, err := fmt.Fprintln(opts.IO.Out, secrets[0])
		return err
	}
	out := newPrinter(opts)
	rec, err := openRecorder(opts, out)
	if err != nil {
		out.close()
		return err
	}
	defer stop(rec, out)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return cmdutil.ListenError(opts.Addr, err, "'petstore-webhooks config set listen_addr HOST:PORT'")
	}
	h := receiver.New(receiverConfig(opts, secrets, rec, out.print))
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + opts.ForwardTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	printReady(opts, ln.Addr().(*net.TCPAddr), secrets, rec)

	var timeout <-chan time.Time
	if opts.Timeout > 0 {
		timer := time.NewTimer(opts.Timeout)
		defer timer.Stop()
		timeout = timer.C
	}
	var result error
	interrupted := false
	select {
	case <-ctx.Done():
		interrupted = true
	case <-out.done:
	case <-timeout:
		if opts.MaxEvents > 0 {
			result = cmdutil.Exit(cmdutil.ExitTimeout, fmt.Errorf("timed out after %s: %d of %d events arrived", opts.Timeout, out.count(), opts.MaxEvents))
		}
	case err := <-served:
		return fmt.Errorf("receiver stopped: %w", err)
	}
	if interrupted {
		// The terminal echoed ^C without a newline: what follows (forwards
		// still pending, the summary) starts on a line of its own.
		render.EndInterruptedLine(opts.IO)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "some requests were still running after 10s: %v\n", err)
	}
	stop(rec, out)
	printSummary(opts, h.Stats())
	if result == nil {
		result = out.err()
	}
	return result
}

// receiverConfig sets the receiver up to record in rec and tell sink.
func receiverConfig(opts *Options, secrets []string, rec *recording, sink func(receiver.Request)) receiver.Config {
	cfg := receiver.Config{
		Path: opts.Path, Schemes: opts.Schemes, Secrets: secrets, SkipVerify: opts.SkipVerify,
		MaxBody: opts.MaxBody, Now: opts.Now, Sink: sink,
	}
	if rec.recorder != nil {
		cfg.Record = rec.record
	}
	return cfg
}

// recording is the history and the relay of one run; either may be absent.
type recording struct {
	opts        *Options
	out         *printer
	store       *store.Store
	recorder    *history.Recorder
	relay       *relay.Relay
	path        string
	stop        func()
	unlock      func()         // lets go of the history, once it is closed
	pending     map[string]int // forwards an earlier run left pending, by target
	leftPending int            // forwards this run left pending, counted by close
	closeOnce   sync.Once
}

// openRecorder opens the history (or, with --no-history and targets, a
// database in memory for the forwards' sake) and starts the relay.
func openRecorder(opts *Options, out *printer) (*recording, error) {
	rec := &recording{opts: opts, out: out, stop: func() {}, unlock: func() {}}
	if opts.NoHistory && len(opts.ForwardTo) == 0 {
		return rec, nil
	}
	rec.path = ":memory:"
	if !opts.NoHistory {
		rec.path = opts.History
		if rec.path == "" {
			var err error
			if rec.path, err = cmdutil.DefaultHistoryPath(opts.Getenv); err != nil {
				return nil, err
			}
		}
	}
	if rec.path != ":memory:" {
		unlock, err := store.Lock(rec.path)
		var inUse *store.InUseError
		if errors.As(err, &inUse) {
			return nil, fmt.Errorf("history %s is in use by %s: stop it, or give this one another --history FILE or --no-history", rec.path, inUse.Holder("another listen"))
		}
		if err != nil {
			return nil, err
		}
		rec.unlock = unlock
	}
	st, err := store.OpenHistory(rec.path)
	if err != nil {
		rec.unlock()
		return nil, fmt.Errorf("history: %w", err)
	}
	rec.store = st
	if rec.pending, err = st.PendingTargets(context.Background()); err != nil {
		rec.close()
		return nil, fmt.Errorf("history: %w", err)
	}
	maxAge := opts.HistoryMaxAge
	if opts.NoHistory {
		maxAge = 0
	}
	rec.recorder = history.New(st, maxAge, opts.Now)
	if !opts.NoHistory {
		rec.recorder.LimitSize(opts.HistoryMaxSize, func() {
			fmt.Fprintf(opts.IO.ErrOut, "History is larger than %s (--history-max-size): forgetting the oldest requests to keep it under that.\n", cmdutil.FormatSize(opts.HistoryMaxSize))
		})
	}
	recCtx, stopRecorder := context.WithCancel(context.Background())
	recDone := make(chan struct{})
	go func() { rec.recorder.Run(recCtx); close(recDone) }()

	stopRelay := func() {}
	if len(opts.ForwardTo) > 0 {
		rec.relay = relay.New(relay.Config{
			Store: st, Client: relay.NewClient(), Targets: opts.ForwardTo, Timeout: opts.ForwardTimeout,
			RetryMax: opts.RetryMax, RetryFor: opts.RetryFor, Headers: opts.Headers, ForwardSecret: opts.ForwardSecret, ForwardScheme: opts.ForwardScheme,
			Now: opts.Now, KeepHistory: !opts.NoHistory, PassAnswers: opts.Passthrough, RecordAttempt: rec.recorder.RecordAttempt, OnAttempt: out.forward,
			OnError: func(err error) { fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrStyles().Failure("Error:"), err) },
		})
		relayCtx, cancelRelay := context.WithCancel(context.Background())
		rec.relay.Start(relayCtx)
		stopRelay = func() { cancelRelay(); rec.relay.Close(drainGrace) }
	}
	rec.stop = func() {
		stopRelay()
		stopRecorder()
		<-recDone
	}
	return rec, nil
}

// stop closes rec (draining forwards prints their lines), then out, and only
// then tells of the forwards left pending: stderr written before stdout's
// last lines are flushed would show above them.
func stop(rec *recording, out *printer) {
	rec.close()
	out.close()
	rec.tellPending()
}

// close drains the relay, commits what is queued, counts the forwards left
// pending (for tellPending) and closes the database.
func (rec *recording) close() {
	rec.closeOnce.Do(func() {
		rec.stop()
		if rec.store != nil {
			pending, err := rec.store.PendingTargets(context.Background())
			for _, count := range pending {
				rec.leftPending += count
			}
			if err != nil {
				rec.leftPending = 0
			}
			rec.store.Close()
		}
		rec.unlock()
	})
}

// tellPending says, once, how many forwards close left pending and what
// becomes of them.
func (rec *recording) tellPending() {
	n := rec.leftPending
	rec.leftPending = 0
	if n == 0 {
		return
	}
	what := "they resume when listen next starts with this history and a --forward-to"
	if rec.opts.NoHistory {
		what = "they are lost: history is off (--no-history)"
	}
	text := render.Wrap(render.StderrWidth(rec.opts.IO), "  ", fmt.Sprintf("%d forward(s) still pending: %s.", n, what))
	fmt.Fprintln(rec.opts.IO.ErrOut, render.StyleLines(text, rec.opts.IO.ErrStyles().Warning))
}

// record is the receiver's Record hook: it commits the request, with a
// forward to each matching target when it was accepted. The relay starts the
// forwards while the commit runs, or with --passthrough makes the one
// attempt after it and answers with the target's answer.
func (rec *recording) record(r *receiver.Request) (receiver.Answer, error) {
	sr := &store.Request{ReceivedAt: r.ReceivedAt, Method: r.Method, Path: r.Path, Header: r.Header, Body: r.Body,
		Status: r.Status, Verification: r.Verification, Reason: r.Reason, Duplicate: r.Duplicate}
	var targets []string
	if r.Event != nil {
		sr.EventID, sr.EventType = r.Event.ID, r.Event.Type
		if r.Accepted() {
			for _, t := range rec.opts.ForwardTo {
				if t.Matches(r.Event.Type) {
					targets = append(targets, t.Name()) // the relay sends to its URL
				}
			}
		}
	}
	if rec.opts.NoHistory && len(targets) == 0 {
		return nil, nil // without history, only what is still to forward is kept
	}
	if len(targets) == 0 {
		_, err := rec.recorder.Record(context.Background(), sr, nil, nil)
		return nil, err
	}
	rec.out.await(r.Event, sr) // the first attempts may end before the request is shown
	early := rec.relay.Begin(sr, targets, !rec.opts.Passthrough)
	fwds, err := rec.recorder.Record(context.Background(), sr, targets, early)
	early.Recorded(fwds, err)
	if err != nil || !rec.opts.Passthrough {
		return nil, err
	}
	return func(w http.ResponseWriter, tell func(int)) { rec.passthrough(early, sr.ID, w, tell) }, nil
}

// passthrough answers the sender with the target's status, headers and body,
// or 502 when the target did not answer or its answer is not one to pass on
// (a 1xx, or larger than relay.PassedResponse), and records that status as the
// request's answer; the request is shown (tell) before the attempt.
func (rec *recording) passthrough(early *relay.Early, requestID int64, w http.ResponseWriter, tell func(int)) {
	res, err := early.Passthrough(context.Background())
	status := http.StatusBadGateway
	if err == nil && res.Response != nil {
		status = res.Response.Status
	}
	if err := rec.store.SetRequestStatus(context.Background(), requestID, status); err != nil {
		fmt.Fprintln(rec.opts.IO.ErrOut, rec.opts.IO.ErrStyles().Failure("Error:"), "history: could not record the answer to request", requestID, err)
	}
	tell(status)
	if err == nil {
		rec.out.forward(res)
	}
	if err == nil && res.Response != nil {
		for k, v := range res.Response.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(res.Response.Status)
		_, _ = w.Write(res.Response.Body)
		return
	}
	code, msg := "target_unreachable", "the target did not answer"
	var unusable *relay.UnusableAnswerError
	switch {
	case err != nil:
		msg = "could not forward: " + err.Error()
	case errors.As(res.Err, &unusable):
		code, msg = "target_answer_not_passed", unusable.Error()
	case res.Attempt.Error != "":
		msg = "the target did not answer: " + res.Attempt.Error
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": msg})
}

// verifySecrets are the --secret flags, else the configured secret (made
// and saved on first use).
func verifySecrets(opts *Options) ([]string, error) {
	if len(opts.Secrets) > 0 {
		return opts.Secrets, cmdutil.CheckSecrets(opts.Schemes, opts.Secrets)
	}
	cfg, err := opts.Config()
	if err != nil {
		return nil, err
	}
	secret, generated, err := cfg.EnsureWebhookSecret()
	if err != nil {
		return nil, err
	}
	if generated {
		cmdutil.SaySecretMade(opts.IO, cfg.Path)
	}
	return []string{secret}, cmdutil.CheckSecrets(opts.Schemes, []string{secret})
}

// printReady tells the user where to send events and with which secret. The
// secret is shown whole only to a person at a terminal, masked in logs.
func printReady(opts *Options, addr *net.TCPAddr, secrets []string, rec *recording) {
	st := opts.IO.ErrStyles()
	host := addr.IP.String()
	note := ""
	if addr.IP.IsUnspecified() {
		host, note = "localhost", " (on every interface)"
	}
	url := fmt.Sprintf("http://%s%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)), opts.Path)
	secret := secrets[0]
	if !opts.IO.IsStderrTTY() {
		secret = cmdutil.Mask(secret)
	}
	if len(secrets) > 1 {
		secret += fmt.Sprintf(" (+%d more)", len(secrets)-1)
	}
	parts := []string{fmt.Sprintf("%s Listening on %s%s", st.Success("Ready!"), st.Bold(url), note), "secret " + secret}
	if len(opts.Schemes) > 1 || opts.Schemes[0].Name() != "petstore" {
		names := make([]string, len(opts.Schemes))
		for i, s := range opts.Schemes {
			names[i] = s.Name()
		}
		parts = append(parts, "schemes "+strings.Join(names, ", "))
	}
	if opts.SkipVerify {
		parts = append(parts, st.Warning("signatures not enforced (--skip-verify)"))
	}
	parts = append(parts, "Ctrl+C to quit")
	width := render.StderrWidth(opts.IO)
	fmt.Fprintln(opts.IO.ErrOut, render.FitLines(width, "       ", " · ", parts...))
	sentence := func(text string) { fmt.Fprintln(opts.IO.ErrOut, render.Wrap(width, "  ", text)) }
	warning := func(text string) {
		fmt.Fprintln(opts.IO.ErrOut, render.StyleLines(render.Wrap(width, "  ", text), st.Warning))
	}
	for _, t := range opts.ForwardTo {
		sentence(fmt.Sprintf("Forwarding %s to %s", orAll(t.Glob), st.Bold(t.Name())))
	}
	for _, target := range slices.Sorted(maps.Keys(rec.pending)) {
		if rec.relay != nil {
			sentence(fmt.Sprintf("Resuming %d forward(s) to %s left pending by an earlier run", rec.pending[target], iostreams.Escape(target)))
		} else {
			warning(fmt.Sprintf("%d forward(s) to %s, left pending by an earlier run, wait for a listen with --forward-to", rec.pending[target], iostreams.Escape(target)))
		}
	}
	switch {
	case rec.path == ":memory:":
		warning("History is off: forwards retry in memory only, and those still pending are lost when listen stops.")
	case rec.path != "":
		sentence("History: " + rec.path)
	}
}

func orAll(glob string) string {
	if glob == "" {
		return "every event"
	}
	return glob + " events"
}

// printSummary tells what listen received.
func printSummary(opts *Options, s receiver.Stats) {
	fmt.Fprintln(opts.IO.ErrOut, render.FitLines(render.StderrWidth(opts.IO), "         ", " · ", fmt.Sprintf("Stopped. received %d", s.Received),
		fmt.Sprintf("verified %d", s.Verified), fmt.Sprintf("unverified %d", s.Unverified), fmt.Sprintf("rejected %d", s.Rejected),
		fmt.Sprintf("duplicates %d", s.Duplicates)))
}

// printer formats each request and forward in the handler's goroutine and
// hands the line to a lines.Writer, which writes a burst of them at once and
// keeps a handler waiting for a stalled stdout at most a second: past
// maxWaiting bytes, once stdout has taken nothing for that second, lines are
// dropped and counted (their events are still recorded, unless --no-history).
// It also counts the events --max-events waits for.
//
// A request's forwards start while it is committed, before its line is
// printed: its forward lines wait until then (see await), so that each
// attempt appears under its request.
type printer struct {
	opts     *Options
	out      *lines.Writer
	mu       sync.Mutex
	accepted int
	done     chan struct{}

	holdMu  sync.Mutex
	held    map[*store.Request]*heldLines // by the request forwarded
	heldFor map[*event.Envelope]*heldLines
}

// heldLines are the forward lines of a request whose line is not printed yet.
type heldLines struct {
	req   *store.Request
	lines [][]byte
}

// Bounds of what waits for a request's line (a request whose line never
// comes would otherwise keep its lines): past them, lines are printed as
// they come.
const (
	maxAwaited    = 1024 // requests
	maxHeldPerReq = 16   // lines
)

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
	p := &printer{opts: opts, done: make(chan struct{}), held: map[*store.Request]*heldLines{}, heldFor: map[*event.Envelope]*heldLines{}}
	cfg.Dropped = p.dropped
	if cfg.Delay == 0 {
		cfg.Delay = flushDelay
	}
	p.out = lines.NewConfig(opts.IO.Out, cfg)
	return p
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

func (p *printer) emit(line []byte) { p.out.Emit(line) }

// close writes what is queued, or gives up after two seconds of a stalled
// stdout; nothing may be printed after it.
func (p *printer) close() {
	p.holdMu.Lock()
	for ev, h := range p.heldFor {
		p.release(ev, h)
	}
	p.holdMu.Unlock()
	p.out.Close()
}

// await holds the forward lines of req, the request whose event is ev, until
// print shows the request.
func (p *printer) await(ev *event.Envelope, req *store.Request) {
	p.holdMu.Lock()
	defer p.holdMu.Unlock()
	if ev == nil || len(p.held) >= maxAwaited {
		return
	}
	h := &heldLines{req: req}
	p.held[req], p.heldFor[ev] = h, h
}

// release prints the lines held for h and forgets it; holdMu is held.
func (p *printer) release(ev *event.Envelope, h *heldLines) {
	for _, line := range h.lines {
		p.emit(line)
	}
	delete(p.held, h.req)
	delete(p.heldFor, ev)
}

// emitForward prints a forward line, or holds it until its request's line is
// printed.
func (p *printer) emitForward(req *store.Request, line []byte) {
	p.holdMu.Lock()
	if h := p.held[req]; h != nil && len(h.lines) < maxHeldPerReq {
		h.lines = append(h.lines, line)
		p.holdMu.Unlock()
		return
	}
	p.holdMu.Unlock()
	p.emit(line)
}

func (p *printer) print(r receiver.Request) {
	var line []byte
	if r.Event == nil || p.opts.Events.Match(r.Event.Type) {
		line = p.requestLine(r)
	}
	p.holdMu.Lock()
	if line != nil {
		p.emit(line)
	}
	if h := p.heldFor[r.Event]; h != nil {
		p.release(r.Event, h)
	}
	p.holdMu.Unlock()
	if line != nil && r.Accepted() && !r.Duplicate { // --max-events counts the events shown
		p.mu.Lock()
		p.accepted++
		if p.accepted == p.opts.MaxEvents {
			close(p.done)
		}
		p.mu.Unlock()
	}
}

func (p *printer) requestLine(r receiver.Request) []byte {
	ios := p.opts.IO
	if p.opts.Format == "json" {
		return render.AppendRequestLine(nil, r)
	}
	line := render.RequestLine(ios.OutStyles(), ios.IsStdoutTTY(), r) + "\n"
	if p.opts.Verbose {
		line += render.RequestDetail(ios.OutStyles(), r)
	}
	return []byte(line)
}

func (p *printer) forward(res relay.Result) {
	if !p.opts.Events.Match(res.Request.EventType) {
		return
	}
	ios := p.opts.IO
	if p.opts.Format == "json" {
		var b bytes.Buffer
		if err := render.JSONLine(&b, render.NewForwardJSON(res)); err == nil {
			p.emitForward(res.Request, b.Bytes())
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
	p.emitForward(res.Request, []byte(line))
}

func (p *printer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

func (p *printer) err() error {
	if err := p.out.Err(); err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return nil
}

package listen

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// drainGrace is how long forwards in flight may finish when listen stops.
const drainGrace = 5 * time.Second

// listenRun receives until ctx ends, --max-events have arrived or --timeout
// passes: flags → config (verifySecrets) → intake (openRecorder) → receiver
// → printer.
func listenRun(ctx context.Context, opts *Options) error {
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
	// --max-events counts what the receiver tells its Sink, not what the
	// printer's subscription gets: a subscription may lose items (a slow
	// stdout), and the count must not.
	events := newCounter(opts)
	h := receiver.New(receiverConfig(opts, secrets, rec, events.sink))
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + opts.ForwardTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	page, err := startInspector(opts, secrets, rec)
	if err != nil {
		ln.Close()
		return err
	}
	defer page.close()
	if page != nil {
		rec.inspectorURL = page.url
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
	case <-events.done:
	case <-timeout:
		if opts.MaxEvents > 0 {
			result = cmdutil.Exit(cmdutil.ExitTimeout, fmt.Errorf("timed out after %s: %d of %d events arrived", opts.Timeout, events.count(), opts.MaxEvents))
		}
	case err := <-served:
		return fmt.Errorf("receiver stopped: %w", err)
	}
	if interrupted {
		// The terminal echoed ^C without a newline: what follows (forwards
		// still pending, the summary) starts on a line of its own.
		render.EndInterruptedLine(opts.IO)
	}
	wait := shutdownWait(opts)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "some requests were still running after %s: %v\n", render.ShortDuration(wait), err)
	}
	page.close()
	stop(rec, out)
	printSummary(opts, h.Stats())
	if result == nil {
		result = out.err()
	}
	return result
}

// shutdownWait is how long the requests being answered may take when listen
// stops: 10s, or with --passthrough the attempt a sender waits for and 5s
// more, so that the intake never closes under an attempt it must record.
func shutdownWait(opts *Options) time.Duration {
	if opts.Passthrough {
		return max(10*time.Second, opts.ForwardTimeout+5*time.Second)
	}
	return 10 * time.Second
}

// receiverConfig sets the receiver up to hand each request to rec's intake
// and tell sink.
func receiverConfig(opts *Options, secrets []string, rec *recording, sink func(receiver.Request)) receiver.Config {
	return receiver.Config{
		Path: opts.Path, Schemes: opts.Schemes, Secrets: secrets, SkipVerify: opts.SkipVerify,
		MaxBody: opts.MaxBody, Now: opts.Now, Sink: sink,
		Record: func(r *receiver.Request) (*receiver.Answer, error) { return rec.intake.Accept(context.Background(), r) },
	}
}

// recording is the history (or, with --no-history and targets, a database
// in memory for the forwards' sake, or none) and the intake of one run.
type recording struct {
	opts         *Options
	out          *printer
	store        *store.Store // nil with --no-history and no --forward-to
	intake       *intake.Intake
	path         string
	inspectorURL string         // where the inspector is served; "" without one
	forwarding   bool           // --forward-to was given
	pending      map[string]int // forwards an earlier run left pending, by target
	leftPending  int            // forwards left pending when the intake closed
	closeOnce    sync.Once
}

// openRecorder opens the history and starts the intake on it, followed by
// out.
func openRecorder(opts *Options, out *printer) (*recording, error) {
	rec := &recording{opts: opts, out: out, forwarding: len(opts.ForwardTo) > 0}
	if !opts.NoHistory || rec.forwarding {
		if err := rec.openStore(); err != nil {
			return nil, err
		}
	}
	cfg := intake.Config{
		Store: rec.store, KeepHistory: !opts.NoHistory, Passthrough: opts.Passthrough, Clock: clock.Real(),
		Relay: relay.Config{Client: relay.NewClient(), Targets: opts.ForwardTo, Timeout: opts.ForwardTimeout, RetryMax: opts.RetryMax, RetryFor: opts.RetryFor,
			Headers: opts.Headers, ForwardSecret: opts.ForwardSecret, ForwardScheme: opts.ForwardScheme},
		OnError: func(err error) { fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrStyles().Failure("Error:"), err) },
	}
	if !opts.NoHistory {
		cfg.MaxAge, cfg.MaxSize = opts.HistoryMaxAge, opts.HistoryMaxSize
		cfg.SizePruning = func() {
			fmt.Fprintf(opts.IO.ErrOut, "History is larger than %s (--history-max-size): forgetting the oldest requests to keep it under that.\n", cmdutil.FormatSize(opts.HistoryMaxSize))
		}
	}
	rec.intake = intake.New(cfg)
	out.follow(rec.intake.Subscribe(printerBuffer, printerBytes))
	return rec, nil
}

// openStore opens the history, locked while it is open (a database in
// memory with --no-history), and counts the forwards an earlier run left
// pending, for the ready lines.
func (rec *recording) openStore() error {
	opts := rec.opts
	rec.path = ":memory:"
	if !opts.NoHistory {
		rec.path = opts.History
		if rec.path == "" {
			var err error
			if rec.path, err = cmdutil.DefaultHistoryPath(opts.Getenv); err != nil {
				return err
			}
		}
	}
	st, err := store.OpenHistoryLocked(rec.path)
	var inUse *store.InUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("history %s is in use by %s: stop it, or give this one another --history FILE or --no-history", rec.path, inUse.Holder("another listen"))
	}
	if err != nil {
		return err
	}
	if rec.pending, err = st.PendingTargets(context.Background()); err != nil {
		st.Close()
		return fmt.Errorf("history: %w", err)
	}
	rec.store = st
	return nil
}

// stop closes rec (draining forwards prints their lines), then out, and only
// then tells of the forwards left pending: stderr written before stdout's
// last lines are flushed would show above them.
func stop(rec *recording, out *printer) {
	rec.close()
	out.close()
	rec.tellPending()
}

// close closes the intake (it drains the forwards in flight, commits what
// is queued and counts the forwards left pending, for tellPending), then
// the history, which lets go of its lock.
func (rec *recording) close() {
	rec.closeOnce.Do(func() {
		rec.leftPending = rec.intake.Close(drainGrace)
		if rec.store != nil {
			rec.store.Close()
		}
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
	if rec.inspectorURL != "" {
		sentence("Inspector: " + st.Bold(rec.inspectorURL))
	}
	for _, t := range opts.ForwardTo {
		sentence(fmt.Sprintf("Forwarding %s to %s", orAll(t.Glob), st.Bold(t.Name())))
	}
	for _, target := range slices.Sorted(maps.Keys(rec.pending)) {
		if rec.forwarding {
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

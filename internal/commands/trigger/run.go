package trigger

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// delivery is one sent event and its outcome.
type delivery struct {
	SentAt    time.Time
	EventID   string
	EventType string
	sender.Result
}

// deliveryJSON is a delivery as --format json prints it.
type deliveryJSON struct {
	SentAt    string  `json:"sentAt"`
	EventID   string  `json:"eventId"`
	EventType string  `json:"eventType"`
	URL       string  `json:"url"`
	Status    int     `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	Reason    string  `json:"reason,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// triggerRun builds, signs and sends the events, or asks the API to, and
// prints each delivery or the summary of a load run.
func triggerRun(ctx context.Context, opts *Options) error {
	tpls, err := templates(opts)
	if err != nil {
		return err
	}
	secret := ""
	if !opts.ViaAPI {
		if secret, err = signingSecret(opts); err != nil {
			return err
		}
	}
	if opts.DryRun {
		return dryRun(opts, tpls, secret)
	}
	if err := checkBuilds(opts, tpls); err != nil {
		return err
	}
	if opts.ViaAPI {
		return sendViaAPI(ctx, opts, tpls)
	}

	loadMode := opts.Count > 1
	sum, err := deliverAll(ctx, opts, tpls, secret, loadMode)
	if err != nil {
		return err
	}
	if loadMode {
		if err := printSummary(opts, sum); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return cmdutil.ErrCancel
	}
	return outcome(opts, sum)
}

// deliverAll sends every template opts.Count times with opts.Concurrency
// workers, printing each delivery as it ends, until done or ctx ends.
func deliverAll(ctx context.Context, opts *Options, tpls []template, secret string, loadMode bool) (sender.Summary, error) {
	to, err := sender.New(opts.HTTPClient(), opts.URL)
	if err != nil {
		return sender.Summary{}, err
	}
	var stats sender.Stats
	var printMu sync.Mutex
	var printErr error
	report := func(d delivery) {
		stats.Add(d.Result)
		printMu.Lock()
		defer printMu.Unlock()
		if printErr == nil {
			printErr = printDelivery(opts, d, loadMode)
		}
	}

	total := opts.Count * len(tpls)
	stopProgress := startProgress(opts, &stats, total)
	start := time.Now()
	jobs := make(chan template)
	var wg sync.WaitGroup
	for range min(opts.Concurrency, total) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				if ctx.Err() == nil { // after Ctrl-C nothing more is sent
					report(deliver(ctx, opts, to, t, secret))
				}
			}
		}()
	}
send:
	for _, t := range tpls {
		for range opts.Count {
			select {
			case jobs <- t:
			case <-ctx.Done():
				break send
			}
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	stopProgress()
	if ctx.Err() != nil && opts.IO.IsStderrTTY() {
		// The terminal echoed ^C where the cursor was: what follows starts
		// on a clean line.
		fmt.Fprint(opts.IO.ErrOut, "\r\x1b[K")
	}
	return stats.Summary(elapsed), printErr
}

// checkBuilds builds each template once, so that a bad edit or fixture is
// reported before anything is sent.
func checkBuilds(opts *Options, tpls []template) error {
	for _, t := range tpls {
		if _, _, err := t.build(opts.Now()); err != nil {
			var ee *event.EditError
			if errors.As(err, &ee) {
				return &cmdutil.FlagError{Err: err}
			}
			return err
		}
	}
	return nil
}

// deliver builds one fresh event from t, signs it and sends it.
func deliver(ctx context.Context, opts *Options, to *sender.Sender, t template, secret string) delivery {
	now := opts.Now()
	body, env, err := t.build(now)
	if err != nil {
		return delivery{SentAt: now, EventType: t.name, Result: sender.Result{Err: err}}
	}
	header, err := requestHeader(opts, body, env, now, secret)
	if err != nil {
		return delivery{SentAt: now, EventType: env.Type, Result: sender.Result{Err: err}}
	}
	res := to.Send(ctx, header, body)
	return delivery{SentAt: now, EventID: env.ID, EventType: env.Type, Result: res}
}

// jsonContentType is every event's Content-Type, shared: nothing changes a
// request's header values once it is made.
var jsonContentType = []string{"application/json"}

func requestHeader(opts *Options, body []byte, env event.Envelope, now time.Time, secret string) (http.Header, error) {
	h, err := opts.Scheme.Sign(signature.Payload{Body: body, ID: env.ID, Timestamp: now}, secret)
	if err != nil {
		return nil, err
	}
	h["Content-Type"] = jsonContentType
	h["User-Agent"] = []string{opts.UserAgent}
	for k, v := range opts.Headers {
		h[k] = v
	}
	return h, nil
}

// signingSecret is --secret, else the configured secret, else a new one
// saved in the config so that `listen` will use it too.
func signingSecret(opts *Options) (string, error) {
	if opts.Secret != "" {
		return opts.Secret, cmdutil.CheckSecrets([]signature.Scheme{opts.Scheme}, []string{opts.Secret})
	}
	cfg, err := opts.Config()
	if err != nil {
		return "", err
	}
	secret, generated, err := cfg.EnsureWebhookSecret()
	if err != nil {
		return "", err
	}
	if generated {
		cmdutil.SaySecretMade(opts.IO, cfg.Path)
	}
	return secret, cmdutil.CheckSecrets([]signature.Scheme{opts.Scheme}, []string{secret})
}

func dryRun(opts *Options, tpls []template, secret string) error {
	if err := checkBuilds(opts, tpls); err != nil {
		return err
	}
	for i, t := range tpls {
		now := opts.Now()
		body, env, err := t.build(now)
		if err != nil {
			return err
		}
		header, err := requestHeader(opts, body, env, now, secret)
		if err != nil {
			return err
		}
		if opts.Format == "json" {
			headers := map[string]string{}
			for k := range header {
				headers[k] = header.Get(k)
			}
			line := map[string]any{"method": "POST", "url": urlmask.Mask(opts.URL), "headers": headers, "body": string(body)}
			if !utf8.Valid(body) { // a JSON string would hold U+FFFD for the bytes that are not UTF-8
				delete(line, "body")
				line["bodyBase64"] = base64.StdEncoding.EncodeToString(body)
			}
			if err := render.JSONLine(opts.IO.Out, line); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(opts.IO.Out)
		}
		if err := writeRequest(opts.IO.Out, opts.IO.IsStdoutTTY(), urlmask.Mask(opts.URL), header, body); err != nil {
			return err
		}
	}
	return nil
}

// writeRequest shows the request as it will be sent: its exact bytes when
// piped, to compare with the signature, and with control characters escaped
// on a terminal, where a --raw file could otherwise drive the screen.
func writeRequest(w io.Writer, terminal bool, target string, header http.Header, body []byte) error {
	escape, escapeLines := func(s string) string { return s }, func(s string) string { return s }
	if terminal {
		escape, escapeLines = iostreams.Escape, iostreams.EscapeLines
	}
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s\n", escape(target))
	keys := make([]string, 0, len(header))
	for k := range header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range header[k] {
			fmt.Fprintf(&b, "%s: %s\n", escape(k), escape(v))
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\n\n", len(body))
	b.WriteString(escapeLines(string(body)))
	if len(body) > 0 && body[len(body)-1] != '\n' {
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func printDelivery(opts *Options, d delivery, loadMode bool) error {
	out := opts.IO.Out
	if opts.Format == "json" {
		j := deliveryJSON{SentAt: d.SentAt.UTC().Format(time.RFC3339Nano), EventID: d.EventID, EventType: d.EventType,
			URL: urlmask.Mask(opts.URL), Status: d.Status, Reason: d.Reason, LatencyMs: float64(d.Latency.Microseconds()) / 1000}
		if d.Err != nil {
			j.Error = d.Err.Error()
		}
		return render.JSONLine(out, j)
	}
	if loadMode {
		return nil
	}
	status, detail := fmt.Sprintf("%d %s", d.Status, http.StatusText(d.Status)), iostreams.Escape(d.Reason)
	switch {
	case errors.Is(d.Err, context.Canceled):
		status, detail = "cancelled", ""
	case d.Err != nil:
		status, detail = "error", iostreams.Escape(d.Err.Error())
	}
	cells := []string{cmdutil.Timestamp(d.SentAt), iostreams.Escape(d.EventType), iostreams.Escape(render.OrDash(d.EventID)), status, render.Latency(d.Latency)}
	st := opts.IO.OutStyles()
	if !opts.IO.IsStdoutTTY() {
		if detail != "" {
			cells[3] += ": " + detail
		}
		cells[3] = st.Status(d.Status, cells[3]) // coloured only when colour was forced
		_, err := fmt.Fprintln(out, strings.Join(cells, "\t"))
		return err
	}
	_, err := fmt.Fprintln(out, terminalLine(st, d, cells, detail))
	return err
}

// detailAt is where the details under a line on a terminal start: under
// the event type (the columns are the time, the event type in
// render.TypeColumn, the short id in render.IDColumn, the answer and the
// latency).
const detailAt = 8 + 2

// terminalLine is a delivery's line on a terminal, within 80 columns: a
// short event id, then the answer with the receiver's reason or the error
// when they fit, else the reason or error whole on faint lines below.
func terminalLine(st *iostreams.Styles, d delivery, cells []string, detail string) string {
	when, typ, id, status, latency := cells[0], iostreams.Pad(cells[1], render.TypeColumn), iostreams.Pad(render.ShortID(render.OrDash(d.EventID)), render.IDColumn), cells[3], cells[4]
	room := render.TerminalWidth - (iostreams.Width(when) + 2 + render.TypeColumn + 2 + render.IDColumn + 2 + 2 + iostreams.Width(latency))
	style := func(s string) string { return st.Status(d.Status, s) }
	if errors.Is(d.Err, context.Canceled) {
		style = st.Faint
	}
	if detail != "" && iostreams.Width(status+": "+detail) <= room {
		status, detail = status+": "+detail, ""
	}
	line := fmt.Sprintf("%s  %s  %s  %s  %s", st.Faint(when), st.EventType(typ), id, style(status), st.Faint(latency))
	return line + detailLines(st, detail, detailAt)
}

// detailLines is a reason or an error on faint lines of their own, indented
// by indent and wrapped to the terminal's width rather than cut, or nothing.
func detailLines(st *iostreams.Styles, text string, indent int) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	for _, line := range strings.Split(ansi.Wrap(text, render.TerminalWidth-indent, ""), "\n") {
		b.WriteString("\n" + strings.Repeat(" ", indent) + st.Faint(strings.TrimRight(line, " ")))
	}
	return b.String()
}

// printSummary totals a load run: what was sent, delivered (2xx), answered
// otherwise, could not reach the receiver and was cancelled (shown only
// after Ctrl-C, and not as a failure); then latencies and a rate, over the
// answered requests only, when there are any.
func printSummary(opts *Options, s sender.Summary) error {
	w := opts.IO.Out
	st := opts.IO.OutStyles()
	if opts.Format == "json" {
		w, st = opts.IO.ErrOut, opts.IO.ErrStyles()
	}
	line := fmt.Sprintf("sent %d  %s  %s  %s", s.Sent, colorIf(st.Success, s.OK > 0, fmt.Sprintf("delivered %d", s.OK)),
		colorIf(st.Failure, s.Non2xx > 0, fmt.Sprintf("non-2xx %d", s.Non2xx)),
		colorIf(st.Failure, s.ConnErrors > 0, fmt.Sprintf("connection errors %d", s.ConnErrors)))
	if s.Cancelled > 0 {
		line += "  " + st.Warning(fmt.Sprintf("cancelled %d", s.Cancelled))
	}
	line += "\n"
	if s.Answered() > 0 {
		line += fmt.Sprintf("latency p50 %s  p95 %s  p99 %s  %.1f answers/s\n", render.Latency(s.P50), render.Latency(s.P95), render.Latency(s.P99), s.PerSecond)
	}
	_, err := io.WriteString(w, line)
	return err
}

func colorIf(style func(string) string, cond bool, s string) string {
	if cond {
		return style(s)
	}
	return s
}

// outcome maps the run to its exit status: unreachable wins over non-2xx.
func outcome(opts *Options, s sender.Summary) error {
	switch {
	case s.ConnErrors > 0 && s.Refused == s.ConnErrors:
		return cmdutil.Exit(cmdutil.ExitUnreachable, nothingListening(opts, s))
	case s.ConnErrors > 0:
		return cmdutil.Exit(cmdutil.ExitUnreachable, fmt.Errorf("%d of %d deliveries could not reach the receiver at %s",
			s.ConnErrors, s.Sent, iostreams.Escape(urlmask.Mask(opts.URL))))
	case s.Non2xx > 0 && s.NoSignature > 0:
		return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d deliveries got a non-2xx answer (%s 401 Unauthorized, a signature header missing): does the receiver check another scheme than --scheme %s?",
			s.Non2xx, s.Sent, wasWere(s.Unauthorized), opts.Scheme.Name()))
	case s.Non2xx > 0 && s.Unauthorized > 0:
		return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d deliveries got a non-2xx answer (%s 401 Unauthorized): %s 'petstore-webhooks listen --print-secret' shows listen's",
			s.Non2xx, s.Sent, wasWere(s.Unauthorized), whichSecret(opts)))
	case s.Non2xx > 0:
		return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d deliveries got a non-2xx answer", s.Non2xx, s.Sent))
	}
	return nil
}

func wasWere(n int) string {
	if n == 1 {
		return "1 was"
	}
	return fmt.Sprintf("%d were", n)
}

// whichSecret is the question a 401 asks: the receiver checks the signature
// with a secret other than the one trigger signed with.
func whichSecret(opts *Options) string {
	if opts.Secret != "" {
		return "is --secret the receiver's?"
	}
	return "does the receiver use the configured webhook secret?"
}

// progressEvery is how often the progress bar is drawn.
const progressEvery = 100 * time.Millisecond

// startProgress draws a bar on stderr while a load runs, when stderr is a
// terminal; the returned function clears it.
func startProgress(opts *Options, stats *sender.Stats, total int) (stop func()) {
	if total < 2 || !opts.IO.IsStderrTTY() {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := opts.Clock.NewTimer(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(opts.IO.ErrOut, "\r\x1b[K")
				return
			case <-tick.C():
				n := stats.Sent()
				const width = 30
				filled := width * n / total
				fmt.Fprintf(opts.IO.ErrOut, "\r[%s%s] %d/%d", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), n, total)
				tick.Reset(progressEvery)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// Package emulator holds the emulator command: a local Petstore webhooks API.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/lines"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// Options are emulator's inputs.
type Options struct {
	IO        *iostreams.IOStreams
	Fixtures  func() (*fixtures.Set, error)
	Now       func() time.Time
	UserAgent string // of the delivery engine's requests

	Addr        string
	DB          string
	APIKey      string
	PrintAPIKey bool
	Schedule    []time.Duration
}

// APIKeyEnv names the emulator's API key in the environment, so that it need
// not show in the process list.
const APIKeyEnv = "PETSTORE_EMULATOR_API_KEY"

// NewCmdEmulator builds `emulator`.
func NewCmdEmulator(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Fixtures: f.Fixtures, Now: f.Now, UserAgent: "Petstore-Webhooks-Emulator/" + f.AppVersion}
	var schedule string
	cmd := &cobra.Command{
		Use:     "emulator",
		Short:   "Run a local Petstore webhooks API",
		GroupID: cmdutil.GroupWebhooks,
		Long: `Serve the Petstore webhook endpoints under /v1 on --addr, keeping the
registrations in an SQLite database, and deliver real signed events to them:
POST /v1/webhooks/{id}/test and POST /v1/events (emulator only) build events
from the bundled fixtures.

A delivery is a 2xx answer within 5 seconds. Attempts follow --retry-schedule:
by default ` + emulator.DescribeSchedule(emulator.DefaultSchedule) + `;
after the last failed attempt the webhook is disabled. Attempts that are due
survive a restart. GET /v1/webhooks/{id}/deliveries (emulator only) lists the
attempts.

The API key is --api-key, else $PETSTORE_EMULATOR_API_KEY, else one made on the
first run and kept in the database. The base URL, the API key and an export
line go to stderr, the key masked unless stderr is a terminal (--print-api-key
prints it); each request and each delivery attempt is logged to stdout.`,
		Example: `  # terminal 1: the emulator on http://127.0.0.1:4010/v1
  petstore-webhooks emulator

  # terminal 2: point the webhook commands at it (its key, from its database)
  export PETSTORE_API_BASE=http://127.0.0.1:4010/v1
  export PETSTORE_API_KEY="$(petstore-webhooks emulator --print-api-key)"
  petstore-webhooks list

  # a throwaway emulator on a free port, retrying fast (for tests)
  PETSTORE_EMULATOR_API_KEY=test petstore-webhooks emulator --addr 127.0.0.1:0 \
    --db :memory: --retry-schedule 0s,100ms,200ms`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Schedule, err = parseSchedule(schedule); err != nil {
				return err
			}
			if cmd.Flags().Changed("api-key") && strings.TrimSpace(opts.APIKey) == "" {
				return cmdutil.FlagErrorf("--api-key must not be empty")
			}
			if opts.APIKey == "" {
				opts.APIKey = strings.TrimSpace(f.Getenv(APIKeyEnv))
			}
			if opts.DB == "" {
				if opts.DB, err = cmdutil.DefaultEmulatorDB(f.Getenv); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return emulatorRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", cmdutil.DefaultEmulatorAddr, "address to serve on")
	fl.StringVar(&opts.DB, "db", "", "database file, or :memory: for a throwaway run (default $XDG_DATA_HOME/petstore-webhooks/emulator.db)")
	fl.StringVar(&opts.APIKey, "api-key", "", "API key clients must send (default: $"+APIKeyEnv+", else one made on first run and kept in the database)")
	fl.BoolVar(&opts.PrintAPIKey, "print-api-key", false, "print the API key (making one in the database if needed) and exit")
	fl.StringVar(&schedule, "retry-schedule", "0s,1m,5m,30m,1h", "delay before each delivery attempt, comma-separated; its length is the number of attempts")
	return cmd
}

// Bounds of --retry-schedule: the API's own is 5 attempts over under 2 hours.
const (
	maxAttempts   = 20
	maxRetryDelay = 24 * time.Hour
)

func parseSchedule(s string) ([]time.Duration, error) {
	parts := strings.Split(s, ",")
	if len(parts) > maxAttempts {
		return nil, cmdutil.FlagErrorf("--retry-schedule: at most %d attempts, got %d", maxAttempts, len(parts))
	}
	var out []time.Duration
	for _, part := range parts {
		part = strings.TrimSpace(part)
		d, err := time.ParseDuration(part)
		if err != nil || d < 0 {
			return nil, cmdutil.FlagErrorf("--retry-schedule: %s is not a duration such as 0s, 500ms or 5m", cmdutil.Quote(part))
		}
		if d > maxRetryDelay {
			return nil, cmdutil.FlagErrorf("--retry-schedule: %s is longer than %s", cmdutil.Quote(part), "24h")
		}
		out = append(out, d)
	}
	return out, nil
}

func emulatorRun(ctx context.Context, opts *Options) error {
	st, err := store.OpenEmulator(opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	key, err := apiKey(ctx, st, opts.APIKey)
	if err != nil {
		return err
	}
	if opts.PrintAPIKey {
		_, err := fmt.Fprintln(opts.IO.Out, key)
		return err
	}
	if opts.DB != ":memory:" {
		unlock, err := store.Lock(opts.DB)
		var inUse *store.InUseError
		if errors.As(err, &inUse) {
			return fmt.Errorf("database %s is in use by %s: stop it, or give this one another --db FILE", opts.DB, inUse.Holder("another emulator"))
		}
		if err != nil {
			return err
		}
		defer unlock()
	}
	fx, err := opts.Fixtures()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return cmdutil.ListenError(opts.Addr, err, "")
	}
	log := newLogger(opts.IO, opts.Now, nil)
	defer log.close()
	engine := &emulator.Engine{Store: st, Client: &http.Client{}, Schedule: opts.Schedule,
		UserAgent: opts.UserAgent, OnAttempt: log.attempt}
	api := &emulator.API{Store: st, Engine: engine, APIKey: key, Fixtures: fx, Now: opts.Now, OnRequest: log.request}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}

	engineCtx, stopEngine := context.WithCancel(context.Background())
	engineDone := make(chan error, 1)
	go func() { engineDone <- engine.Run(engineCtx) }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	printReady(opts.IO, fmt.Sprintf("http://%s/v1", ln.Addr()), opts.DB, key)

	var result error
	interrupted := false
	select {
	case <-ctx.Done():
		interrupted = true
	case err := <-served:
		result = fmt.Errorf("server stopped: %w", err)
	case err := <-engineDone:
		result = fmt.Errorf("delivery engine stopped: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	stopEngine()
	<-engineDone
	printStopped(opts.IO, interrupted)
	return result
}

// printReady tells where the API is and how to point the webhook commands at
// it. The key is shown whole only to a person at a terminal, masked in logs.
func printReady(ios *iostreams.IOStreams, base, db, key string) {
	es := ios.ErrStyles()
	fmt.Fprintln(ios.ErrOut, render.FitLines(render.StderrWidth(ios), "       ", " · ",
		fmt.Sprintf("%s Petstore API emulator on %s", es.Success("Ready!"), es.Bold(base)), "database "+iostreams.Escape(db), "Ctrl+C to quit"))
	if ios.IsStderrTTY() {
		fmt.Fprintf(ios.ErrOut, "API key: %s\nexport PETSTORE_API_BASE=%s\nexport PETSTORE_API_KEY=%s\n", key, base, key)
	} else {
		fmt.Fprintf(ios.ErrOut, "API key: %s (--print-api-key prints it)\nexport PETSTORE_API_BASE=%s\n", cmdutil.Mask(key), base)
	}
}

// printStopped is the emulator's last line; stopped by Ctrl+C, it starts a
// line of its own.
func printStopped(ios *iostreams.IOStreams, interrupted bool) {
	if interrupted {
		render.EndInterruptedLine(ios)
	}
	fmt.Fprintln(ios.ErrOut, "Stopped. Pending deliveries are kept and resume on the next start.")
}

// apiKey is the flag's key, else the one kept in the database, else a new one kept there.
func apiKey(ctx context.Context, st *store.Store, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	key, err := st.Setting(ctx, "api_key")
	if err != nil || key != "" {
		return key, err
	}
	key = event.NewID("pk_emulator")
	return key, st.SetSetting(ctx, "api_key", key)
}

// logger writes one line per request and per delivery attempt to stdout,
// the strings that came from outside escaped. A stalled stdout holds the API
// up for a second at most: then lines past maxWaiting bytes are dropped and
// counted on stderr.
type logger struct {
	ios *iostreams.IOStreams
	now func() time.Time
	out *lines.Writer
}

// maxWaiting is how many bytes of log lines may wait for a stalled stdout.
const maxWaiting = 1 << 20

// newLogger starts the log; afterFunc, when not nil, replaces
// time.AfterFunc for the stall and close timers (tests fire them).
func newLogger(ios *iostreams.IOStreams, now func() time.Time, afterFunc func(time.Duration, func()) func() bool) *logger {
	l := &logger{ios: ios, now: now}
	l.out = lines.NewConfig(ios.Out, lines.Config{Limit: maxWaiting, Delay: 10 * time.Millisecond, AfterFunc: afterFunc,
		Dropped: func(n int) []byte {
			fmt.Fprintf(ios.ErrOut, "%s %d log lines not shown: stdout was not being read\n", ios.ErrStyles().Warning("Dropped"), n)
			return nil
		}})
	return l
}

// close writes the lines that wait.
func (l *logger) close() { l.out.Close() }

func (l *logger) request(method, path string, status int, latency time.Duration) {
	ios := l.ios
	st := ios.OutStyles()
	code := fmt.Sprint(status)
	if status == emulator.StatusClientGone {
		code += " client gone"
	}
	method, path, took := iostreams.Escape(method), iostreams.Escape(path), render.Latency(latency)
	width := 6 // piped, as it always was
	if ios.IsStdoutTTY() {
		width = methodColumn
		// The path is cut to what is left of the line; the rest is aligned.
		method = iostreams.Truncate(method, methodColumn)
		path = iostreams.Truncate(path, render.TerminalWidth-(8+2+methodColumn+1)-2-iostreams.Width(code)-2-iostreams.Width(took))
	}
	l.out.Emit(fmt.Appendf(nil, "%s  %-*s %s  %s  %s\n", st.Faint(cmdutil.Timestamp(l.now())), width, method, path,
		st.Status(status, code), st.Faint(took)))
}

// methodColumn fits a request's method and "deliver", which starts a
// delivery attempt's line on a terminal.
const methodColumn = 7

// attempt logs a delivery attempt. Piped, on one line with every value
// whole. On a terminal, in 80 columns: the event's type and short id, the
// attempt, the answer and its latency, then on a faint line the target,
// what comes next and the error.
func (l *logger) attempt(a emulator.AttemptLog) {
	ios := l.ios
	st := ios.OutStyles()
	status := fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))
	if a.Status == 0 {
		status = "error"
	}
	errText := iostreams.Escape(a.Error)
	next := ""
	switch {
	case a.Disabled:
		next = "webhook disabled"
	case a.Retrying:
		next = "retry in " + render.ShortDuration(a.RetryIn)
	}
	when, evType, id, target := cmdutil.Timestamp(a.AttemptedAt), iostreams.Escape(a.EventType), iostreams.Escape(a.EventID), iostreams.Escape(urlmask.Mask(a.URL))
	took, of := render.Latency(a.Latency), fmt.Sprintf("%d/%d", a.Attempt.Attempt, a.Of)
	if ios.IsStdoutTTY() {
		head := fmt.Sprintf("%s  %-*s %s  %s  %s  ", st.Faint(when), methodColumn, "deliver", st.EventType(iostreams.Pad(evType, render.TypeColumn)),
			iostreams.Pad(render.ShortID(a.EventID), render.IDColumn), of)
		status = iostreams.Truncate(status, render.TerminalWidth-iostreams.Width(head)-2-iostreams.Width(took))
		detail := []string{"→ " + strings.TrimPrefix(target, "http://")}
		if next != "" {
			detail = append(detail, next)
		}
		if errText != "" {
			detail = append(detail, errText)
		}
		const indent = 8 + 2
		l.out.Emit(fmt.Appendf(nil, "%s%s  %s\n%s%s\n", head, st.Status(a.Status, status), st.Faint(took),
			strings.Repeat(" ", indent), st.Faint(iostreams.Truncate(strings.Join(detail, " · "), render.TerminalWidth-indent))))
		return
	}
	outcome := st.Status(a.Status, status)
	switch {
	case a.Status == 0 && a.Error != "":
		outcome = st.Failure("error: " + errText)
	case a.Error != "":
		outcome = st.Status(a.Status, status+": "+errText)
	}
	if next != "" {
		next = " · " + next
		if a.Disabled {
			next = st.Warning(next)
		}
	}
	l.out.Emit(fmt.Appendf(nil, "%s  deliver %s %s → %s  attempt %s  %s  %s%s\n", st.Faint(when),
		st.EventType(evType), id, target, of, outcome, st.Faint(took), next))
}

// Package listen holds the listen command: a local receiver that verifies
// and shows each event.
package listen

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// Options are listen's inputs.
type Options struct {
	IO         *iostreams.IOStreams
	AppVersion string
	Config     func() (*config.Config, error)
	Now        func() time.Time
	Getenv     func(string) string

	Addr         string
	Path         string
	Secrets      []string
	SkipVerify   bool
	MaxBody      int64
	maxBodyGiven string // --max-body as it was given, for its error
	Verbose      bool
	Format       string
	Events       event.TypeFilter
	MaxEvents    int
	Timeout      time.Duration
	PrintSecret  bool
	Schemes      []signature.Scheme

	ForwardTo      []relay.Target
	ForwardSecret  string
	ForwardScheme  signature.Scheme
	Headers        http.Header
	Passthrough    bool
	ForwardTimeout time.Duration
	RetryMax       int
	RetryFor       time.Duration
	History        string
	NoHistory      bool
	HistoryMaxAge  time.Duration
	HistoryMaxSize int64

	UIAddr      string // the inspector's address
	UIAddrGiven bool   // --ui-addr was given: a port taken is an error, not a reason to try the next
	NoUI        bool
}

// NewCmdListen builds `listen`.
func NewCmdListen(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, AppVersion: f.AppVersion, Config: f.Config, Now: f.Now, Getenv: f.Getenv, HistoryMaxSize: 1 << 30}
	var events string
	var forwardSecret *cmdutil.ForwardSecretFlags
	var forwardTo, headers []string
	var schemes, forwardScheme *cmdutil.SchemeFlags
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks locally, verify their signatures and show them",
		Long: `Run a webhook receiver on 127.0.0.1:8080/webhooks (see --addr and --path).

Each POST is checked against the webhook secrets with the --scheme (petstore
by default; several, comma-separated, accept any of them and each event says
which one verified; timestamps more than --tolerance away are rejected), then
parsed as a Petstore event. It answers 200 {"received":true} for a valid
event, 401 when the signature is missing or wrong, 400 when the body is not an
event, 413 when it is larger than --max-body, 405 for other methods and 404
for other paths.

The ready line, progress and the closing summary go to stderr; events go to
stdout, one line each (one JSON object each with --format json). On a
terminal the lines fit 80 columns: the event id shows its last 8 characters,
long values are cut with …, and a reason or a forward's error goes on a line
of its own; piped, the lines are tab-separated with every value whole. A
forward that keeps failing is shown when it first fails and when it ends
(--verbose and --format json: every attempt). --events shows only the events
of the types its globs match, and every request that is no event (GET /, a
404, a body that is not an event): those are what you debug. A glob that
matches no known event type (see 'petstore-webhooks fixtures') is warned of,
with the nearest one.

Control characters from requests are shown escaped (\x1b); with --format json,
bytes that are not UTF-8 and lone surrogates (\udc00) become \ufffd, and an
event nested more than 64 deep is "event":null with its body as the string
"body". Headers whose name contains key, token, secret, auth, password, passwd,
session or cookie are masked as ****; signature headers stay visible. --verbose
shows the first 64 KiB of a body, indented when it is JSON at most 64 levels
deep.

A slow reader of stdout never slows listen down: lines are dropped when more
than 4096 requests and forward attempts, or 16 MiB of their bodies, wait to be
shown, or when 4 MiB of lines wait and stdout has taken nothing for a second.
They are counted on stderr (and as {"kind":"dropped","count":N} with --format
json), never events: those are still recorded (unless --no-history) and
counted. On exit, listen waits at most 2s for stdout to take the last lines.

With no secret configured, the first run makes a whsec_ secret and saves it in
the config file, where 'trigger' finds it.

Relay: --forward-to sends every event to your app with the exact bytes and
headers received (hop-by-hop headers aside), so its own signature check passes;
--forward-secret re-signs them for an app with its own secret, in the
--forward-scheme it expects (or --forward-secret-file FILE, or the
PETSTORE_FORWARD_SECRET environment variable, which ps does not show). Each
target is a URL, host:port/path (http:// assumed) or a bare port
(http://localhost:PORT); 'GLOBS=TARGET' sends only the event types that the
globs (as --events takes them) match there. Credentials in a target's URL are
masked wherever it is shown or recorded. The sender gets its 200 once the event
is safely recorded; the first attempt at each target starts while it is being
recorded, and failed ones are retried on connection errors, timeouts, 5xx, 408
and 429 (Retry-After honoured) with backoff, up to --retry-max attempts or
--retry-for. With --passthrough the sender waits for the one attempt and gets
the app's answer, of which at most 1 MiB is read: a larger answer, a 1xx or none
at all is answered 502 with a JSON {"error", "message"} that says which.

History: every request and every forward attempt is recorded in an SQLite
database ($XDG_STATE_HOME/petstore-webhooks/history.db, or --history FILE);
forwards still pending when listen stops, even by a crash, resume on the next
start. Requests older than --history-max-age are forgotten while listen runs,
the oldest first while the history is larger than --history-max-size
(requests with forwards still pending are kept). One listen at a time may use
a history: a second one on the same file exits 1, naming the first (the
events commands read it meanwhile). Of a request not answered 200 only the
first 64 KiB of the body is kept.
See 'petstore-webhooks events'.`,
		Example: `  petstore-webhooks listen
  petstore-webhooks listen --addr 127.0.0.1:9000 --path /hooks --verbose
  petstore-webhooks listen --events 'pet.*,order.created'
  petstore-webhooks listen --secret "$NEW" --secret "$OLD"

  # either provider's signature
  petstore-webhooks listen --scheme github,stripe --secret "$SECRET"

  # in a CI script: wait for two events, at most 30 seconds
  petstore-webhooks listen --format json --max-events 2 --timeout 30s \
    > events.jsonl &

  # relay to your app on port 3000, orders to another
  petstore-webhooks listen --forward-to 3000 \
    --forward-to 'order.*=localhost:4000/hooks'
  PETSTORE_FORWARD_SECRET=whsec_app petstore-webhooks listen \
    --forward-to http://127.0.0.1:3000/webhooks
  petstore-webhooks listen --forward-to 3000 --forward-scheme stripe \
    --forward-secret-file stripe-secret.txt

  # relay, and give the sender the app's answer
  petstore-webhooks listen --forward-to 3000 --passthrough`,
		GroupID: cmdutil.GroupEvents,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("addr") {
				cfg, err := opts.Config()
				if err != nil {
					return err
				}
				if opts.Addr, err = cmdutil.NormalizeListenAddr("listen_addr", cfg.ListenAddr); err != nil {
					return err
				}
			}
			if err := checkFlags(cmd, opts, events); err != nil {
				return err
			}
			if err := checkRelayFlags(cmd, opts, forwardTo, headers, forwardSecret, forwardScheme); err != nil {
				return err
			}
			warnUnmatchedTypes(f, opts)
			var err error
			if opts.Schemes, err = schemes.Schemes(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listenRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "", "address to listen on, HOST:PORT or PORT (a bare port binds 127.0.0.1) (default: listen_addr, PETSTORE_LISTEN_ADDR, 127.0.0.1:8080)")
	fl.StringVar(&opts.Path, "path", "/webhooks", "URL path that receives events")
	fl.StringArrayVar(&opts.Secrets, "secret", nil, "secret to verify with; repeat to accept several during rotation (default: the configured webhook secret)")
	fl.BoolVar(&opts.SkipVerify, "skip-verify", false, "accept events whose signature is missing or wrong, shown as unverified")
	opts.MaxBody = 1 << 20
	fl.Var(cmdutil.SizeFlag{Bytes: &opts.MaxBody, Given: &opts.maxBodyGiven}, "max-body", "largest body accepted, at least 1KiB (bytes, or 512KiB, 5MB); larger gets 413")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "show each request's headers (credentials masked) and body (its first 64 KiB)")
	fl.StringVar(&events, "events", "", "show only these event types: comma-separated globs such as 'pet.*,order.created' (* any run of characters, ? one, [a-z] a class); requests that are no event are still shown")
	fl.IntVar(&opts.MaxEvents, "max-events", 0, "exit 0 once this many valid events (of those shown) have arrived")
	fl.DurationVar(&opts.Timeout, "timeout", 0, "stop after this long; with --max-events, exit 5 if they have not all arrived")
	fl.BoolVar(&opts.PrintSecret, "print-secret", false, "print the webhook secret (making one if needed) and exit")
	fl.StringArrayVar(&forwardTo, "forward-to", nil, "relay events to [GLOBS=]TARGET, where TARGET is a URL, HOST:PORT[/PATH] or PORT[/PATH]; repeatable")
	forwardSecret = cmdutil.AddForwardSecretFlags(cmd, "re-sign forwarded bodies with this secret, for an app with its own")
	fl.StringArrayVarP(&headers, "header", "H", nil, `add "Name: value" to forwarded requests; repeatable`)
	fl.BoolVar(&opts.Passthrough, "passthrough", false, "wait for the (one) target and hand its answer (at most 1 MiB) back to the sender")
	fl.DurationVar(&opts.ForwardTimeout, "forward-timeout", 10*time.Second, "how long a target has to answer one forward")
	fl.IntVar(&opts.RetryMax, "retry-max", 0, "attempts per forward in all (0: no limit but --retry-for)")
	fl.DurationVar(&opts.RetryFor, "retry-for", time.Hour, "stop retrying a forward this long after the event arrived")
	fl.StringVar(&opts.History, "history", "", "history database (default: history.db in $XDG_STATE_HOME/petstore-webhooks)")
	fl.BoolVar(&opts.NoHistory, "no-history", false, "record nothing; forwards then retry in memory only")
	fl.DurationVar(&opts.HistoryMaxAge, "history-max-age", 7*24*time.Hour, "forget requests older than this while running")
	fl.Var(cmdutil.SizeFlag{Bytes: &opts.HistoryMaxSize}, "history-max-size", "forget the oldest requests while the history is larger than this (500MB, 2GiB; 0: no limit)")
	fl.StringVar(&opts.UIAddr, "ui-addr", "", "serve the inspector, the web page of the history, on this loopback HOST:PORT or PORT (default: 127.0.0.1:4040, or the next free port)")
	fl.BoolVar(&opts.NoUI, "no-ui", false, "serve no inspector")
	schemes = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Several: true, Verify: true})
	forwardScheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Prefix: "forward-"})
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func checkRelayFlags(cmd *cobra.Command, opts *Options, forwardTo, headers []string, forwardSecret *cmdutil.ForwardSecretFlags, forwardScheme *cmdutil.SchemeFlags) error {
	opts.ForwardTo = nil
	for _, t := range forwardTo {
		target, err := relay.ParseTarget(t)
		if err != nil {
			return &cmdutil.FlagError{Err: err}
		}
		opts.ForwardTo = append(opts.ForwardTo, target)
	}
	fl := cmd.Flags()
	for _, name := range []string{"forward-secret", "forward-secret-file", "forward-scheme", "forward-signature-header", "header", "passthrough", "forward-timeout", "retry-max", "retry-for"} {
		if fl.Changed(name) && len(opts.ForwardTo) == 0 {
			return cmdutil.FlagErrorf("--%s goes with --forward-to", name)
		}
	}
	fwd, err := cmdutil.CheckForwardFlags(cmd, opts.IO, opts.Getenv, forwardSecret, forwardScheme, headers, opts.ForwardTimeout)
	if err != nil {
		return err
	}
	opts.ForwardScheme, opts.Headers = fwd.Scheme, fwd.Headers
	if len(opts.ForwardTo) > 0 {
		opts.ForwardSecret = fwd.Secret
	}
	switch {
	case opts.Passthrough && (len(opts.ForwardTo) != 1 || opts.ForwardTo[0].Glob != ""):
		return cmdutil.FlagErrorf("--passthrough needs exactly one --forward-to target, without a glob")
	case opts.RetryMax < 0:
		return cmdutil.FlagErrorf("--retry-max must not be negative, got %d", opts.RetryMax)
	case opts.RetryFor <= 0:
		return cmdutil.FlagErrorf("--retry-for must be positive, got %s", opts.RetryFor)
	case opts.HistoryMaxAge < 0:
		return cmdutil.FlagErrorf("--history-max-age must not be negative, got %s", opts.HistoryMaxAge)
	case opts.HistoryMaxSize < 0:
		return cmdutil.FlagErrorf("--history-max-size must not be negative, got %d", opts.HistoryMaxSize)
	case opts.NoHistory && fl.Changed("history"):
		return cmdutil.FlagErrorf("--history and --no-history do not go together")
	}
	return checkUIFlags(cmd, opts)
}

func checkUIFlags(cmd *cobra.Command, opts *Options) error {
	opts.UIAddrGiven = cmd.Flags().Changed("ui-addr")
	switch {
	case opts.UIAddrGiven && opts.NoUI:
		return cmdutil.FlagErrorf("--ui-addr and --no-ui do not go together")
	case opts.UIAddrGiven && opts.NoHistory:
		return cmdutil.FlagErrorf("--ui-addr needs the history, which the inspector shows: drop --no-history")
	case opts.NoHistory:
		opts.NoUI = true
		return nil
	}
	if !opts.UIAddrGiven {
		opts.UIAddr = cmdutil.InspectorAddr
	}
	addr, err := cmdutil.NormalizeLoopbackAddr("--ui-addr", opts.UIAddr)
	opts.UIAddr = addr
	return err
}

// warnUnmatchedTypes warns of the globs of --events and --forward-to that
// match no known event type: a typo would show or forward nothing.
func warnUnmatchedTypes(f *cmdutil.Factory, opts *Options) {
	known := cmdutil.KnownEventTypes(f)
	cmdutil.WarnUnmatchedTypes(opts.IO.ErrOut, "--events", opts.Events, known)
	for _, t := range opts.ForwardTo {
		cmdutil.WarnUnmatchedTypes(opts.IO.ErrOut, "--forward-to", t.Types, known)
	}
}

// minMaxBody is the smallest --max-body: the smallest event is about 300
// bytes, and a smaller limit is a unit left out (--max-body 10 for 10MB),
// which would answer 413 to every event.
const minMaxBody = 1 << 10

func checkFlags(cmd *cobra.Command, opts *Options, events string) error {
	if err := cmdutil.CheckFormat(opts.Format); err != nil {
		return err
	}
	addr, err := cmdutil.NormalizeListenAddr("--addr", opts.Addr)
	if err != nil {
		return err
	}
	opts.Addr = addr
	switch {
	case !strings.HasPrefix(opts.Path, "/"):
		return cmdutil.FlagErrorf("--path must start with /, got %s", cmdutil.Quote(opts.Path))
	case opts.MaxBody < minMaxBody:
		// Only the flag sets MaxBody below its default, and it sets the text too.
		given := opts.maxBodyGiven
		msg := fmt.Sprintf("--max-body %s is %d bytes, below the minimum of %s (%d bytes)", iostreams.Escape(given), opts.MaxBody, cmdutil.FormatSize(minMaxBody), minMaxBody)
		if !cmdutil.HasUnit(given) {
			msg += ": a number without a unit is bytes; write a unit, as in 512KiB or 5MB"
		}
		return cmdutil.FlagErrorf("%s", msg)
	case opts.MaxEvents < 0:
		return cmdutil.FlagErrorf("--max-events must not be negative, got %d", opts.MaxEvents)
	case cmd.Flags().Changed("timeout") && opts.Timeout <= 0:
		return cmdutil.FlagErrorf("--timeout must be positive, got %s", opts.Timeout)
	}
	for _, s := range opts.Secrets {
		if s == "" {
			return cmdutil.FlagErrorf("--secret must not be empty")
		}
	}
	if opts.Events, err = event.ParseTypeFilter(events); err != nil {
		return cmdutil.FlagErrorf("--events: %w", err)
	}
	return nil
}

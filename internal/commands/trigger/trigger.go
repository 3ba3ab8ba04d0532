// Package trigger holds the trigger command: signed sample events, sent.
package trigger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// defaultPath is where `listen` receives unless --path says otherwise.
const defaultPath = "/webhooks"

// The bounds of a load run: each delivery in flight is a goroutine, and each
// one sent keeps its latency for the summary.
const (
	MaxConcurrency = 1000
	MaxDeliveries  = 1_000_000
)

// Options are trigger's inputs.
type Options struct {
	IO         *iostreams.IOStreams
	HTTPClient func() *http.Client
	Config     func() (*config.Config, error)
	Fixtures   func() (*fixtures.Set, error)
	Now        func() time.Time
	Clock      clock.Clock // ticks the progress bar
	// Rand, when not nil, replaces crypto/rand for the events' ids and
	// random digits (see event.Generator): tests set it.
	Rand      io.Reader
	UserAgent string

	Events      []string
	URL         string
	Secret      string
	Scheme      signature.Scheme
	Overrides   []event.Override
	Removes     [][]string
	DataFile    string
	FixtureFile string
	RawFile     string
	Headers     http.Header
	DryRun      bool
	Count       int
	Concurrency int
	Format      string
	ViaAPI      bool
	API         cmdutil.APIFlags
	Wait        time.Duration
	apiClient   func() (apiSender, error)
	// pause waits between two looks at the API's deliveries; tests replace it.
	pause func(context.Context, time.Duration) error
	// lookTimeout, when set, replaces the time one look at the deliveries has.
	lookTimeout time.Duration
}

// NewCmdTrigger builds `trigger`.
func NewCmdTrigger(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, HTTPClient: f.HTTPClient, Config: f.Config, Fixtures: f.Fixtures, Now: f.Now, Clock: clock.Real(), UserAgent: f.UserAgent()}
	opts.apiClient = func() (apiSender, error) { return opts.API.Client(f) }
	var overrides, removes, headers []string
	var scheme *cmdutil.SchemeFlags
	cmd := &cobra.Command{
		Use:     "trigger EVENT [EVENT...]",
		Short:   "Send signed sample events to a receiver",
		GroupID: cmdutil.GroupEvents,
		Long: `Build each EVENT from its fixture (see 'petstore-webhooks fixtures'), give it a
fresh id and timestamp, sign it with the webhook secret and POST it to --url.

One line is printed per delivery: time, event type, event id (its end on a
terminal), status, latency. With --count above 1 a summary replaces those
lines: sent, delivered (2xx), non-2xx, connection errors, cancelled (after
Ctrl-C), and latency percentiles and answers per second over the answered.

With --api the events are not posted to a URL: the Petstore API (or the
emulator, see PETSTORE_API_BASE) is asked to send each one to the webhooks
subscribed to its type, through its emulator-only POST /v1/events. The API
answers before it delivers; trigger then waits, at most --wait (10s) for the
whole run, for its first attempt at each webhook and prints a line per
webhook: delivered, the answer with the receiver's reason (a 401 from listen
when the secrets differ) and when the API retries, or not reachable. An API
that lists no deliveries, or --wait 0, gets one line: how many webhooks the
event was queued for.

--data FILE holds JSON deep-merged over the whole event, envelope and all:
the event's fields are under "data", so {"data":{"adopter":{"name":"Ada"}}}
changes the adopter's name; a top-level key the event does not have is added
beside "data", with a warning. Edits apply in this order: --data, each
--override, each --remove.

Exit status: 0 when every delivery got a 2xx answer, 3 when a receiver answered
otherwise, 4 when it could not be reached, 2 for usage errors. With --api the
same for the first attempts, 5 when one was not made within --wait, and 8
when the API failed or left a look at the deliveries unanswered.`,
		Example: `  petstore-webhooks trigger pet.adopted
  petstore-webhooks trigger order.created payment.succeeded \
    --url http://127.0.0.1:3000/hooks
  petstore-webhooks trigger order.created \
    --override data.order.items.0.quantity=3 --remove data.customer
  petstore-webhooks trigger pet.adopted --dry-run \
    --data <(echo '{"data":{"adopter":{"name":"Ada"}}}')
  petstore-webhooks trigger --raw captured.json -H 'X-Request-Id: 42'
  petstore-webhooks trigger pet.adopted --scheme standard \
    --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  petstore-webhooks trigger payment.failed --count 1000 --concurrency 20
  petstore-webhooks trigger pet.adopted --format json | jq .status

  # to every subscribed webhook, through the emulator
  petstore-webhooks trigger order.created --api
  petstore-webhooks trigger order.created --api --wait 0  # queue it, no wait`,
		ValidArgsFunction: cmdutil.CompleteEventTypes(f.Fixtures),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Events = args
			if err := parseFlags(cmd, opts, overrides, removes, headers); err != nil {
				return err
			}
			var err error
			if opts.Scheme, err = scheme.Scheme(); err != nil {
				return err
			}
			if !cmd.Flags().Changed("url") && !opts.ViaAPI {
				cfg, err := opts.Config()
				if err != nil {
					return err
				}
				if opts.URL, err = cmdutil.ReceiverURL(cfg.ListenAddr); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return triggerRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.URL, "url", "", "receiver to POST the events to: a URL, HOST:PORT[/PATH] or PORT[/PATH], /webhooks when no path is given (default: listen's at listen_addr, PETSTORE_LISTEN_ADDR, 127.0.0.1:8080)")
	fl.StringVar(&opts.Secret, "secret", "", "secret to sign with (default: the configured webhook secret)")
	fl.StringArrayVar(&overrides, "override", nil, "set PATH=VALUE in the event (dotted path, array indexes; VALUE is JSON or a string); repeatable")
	fl.StringArrayVar(&removes, "remove", nil, "remove PATH from the event; repeatable")
	fl.StringVar(&opts.DataFile, "data", "", `JSON file deep-merged over the whole event, such as {"data":{"adopter":{"name":"Ada"}}} (at most 1 MiB)`)
	fl.StringVar(&opts.FixtureFile, "fixture", "", "send this fixture file instead of a bundled one (at most 1 MiB)")
	fl.StringVar(&opts.RawFile, "raw", "", "send exactly the bytes of this file, signed (at most 1 MiB)")
	fl.StringArrayVarP(&headers, "header", "H", nil, `extra request header "Name: value"; repeatable`)
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the signed request (headers and body) and send nothing")
	fl.IntVar(&opts.Count, "count", 1, fmt.Sprintf("send each event this many times, each with a fresh id (at most %d deliveries in all)", MaxDeliveries))
	fl.IntVar(&opts.Concurrency, "concurrency", 1, fmt.Sprintf("deliveries in flight at once (at most %d)", MaxConcurrency))
	fl.BoolVar(&opts.ViaAPI, "api", false, "ask the Petstore API to send the events to its subscribers instead of posting to --url")
	fl.DurationVar(&opts.Wait, "wait", DefaultAPIWait, "with --api, how long in all to wait for the API's first attempts (0: do not wait, say how many it was queued for)")
	scheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{})
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	_ = cmd.MarkFlagFilename("data", "json")
	_ = cmd.MarkFlagFilename("fixture", "json")
	_ = cmd.MarkFlagFilename("raw")
	return cmd
}

func parseFlags(cmd *cobra.Command, opts *Options, overrides, removes, headers []string) error {
	if err := cmdutil.CheckFormat(opts.Format); err != nil {
		return err
	}
	sources := 0
	for _, set := range []bool{len(opts.Events) > 0, opts.FixtureFile != "", opts.RawFile != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		return cmdutil.FlagErrorf("name an event type to send (see 'petstore-webhooks fixtures'), or use --fixture or --raw")
	case sources > 1:
		return cmdutil.FlagErrorf("choose one of: event types, --fixture FILE, --raw FILE")
	case opts.RawFile != "" && (len(overrides) > 0 || len(removes) > 0 || opts.DataFile != ""):
		return cmdutil.FlagErrorf("--raw sends the file as it is: it does not go with --override, --remove or --data")
	case opts.Count < 1:
		return cmdutil.FlagErrorf("--count must be at least 1, got %d", opts.Count)
	case opts.Concurrency < 1:
		return cmdutil.FlagErrorf("--concurrency must be at least 1, got %d", opts.Concurrency)
	case opts.Concurrency > MaxConcurrency:
		return cmdutil.FlagErrorf("--concurrency must be at most %d, got %d", MaxConcurrency, opts.Concurrency)
	case len(opts.Events) <= 1 && opts.Count > MaxDeliveries:
		return cmdutil.FlagErrorf("--count must be at most %d, got %d", MaxDeliveries, opts.Count)
	case opts.Count > MaxDeliveries/max(len(opts.Events), 1): // divided, since the product can overflow
		return cmdutil.FlagErrorf("--count %d of %d event types is more than %d deliveries: at most %d each", opts.Count, len(opts.Events), MaxDeliveries, MaxDeliveries/len(opts.Events))
	case cmd.Flags().Changed("secret") && opts.Secret == "":
		return cmdutil.FlagErrorf("--secret must not be empty")
	case !opts.ViaAPI && (cmd.Flags().Changed("api-base") || cmd.Flags().Changed("api-key") || cmd.Flags().Changed("wait")):
		return cmdutil.FlagErrorf("--api-base, --api-key and --wait go with --api")
	case opts.Wait < 0:
		return cmdutil.FlagErrorf("--wait must be 0 (do not wait) or more, got %s", opts.Wait)
	case opts.ViaAPI:
		for _, name := range []string{"url", "raw", "header", "secret", "scheme", "signature-header", "count", "concurrency", "dry-run"} {
			if cmd.Flags().Changed(name) {
				return cmdutil.FlagErrorf("--api lets the API build, sign and send the events: it does not go with --%s", name)
			}
		}
	}
	if cmd.Flags().Changed("url") {
		u, err := relay.ParseURL(opts.URL, defaultPath)
		if err != nil {
			return cmdutil.FlagErrorf("--url %s: %w", cmdutil.Quote(urlmask.Mask(opts.URL)), err)
		}
		opts.URL = u
	}
	for _, o := range overrides {
		ov, err := event.ParseOverride(o)
		if err != nil {
			return &cmdutil.FlagError{Err: err}
		}
		opts.Overrides = append(opts.Overrides, ov)
	}
	for _, r := range removes {
		p, err := event.ParsePath(r)
		if err != nil {
			return cmdutil.FlagErrorf("--remove %s: %w", cmdutil.Quote(r), err)
		}
		opts.Removes = append(opts.Removes, p)
	}
	var err error
	opts.Headers, err = cmdutil.ParseHeaders(headers)
	return err
}

// template is one kind of event to send; build makes a fresh copy of it.
type template struct {
	name  string
	build func(now time.Time) (body []byte, env event.Envelope, err error)
}

func templates(opts *Options) ([]template, error) {
	if opts.RawFile != "" {
		body, err := cmdutil.ReadInput(opts.IO, opts.RawFile)
		if err != nil {
			return nil, err
		}
		env, _ := event.ParseEnvelope(body) // raw bytes need not be an event
		return []template{{name: opts.RawFile, build: func(time.Time) ([]byte, event.Envelope, error) { return body, env, nil }}}, nil
	}
	edits := event.Edits{Overrides: opts.Overrides, Removes: opts.Removes}
	if opts.DataFile != "" {
		raw, err := cmdutil.ReadInput(opts.IO, opts.DataFile)
		if err != nil {
			return nil, err
		}
		edits.Merge, err = event.DecodeJSON(raw)
		var le *event.LimitError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("--data %s: %w", opts.DataFile, err)
		}
		if err != nil {
			return nil, fmt.Errorf("--data %s is not valid JSON: %w", opts.DataFile, err)
		}
	}
	fromFixture := func(name string, fixture []byte) template {
		warnAddedKeys(opts, name, fixture, edits.Merge)
		compile := sync.OnceValues(func() (*event.Template, error) { return event.Compile(fixture, edits) })
		return template{name: name, build: func(now time.Time) ([]byte, event.Envelope, error) {
			tpl, err := compile()
			if err != nil {
				return nil, event.Envelope{}, fmt.Errorf("%s: %w", name, err)
			}
			body, env, err := tpl.Build(event.Generator{Now: now, Rand: opts.Rand})
			if err != nil {
				return nil, env, fmt.Errorf("%s: %w", name, err)
			}
			return body, env, nil
		}}
	}
	if opts.FixtureFile != "" {
		fixture, err := cmdutil.ReadInput(opts.IO, opts.FixtureFile)
		if err != nil {
			return nil, err
		}
		return []template{fromFixture(opts.FixtureFile, fixture)}, nil
	}
	set, err := opts.Fixtures()
	if err != nil {
		return nil, err
	}
	var out []template
	for _, name := range opts.Events {
		fx, err := set.Get(name)
		if err != nil {
			return nil, cmdutil.FixtureError(err)
		}
		out = append(out, fromFixture(name, fx.Body))
	}
	return out, nil
}

// warnAddedKeys says which top-level keys of --data the event does not
// have: --data merges over the whole event, so {"adopter": ...} lands beside
// "data", not in it.
func warnAddedKeys(opts *Options, name string, fixture []byte, merge any) {
	m, ok := merge.(*event.Object)
	if !ok {
		return
	}
	body, env, err := event.Build(fixture, event.Edits{}, event.Generator{Now: opts.Now()})
	if err != nil {
		return // sending it says what is wrong
	}
	v, _ := event.DecodeJSON(body)
	root, ok := v.(*event.Object)
	if !ok {
		return
	}
	if env.Type != "" {
		name = env.Type
	}
	var added []string
	for _, key := range m.Keys() {
		if _, ok := root.Get(key); !ok {
			added = append(added, key)
		}
	}
	if len(added) == 0 {
		return
	}
	const named = 3 // the keys the warning names; it counts the others
	keys := "key "
	if len(added) > 1 {
		keys = "keys "
	}
	keys += cmdutil.NameFew(added, named, func(key string) string { return `"` + cmdutil.Clip(key, 30) + `"` })
	ios := opts.IO
	text := fmt.Sprintf(`--data adds top-level %s that %s does not have; fields of the event go under "data"`, keys, iostreams.Escape(name))
	fmt.Fprintln(ios.ErrOut, render.Wrap(render.StderrWidth(ios), "  ", ios.ErrStyles().Warning("warning:")+" "+text))
}

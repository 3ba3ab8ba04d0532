package events

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// ResendOptions are the inputs of `events resend`.
type ResendOptions struct {
	IO         *iostreams.IOStreams
	Client     *http.Client // sends the attempts
	Now        func() time.Time
	History    string        // the history's file
	Ref        string        // an event id, its end, or a request number
	To         *relay.Target // --to; nil: every target the event was forwarded to
	Forwarding cmdutil.Forwarding
	Format     string
}

// NewCmdResend builds `events resend`.
func NewCmdResend(f *cmdutil.Factory, runF func(context.Context, *ResendOptions) error) *cobra.Command {
	opts := &ResendOptions{IO: f.IOStreams, Client: relay.NewClient(), Now: f.Now}
	var to string
	var headers []string
	var timeout time.Duration
	var forwardSecret *cmdutil.ForwardSecretFlags
	var forwardScheme *cmdutil.SchemeFlags
	cmd := &cobra.Command{
		Use:   "resend ID [--to TARGET]",
		Short: "Send a recorded event again, the same bytes",
		Long: `Send a recorded request again, byte for byte with its headers, to --to or
else to every target it was forwarded to. One attempt each, recorded in the
history. Exit status: 0 for 2xx answers, 3 for another answer, 4 when a target
could not be reached.`,
		Example: `  petstore-webhooks events resend 019b4132-70aa-764f-b315-e2803d882a24
  PETSTORE_FORWARD_SECRET="$APP_SECRET" petstore-webhooks events resend 42 \
    --to 3000
  petstore-webhooks events resend 42 --to 3000 --forward-scheme stripe \
    --forward-secret-file stripe-secret.txt`,
		Args: cmdutil.ExactArgs(1, "an event id, its end, or a request number (see 'events list')"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			var err error
			if opts.Forwarding, err = cmdutil.CheckForwardFlags(cmd, f.IOStreams, f.Getenv, forwardSecret, forwardScheme, headers, timeout); err != nil {
				return err
			}
			if to != "" {
				t, err := relay.ParseTarget(to)
				if err != nil || t.Glob != "" {
					return cmdutil.FlagErrorf("--to %s: want a URL, host:port[/path] or port[/path]", cmdutil.Quote(urlmask.Mask(to)))
				}
				opts.To = &t
			}
			opts.Ref = args[0]
			if opts.History, err = historyFile(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resendRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "send here instead: a URL, host:port[/path] or port[/path]")
	forwardSecret = cmdutil.AddForwardSecretFlags(cmd, "re-sign the body with this secret")
	forwardScheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Prefix: "forward-"})
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, `add "Name: value"; repeatable`)
	cmd.Flags().DurationVar(&timeout, "forward-timeout", 10*time.Second, "how long each target has to answer")
	cmdutil.RenamedFlag(cmd, f.IOStreams.ErrOut, "timeout", "forward-timeout")
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

// resendRun sends the event once to each of its targets and prints each
// attempt; its error names the targets that failed.
func resendRun(ctx context.Context, opts *ResendOptions) error {
	st, r, err := openRequest(ctx, opts.History, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkResendable(opts, r); err != nil {
		return err
	}
	targets, err := resendTargets(ctx, opts, st, r)
	if err != nil {
		return err
	}
	outcome := resendOutcome{targets: len(targets)}
	for _, target := range targets {
		res, err := resendOnce(ctx, opts, st, &r, target)
		if err != nil {
			return err
		}
		outcome.add(target, res)
		if err := printResend(opts, res); err != nil {
			return err
		}
	}
	return outcome.err()
}

// checkResendable refuses what cannot be sent again as it arrived: a
// request that was no event, one that failed verification when a forward
// secret would sign it, and a body the history kept only the start of.
func checkResendable(opts *ResendOptions, r store.Request) error {
	switch {
	case r.Method != http.MethodPost:
		return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("request %s was a %s answered %d, not an event: there is nothing to resend", opts.Ref, iostreams.Escape(r.Method), r.Status))
	case r.Verification == "rejected" && opts.Forwarding.Secret != "":
		return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("request %d failed verification (%s): it is not signed again with the forward secret, which would vouch for what nobody signed; resend it without one", r.ID, iostreams.Escape(r.Reason)))
	case r.BodySize > len(r.Body):
		return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("only the first %d of the %d bytes of request %s's body were kept (it was rejected): it cannot be sent again as it arrived", len(r.Body), r.BodySize, opts.Ref))
	}
	return nil
}

// resendTargets are where the event goes: --to, else every target it was
// forwarded to (which must not have needed credentials, as they are not
// kept).
func resendTargets(ctx context.Context, opts *ResendOptions, st *store.Store, r store.Request) ([]string, error) {
	if opts.To != nil {
		return []string{opts.To.Name()}, nil
	}
	fwds, _, err := st.Forwards(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, fw := range fwds {
		if u, err := url.Parse(fw.Target); err == nil && u.User != nil {
			return nil, cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("event %s was forwarded to %s, whose credentials are not kept: say where with --to", opts.Ref, iostreams.Escape(fw.Target)))
		}
		if !slices.Contains(targets, fw.Target) {
			targets = append(targets, fw.Target)
		}
	}
	if len(targets) == 0 {
		return nil, cmdutil.FlagErrorf("event %s was never forwarded: say where with --to", opts.Ref)
	}
	return targets, nil
}

// resendOnce makes one attempt at sending r to target, recorded in the
// history as a new forward that this attempt finishes, whatever its outcome
// (it is never retried). It is the one place resend drives the relay.
func resendOnce(ctx context.Context, opts *ResendOptions, st *store.Store, r *store.Request, target string) (relay.Result, error) {
	fw, err := st.AddForward(ctx, r.ID, target, opts.Now())
	if err != nil {
		return relay.Result{}, err
	}
	var named []relay.Target // where a target recorded by name is sent
	if opts.To != nil {
		named = []relay.Target{*opts.To}
	}
	fwd := opts.Forwarding
	rl := relay.New(relay.Config{Client: opts.Client, Targets: named, Timeout: fwd.Timeout, Headers: fwd.Headers,
		ForwardSecret: fwd.Secret, ForwardScheme: fwd.Scheme, Now: opts.Now})
	res := rl.JudgeFinal(r, fw, rl.Send(ctx, r, target))
	if ctx.Err() != nil {
		return relay.Result{}, ctx.Err()
	}
	if err := st.RecordForwardAttempt(context.WithoutCancel(ctx), res.Attempt, res.Forward.State, res.Forward.NextAttemptAt); err != nil {
		return relay.Result{}, err
	}
	return res, nil
}

// resendOutcome gathers the targets that failed, for the closing error.
type resendOutcome struct {
	targets             int
	unreachable, non2xx []string
}

func (o *resendOutcome) add(target string, res relay.Result) {
	switch {
	case res.Response == nil:
		o.unreachable = append(o.unreachable, iostreams.Escape(target))
	case res.Attempt.Status < 200 || res.Attempt.Status > 299:
		o.non2xx = append(o.non2xx, iostreams.Escape(target))
	}
}

// err is the closing error: exit 4 naming the targets that could not be
// reached, else exit 3 naming those that answered outside 2xx.
func (o *resendOutcome) err() error {
	switch {
	case len(o.unreachable) > 0:
		return cmdutil.Exit(cmdutil.ExitUnreachable, fmt.Errorf("%d of %d targets could not be reached: %s", len(o.unreachable), o.targets, strings.Join(o.unreachable, ", ")))
	case len(o.non2xx) > 0:
		return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d targets answered outside 2xx: %s", len(o.non2xx), o.targets, strings.Join(o.non2xx, ", ")))
	}
	return nil
}

func printResend(opts *ResendOptions, res relay.Result) error {
	if opts.Format == "json" {
		return render.JSONLine(opts.IO.Out, render.NewForwardJSON(res))
	}
	_, err := fmt.Fprintln(opts.IO.Out, render.ForwardLine(opts.IO.OutStyles(), opts.IO.IsStdoutTTY(), res))
	return err
}

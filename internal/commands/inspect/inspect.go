// Package inspect holds the inspect command: the inspector's page over the
// history, without receiving.
package inspect

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/inspector"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// Options are the inputs of `inspect`.
type Options struct {
	IO         *iostreams.IOStreams
	Config     func() (*config.Config, error)
	AppVersion string
	History    string
	UIAddr     string
	// UIAddrGiven: a port taken is an error, not a reason to try the next.
	UIAddrGiven bool
	Secrets     []string
	Schemes     []signature.Scheme
	ForwardTo   []relay.Target
	Forwarding  cmdutil.Forwarding
}

// NewCmdInspect builds `inspect`.
func NewCmdInspect(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, AppVersion: f.AppVersion}
	var forwardTo, headers []string
	var timeout time.Duration
	var schemes, forwardScheme *cmdutil.SchemeFlags
	var forwardSecret *cmdutil.ForwardSecretFlags
	cmd := &cobra.Command{
		Use:   "inspect [--history FILE] [--ui-addr ADDR]",
		Short: "Browse, diff and replay the recorded events in a web page",
		Long: `Serve the inspector, the web page that 'listen' serves on 127.0.0.1:4040,
over the history alone, without receiving: browse and search the events,
open one (headers, body, signature verdict, forward attempts), diff two,
replay one to a target or a URL, edited or not, and see the statistics.
Events that a running listen records appear as they arrive (an empty history
is made when there is none yet).

It listens on loopback only: 127.0.0.1:4040, or the first free port after it,
unless --ui-addr says. The page answers only to its own address (a request
naming another host gets 403) and replays only for itself (same origin and the
token of this run). The signature verdicts say what the configured secret (or
--secret) expects; it is never shown. Replays are not recorded.`,
		Example: `  petstore-webhooks inspect
  petstore-webhooks inspect --history ci-history.db --ui-addr 9000
  petstore-webhooks inspect --forward-to 3000`,
		GroupID: cmdutil.GroupEvents,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.History == "" {
				if opts.History, err = cmdutil.DefaultHistoryPath(f.Getenv); err != nil {
					return err
				}
			}
			opts.UIAddrGiven = cmd.Flags().Changed("ui-addr")
			if !opts.UIAddrGiven {
				opts.UIAddr = cmdutil.InspectorAddr
			}
			if opts.UIAddr, err = cmdutil.NormalizeLoopbackAddr("--ui-addr", opts.UIAddr); err != nil {
				return err
			}
			for _, t := range forwardTo {
				target, err := relay.ParseTarget(t)
				if err != nil {
					return &cmdutil.FlagError{Err: err}
				}
				opts.ForwardTo = append(opts.ForwardTo, target)
			}
			if opts.Forwarding, err = cmdutil.CheckForwardFlags(cmd, f.IOStreams, f.Getenv, forwardSecret, forwardScheme, headers, timeout); err != nil {
				return err
			}
			if opts.Schemes, err = schemes.Schemes(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.History, "history", "", "history database (default: history.db in $XDG_STATE_HOME/petstore-webhooks)")
	fl.StringVar(&opts.UIAddr, "ui-addr", "", "serve the page on this loopback HOST:PORT or PORT (default: 127.0.0.1:4040, or the next free port)")
	fl.StringArrayVar(&opts.Secrets, "secret", nil, "the secret the verdicts' expected signatures use (default: the configured webhook secret)")
	fl.StringArrayVar(&forwardTo, "forward-to", nil, "offer this target for replays: a URL, HOST:PORT[/PATH] or PORT[/PATH]; repeatable")
	forwardSecret = cmdutil.AddForwardSecretFlags(cmd, "re-sign replayed bodies with this secret, for an app with its own")
	fl.StringArrayVarP(&headers, "header", "H", nil, `add "Name: value" to replayed requests; repeatable`)
	fl.DurationVar(&timeout, "forward-timeout", 10*time.Second, "how long a target has to answer a replay")
	schemes = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Several: true})
	forwardScheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Prefix: "forward-"})
	_ = cmd.MarkFlagFilename("history")
	return cmd
}

func inspectRun(ctx context.Context, opts *Options) error {
	st, err := store.OpenHistory(opts.History)
	if err != nil {
		return err
	}
	defer st.Close()
	secrets := opts.Secrets
	if len(secrets) == 0 {
		cfg, err := opts.Config()
		if err != nil {
			return err
		}
		if cfg.WebhookSecret != "" {
			secrets = []string{cfg.WebhookSecret}
		}
	}
	fwd := opts.Forwarding
	srv := inspector.New(inspector.Config{History: st, Mode: "inspect", Version: opts.AppVersion, Targets: opts.ForwardTo, Schemes: opts.Schemes, Secrets: secrets,
		Relay: relay.Config{Client: relay.NewClient(), Timeout: fwd.Timeout, Headers: fwd.Headers, ForwardSecret: fwd.Secret, ForwardScheme: fwd.Scheme}})
	ln, err := inspector.Listen(opts.UIAddr, !opts.UIAddrGiven)
	if err != nil {
		return fmt.Errorf("%w: choose another with --ui-addr PORT", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	printReady(opts, "http://"+ln.Addr().String())
	select {
	case <-ctx.Done():
		srv.Close()
		return nil
	case err := <-served:
		return fmt.Errorf("inspector stopped: %w", err)
	}
}

// printReady tells where the page is, on lines that fit the terminal.
func printReady(opts *Options, url string) {
	sty := opts.IO.ErrStyles()
	fmt.Fprintln(opts.IO.ErrOut, render.FitLines(render.StderrWidth(opts.IO), "       ", " · ",
		sty.Success("Ready!")+" Inspector on "+sty.Bold(url), "history "+iostreams.Escape(opts.History), "Ctrl+C to quit"))
}

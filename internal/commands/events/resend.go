package events

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

func newCmdResend(f *cmdutil.Factory, open func() (*store.Store, error)) *cobra.Command {
	var to, format string
	var forwardSecretFlags *cmdutil.ForwardSecretFlags
	var headers []string
	var timeout time.Duration
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
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			scheme, err := forwardScheme.Scheme()
			if err != nil {
				return err
			}
			forwardSecret, err := forwardSecretFlags.Secret(cmd, f.IOStreams, f.Getenv)
			if err != nil {
				return err
			}
			if forwardSecret != "" {
				if err := cmdutil.CheckSecrets([]signature.Scheme{scheme}, []string{forwardSecret}); err != nil {
					return err
				}
			}
			var targets []string
			var named []relay.Target // where a target recorded by name is sent
			if to != "" {
				t, err := relay.ParseTarget(to)
				if err != nil || t.Glob != "" {
					return cmdutil.FlagErrorf("--to %s: want a URL, host:port[/path] or port[/path]", cmdutil.Quote(urlmask.Mask(to)))
				}
				targets, named = []string{t.Name()}, []relay.Target{t}
			}
			hdr, err := cmdutil.ParseHeaders(headers)
			if err != nil {
				return err
			}
			if timeout <= 0 {
				return cmdutil.FlagErrorf("--forward-timeout must be positive, got %s", timeout)
			}
			st, r, err := openRequest(cmd, open, args[0])
			if err != nil {
				return err
			}
			defer st.Close()
			if r.Method != http.MethodPost {
				return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("request %s was a %s answered %d, not an event: there is nothing to resend", args[0], iostreams.Escape(r.Method), r.Status))
			}
			if r.Verification == "rejected" && forwardSecret != "" {
				return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("request %d failed verification (%s): it is not signed again with the forward secret, which would vouch for what nobody signed; resend it without one", r.ID, iostreams.Escape(r.Reason)))
			}
			if r.BodySize > len(r.Body) {
				return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("only the first %d of the %d bytes of request %s's body were kept (it was rejected): it cannot be sent again as it arrived", len(r.Body), r.BodySize, args[0]))
			}
			if targets == nil {
				fwds, _, err := st.Forwards(cmd.Context(), r.ID)
				if err != nil {
					return err
				}
				for _, fw := range fwds {
					if u, err := url.Parse(fw.Target); err == nil && u.User != nil {
						return cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("event %s was forwarded to %s, whose credentials are not kept: say where with --to", args[0], iostreams.Escape(fw.Target)))
					}
					if !contains(targets, fw.Target) {
						targets = append(targets, fw.Target)
					}
				}
			}
			if len(targets) == 0 {
				return cmdutil.FlagErrorf("event %s was never forwarded: say where with --to", args[0])
			}
			rl := relay.New(relay.Config{Store: st, Client: relay.NewClient(), Targets: named, Timeout: timeout, Headers: hdr, ForwardSecret: forwardSecret, ForwardScheme: scheme,
				Now: f.Now})
			var unreachable, non2xx []string // the targets, named for the closing error
			for _, target := range targets {
				fw, err := st.AddForward(cmd.Context(), r.ID, target, f.Now())
				if err != nil {
					return err
				}
				res, err := rl.Once(cmd.Context(), &r, fw, false)
				if err != nil {
					return err
				}
				switch {
				case res.Response == nil:
					unreachable = append(unreachable, iostreams.Escape(target))
				case res.Attempt.Status < 200 || res.Attempt.Status > 299:
					non2xx = append(non2xx, iostreams.Escape(target))
				}
				if err := printResend(f, format, res); err != nil {
					return err
				}
			}
			switch {
			case len(unreachable) > 0:
				return cmdutil.Exit(cmdutil.ExitUnreachable, fmt.Errorf("%d of %d targets could not be reached: %s", len(unreachable), len(targets), strings.Join(unreachable, ", ")))
			case len(non2xx) > 0:
				return cmdutil.Exit(cmdutil.ExitNon2xx, fmt.Errorf("%d of %d targets answered outside 2xx: %s", len(non2xx), len(targets), strings.Join(non2xx, ", ")))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "send here instead: a URL, host:port[/path] or port[/path]")
	forwardSecretFlags = cmdutil.AddForwardSecretFlags(cmd, "re-sign the body with this secret")
	forwardScheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Prefix: "forward-"})
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, `add "Name: value"; repeatable`)
	cmd.Flags().DurationVar(&timeout, "forward-timeout", 10*time.Second, "how long each target has to answer")
	cmdutil.RenamedFlag(cmd, f.IOStreams.ErrOut, "timeout", "forward-timeout")
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

func printResend(f *cmdutil.Factory, format string, res relay.Result) error {
	ios := f.IOStreams
	if format == "json" {
		return render.JSONLine(ios.Out, render.NewForwardJSON(res))
	}
	_, err := fmt.Fprintln(ios.Out, render.ForwardLine(ios.OutStyles(), ios.IsStdoutTTY(), res))
	return err
}

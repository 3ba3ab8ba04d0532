package signing

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// VerifyOptions are verify's inputs.
type VerifyOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time

	File    string
	Header  http.Header // the request's headers, from -H and the flags that name one
	Secrets []string
	Schemes []signature.Scheme
}

// NewCmdVerify builds `verify`.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	var scheme *cmdutil.SchemeFlags
	var headers []string
	var sig, timestamp, id string
	cmd := &cobra.Command{
		Use:     "verify [FILE] (--signature SIG | -H HEADER...)",
		Short:   "Check a signature against a payload",
		GroupID: cmdutil.GroupEvents,
		Long: `Check a signature against FILE's exact bytes (standard input without FILE or
with -; at most 1 MiB). Give the signature header's value with --signature, and
for timestamped schemes the timestamp (and for standard the message id) with
--timestamp and --id; or give the request's headers as they came with -H
('Name: value').

Exits 0 when the signature is valid for one of the secrets, 1 when it is not,
with the reason on stderr: a mismatch, a malformed header, or a timestamp too
old or in the future (see --tolerance).

With several schemes (--scheme github,stripe) and -H, the first scheme whose
header is there decides.`,
		Example: `  petstore-webhooks verify event.json --signature sha256=5f1c...
  petstore-webhooks verify event.json --signature "$SIG" \
    --secret "$NEW" --secret "$OLD"
  petstore-webhooks verify event.json --scheme stripe \
    --signature 't=1700000000,v1=6ffb...'
  petstore-webhooks verify event.json --scheme standard \
    --signature 'v1,g0hM...' --timestamp 1614265330 \
    --id msg_p5jXN8AQM9LWM0D4loKWxJek --tolerance 100000h
  petstore-webhooks verify body.txt --scheme slack,github \
    -H 'X-Slack-Signature: v0=a211...' \
    -H 'X-Slack-Request-Timestamp: 1531420618'`,
		Args: cmdutil.MaxArgs(1, "one FILE, or reads stdin"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if err := checkSecretFlags(opts.Secrets); err != nil {
				return err
			}
			var err error
			if opts.Schemes, err = scheme.Schemes(); err != nil {
				return err
			}
			if opts.Header, err = cmdutil.ParseHeaders(headers); err != nil {
				return err
			}
			fl := cmd.Flags()
			named := fl.Changed("signature") || fl.Changed("timestamp") || fl.Changed("id")
			switch {
			case !fl.Changed("signature") && len(headers) == 0:
				return cmdutil.FlagErrorf("give the signature with --signature, or the request's headers with -H")
			case named && len(opts.Schemes) > 1:
				return cmdutil.FlagErrorf("--signature, --timestamp and --id need one --scheme; with several, give headers with -H")
			}
			names := opts.Schemes[0].Headers()
			for _, f := range []struct{ flag, value, header string }{
				{"signature", sig, names.Signature}, {"timestamp", timestamp, names.Timestamp}, {"id", id, names.ID},
			} {
				if !fl.Changed(f.flag) {
					continue
				}
				if f.header == "" {
					return cmdutil.FlagErrorf("--%s does not go with the %s scheme", f.flag, opts.Schemes[0].Name())
				}
				opts.Header.Set(f.header, f.value)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&sig, "signature", "", "the signature header's value, such as sha256=<hex> or t=...,v1=...")
	cmd.Flags().StringVar(&timestamp, "timestamp", "", "the signed timestamp, Unix seconds, for standard and slack")
	cmd.Flags().StringVar(&id, "id", "", "the message id, for standard")
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, `a request header "Name: value"; repeatable`)
	cmd.Flags().StringArrayVar(&opts.Secrets, "secret", nil, "secret to accept; repeat for rotation (default: the configured webhook secret)")
	scheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{Several: true, Verify: true})
	return cmd
}

func verifyRun(_ context.Context, opts *VerifyOptions) error {
	secrets, err := secretsOrConfigured(opts.Config, opts.Secrets)
	if err != nil {
		return err
	}
	if err := cmdutil.CheckSecrets(opts.Schemes, secrets); err != nil {
		return err
	}
	body, err := cmdutil.ReadInput(opts.IO, opts.File)
	if err != nil {
		return err
	}
	scheme, err := signature.VerifyAny(opts.Schemes, opts.Header, body, secrets, opts.Now())
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, fmt.Errorf("signature is not valid: %w", err))
	}
	_, err = fmt.Fprintf(opts.IO.ErrOut, "%s signature is valid (%s)\n", opts.IO.ErrStyles().Success("✓"), scheme.Name())
	return err
}

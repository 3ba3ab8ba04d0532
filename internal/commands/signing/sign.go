// Package signing holds the sign and verify commands.
package signing

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// SignOptions are sign's inputs.
type SignOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time

	File         string
	Secrets      []string
	Scheme       signature.Scheme
	Timestamp    time.Time // zero: now
	ID           string    // "": the event's id, else one the scheme makes
	PrintHeaders bool
}

// NewCmdSign builds `sign`.
func NewCmdSign(f *cmdutil.Factory, runF func(context.Context, *SignOptions) error) *cobra.Command {
	opts := &SignOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	var scheme *cmdutil.SchemeFlags
	var timestamp string
	cmd := &cobra.Command{
		Use:     "sign [FILE]",
		Short:   "Print the signature of a payload",
		GroupID: cmdutil.GroupEvents,
		Long: `Sign FILE's exact bytes (standard input without FILE or with -; at most
1 MiB) the way --scheme says and print the value of the signature header;
--print-headers prints every header the scheme sends, "Name: value" a line,
which timestamped schemes (standard, slack) need: their signature alone does
not carry the timestamp.

Schemes: petstore (X-Petstore-Signature, the default), github, stripe,
standard (Standard Webhooks and Svix), slack, shopify, and hex (a plain hex
HMAC in --signature-header). Stripe and standard carry one signature per
--secret, for a secret being rolled.`,
		Example: `  petstore-webhooks sign event.json
  printf '%s' '{"id":"1"}' | petstore-webhooks sign --secret whsec_test
  petstore-webhooks sign event.json --scheme stripe --secret whsec_test
  petstore-webhooks sign event.json --scheme standard --print-headers \
    --timestamp 1614265330 --id msg_1

  # send it signed, as a provider would
  curl -H "$(petstore-webhooks sign --print-headers event.json)" \
    -H 'Content-Type: application/json' \
    --data-binary @event.json http://127.0.0.1:8080/webhooks`,
		Args: cmdutil.MaxArgs(1, "one FILE, or reads stdin"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if err := checkSecretFlags(opts.Secrets); err != nil {
				return err
			}
			var err error
			if opts.Scheme, err = scheme.Scheme(); err != nil {
				return err
			}
			if cmd.Flags().Changed("id") && (opts.ID == "" || strings.TrimSpace(opts.ID) != opts.ID || strings.ContainsFunc(opts.ID, unicode.IsControl)) {
				return cmdutil.FlagErrorf("--id %s cannot travel in a header: give one without control characters or surrounding spaces", cmdutil.Quote(opts.ID))
			}
			if cmd.Flags().Changed("timestamp") {
				if opts.Timestamp, err = parseTime(timestamp); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return signRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Secrets, "secret", nil, "secret to sign with; repeat for one signature each where the scheme carries several (default: the configured webhook secret)")
	cmd.Flags().BoolVar(&opts.PrintHeaders, "print-headers", false, `print every header the scheme sends, "Name: value" a line`)
	cmdutil.RenamedFlag(cmd, f.IOStreams.ErrOut, "header", "print-headers")
	cmd.Flags().StringVar(&timestamp, "timestamp", "", "time to sign, Unix seconds or RFC 3339 (default: now), for stripe, standard and slack")
	cmd.Flags().StringVar(&opts.ID, "id", "", "message id to sign, for standard (default: the event's id, else a new one)")
	scheme = cmdutil.AddSchemeFlags(cmd, cmdutil.SchemeFlagsFor{})
	return cmd
}

func signRun(_ context.Context, opts *SignOptions) error {
	secrets, err := secretsOrConfigured(opts.Config, opts.Secrets)
	if err != nil {
		return err
	}
	if err := cmdutil.CheckSecrets([]signature.Scheme{opts.Scheme}, secrets); err != nil {
		return err
	}
	body, err := cmdutil.ReadInput(opts.IO, opts.File)
	if err != nil {
		return err
	}
	p := signature.Payload{Body: body, ID: opts.ID, Timestamp: opts.Timestamp}
	if p.Timestamp.IsZero() {
		p.Timestamp = opts.Now()
	}
	if p.ID == "" {
		if env, err := event.ParseEnvelope(body); err == nil {
			p.ID = env.ID
		}
	}
	h, err := opts.Scheme.Sign(p, secrets...)
	if err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	names := opts.Scheme.Headers()
	if !opts.PrintHeaders {
		_, err = fmt.Fprintln(opts.IO.Out, h.Get(names.Signature))
		return err
	}
	for _, name := range []string{names.ID, names.Timestamp, names.Signature} {
		if name != "" {
			if _, err := fmt.Fprintf(opts.IO.Out, "%s: %s\n", name, h.Get(name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseTime reads --timestamp: Unix seconds or RFC 3339.
func parseTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return time.Unix(n, 0), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, cmdutil.FlagErrorf("--timestamp %s: want Unix seconds or an RFC 3339 time", cmdutil.Quote(s))
}

func checkSecretFlags(secrets []string) error {
	for _, s := range secrets {
		if s == "" {
			return cmdutil.FlagErrorf("--secret must not be empty")
		}
	}
	return nil
}

// secretsOrConfigured returns the flag's secrets, else the configured one.
func secretsOrConfigured(config func() (*config.Config, error), flags []string) ([]string, error) {
	if len(flags) > 0 {
		return flags, nil
	}
	cfg, err := config()
	if err != nil {
		return nil, err
	}
	if cfg.WebhookSecret == "" {
		return nil, cmdutil.ErrNoSecret
	}
	return []string{cfg.WebhookSecret}, nil
}

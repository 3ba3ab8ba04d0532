// Package signing holds the sign and verify commands.
package signing

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// SignOptions are sign's inputs.
type SignOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*cmdutil.Config, error)

	File       string
	Secret     string
	ShowHeader bool
}

// NewCmdSign builds `sign`.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "sign [FILE]",
		Short: "Print the Petstore signature of a payload",
		Long: `Print the X-Petstore-Signature value of FILE's exact bytes (standard input
without FILE or with -): sha256= and the hex HMAC-SHA256 keyed with the secret.`,
		Example: `  petstore-webhooks sign event.json
  printf '%s' '{"id":"1"}' | petstore-webhooks sign --secret whsec_test
  curl -H "$(petstore-webhooks sign --header event.json)" -H 'Content-Type: application/json' \
       --data-binary @event.json http://127.0.0.1:8080/webhooks`,
		Args: cmdutil.MaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if cmd.Flags().Changed("secret") && opts.Secret == "" {
				return cmdutil.FlagErrorf("--secret must not be empty")
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Secret, "secret", "", "secret to sign with (default: the configured webhook secret)")
	cmd.Flags().BoolVar(&opts.ShowHeader, "header", false, "print the whole header line, X-Petstore-Signature: ...")
	return cmd
}

func signRun(opts *SignOptions) error {
	secret, err := configuredSecret(opts.Config, opts.Secret)
	if err != nil {
		return err
	}
	body, err := cmdutil.ReadInput(opts.IO, opts.File)
	if err != nil {
		return err
	}
	h, err := signature.Petstore.Sign(signature.Payload{Body: body}, secret)
	if err != nil {
		return err
	}
	value := h.Get(signature.PetstoreHeader)
	if opts.ShowHeader {
		_, err = fmt.Fprintf(opts.IO.Out, "%s: %s\n", signature.PetstoreHeader, value)
	} else {
		_, err = fmt.Fprintln(opts.IO.Out, value)
	}
	return err
}

// configuredSecret returns the flag's secret, else the configured one.
func configuredSecret(config func() (*cmdutil.Config, error), flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	cfg, err := config()
	if err != nil {
		return "", err
	}
	if cfg.WebhookSecret == "" {
		return "", cmdutil.ErrNoSecret
	}
	return cfg.WebhookSecret, nil
}

package signing

import (
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// VerifyOptions are verify's inputs.
type VerifyOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*cmdutil.Config, error)
	Now    func() time.Time

	File      string
	Signature string
	Secrets   []string
}

// NewCmdVerify builds `verify`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "verify [FILE] --signature VALUE",
		Short: "Check a Petstore signature against a payload",
		Long: `Check an X-Petstore-Signature value against FILE's exact bytes (standard
input without FILE or with -). Exits 0 when the signature is valid for one of
the secrets, 1 when it is not, with the reason on stderr.`,
		Example: `  petstore-webhooks verify event.json --signature sha256=5f1c...
  petstore-webhooks verify event.json --signature "$SIG" --secret "$NEW" --secret "$OLD"`,
		Args: cmdutil.MaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if !cmd.Flags().Changed("signature") {
				return cmdutil.FlagErrorf("--signature is required")
			}
			for _, s := range opts.Secrets {
				if s == "" {
					return cmdutil.FlagErrorf("--secret must not be empty")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Signature, "signature", "", "the X-Petstore-Signature value, sha256=<hex>")
	cmd.Flags().StringArrayVar(&opts.Secrets, "secret", nil, "secret to accept; repeat for rotation (default: the configured webhook secret)")
	return cmd
}

func verifyRun(opts *VerifyOptions) error {
	secrets := opts.Secrets
	if len(secrets) == 0 {
		s, err := configuredSecret(opts.Config, "")
		if err != nil {
			return err
		}
		secrets = []string{s}
	}
	body, err := cmdutil.ReadInput(opts.IO, opts.File)
	if err != nil {
		return err
	}
	h := http.Header{signature.PetstoreHeader: {opts.Signature}}
	if err := signature.Petstore.Verify(h, body, secrets, opts.Now()); err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, fmt.Errorf("signature is not valid: %w", err))
	}
	_, err = fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrStyles().Success("✓"), "signature is valid")
	return err
}

package webhooks

import (
	"context"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// RegisterOptions are register's inputs.
type RegisterOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration

	API    cmdutil.APIFlags
	URL    string
	Events []string
	Secret string
	Format string
}

// NewCmdRegister builds `register`.
func NewCmdRegister(f *cmdutil.Factory, runF func(context.Context, *RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{IO: f.IOStreams}
	opts.Client = apiClient(f, &opts.API)
	var events []string
	var secretFile string
	cmd := &cobra.Command{
		Use:     "register --url URL --events TYPE[,TYPE...]",
		Short:   "Register a webhook with the Petstore API",
		GroupID: cmdutil.GroupWebhooks,
		Long: `Register URL to receive the given event types. The answer shows the webhook's
signing secret: this is the one time it is shown unmasked unless you ask
('get --show-secret').`,
		Example: `  petstore-webhooks register --url https://example.com/hooks \
    --events pet.adopted,order.created

  # to your listen, signed with its secret
  petstore-webhooks register --url http://127.0.0.1:8080/webhooks \
    --events pet.adopted \
    --secret-file <(petstore-webhooks listen --print-secret)

  # the new webhook's id
  petstore-webhooks register --url https://example.com/hooks \
    --events payment.failed --format json | jq -r .id`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if err := checkURL(opts.URL); err != nil {
				return err
			}
			var err error
			if opts.Events, err = parseEvents("--events", events); err != nil {
				return err
			}
			if len(opts.Events) == 0 {
				return cmdutil.FlagErrorf("--events is required: one or more event types, comma-separated")
			}
			if cmd.Flags().Changed("secret") && opts.Secret == "" {
				return cmdutil.FlagErrorf("--secret must not be empty")
			}
			if secretFile != "" {
				if opts.Secret, err = cmdutil.ReadSecretFile(opts.IO, "--secret-file", secretFile); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.URL, "url", "", "the endpoint that will receive events (absolute http or https URL)")
	cmd.Flags().StringSliceVar(&events, "events", nil, "event types to subscribe to, comma-separated")
	cmd.Flags().StringVar(&opts.Secret, "secret", "", "signing secret (default: the API makes one)")
	secretFromFile(cmd, &secretFile)
	_ = cmd.RegisterFlagCompletionFunc("events", completeEventList)
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func registerRun(ctx context.Context, opts *RegisterOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	w, err := c.CreateWebhook(ctx, petstore.CreateWebhook{URL: opts.URL, Events: opts.Events, Secret: opts.Secret})
	if err != nil {
		return cmdutil.APIError(err, "")
	}
	return printWebhook(opts.IO, opts.Format, w, true)
}

func checkURL(raw string) error {
	if raw == "" {
		return cmdutil.FlagErrorf("--url is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cmdutil.FlagErrorf("--url must be an absolute http(s) URL, got %s", cmdutil.Quote(raw))
	}
	return nil
}

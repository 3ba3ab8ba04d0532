package webhooks

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// GetOptions are get's inputs.
type GetOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration

	API        cmdutil.APIFlags
	ID         string
	ShowSecret bool
	Format     string
}

// NewCmdGet builds `get`.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams}
	opts.Client = apiClient(f, &opts.API)
	cmd := &cobra.Command{
		Use:     "get ID",
		Short:   "Show one webhook",
		GroupID: cmdutil.GroupWebhooks,
		Example: `  petstore-webhooks get wh_fYrZzCW9E1WIOyGw
  petstore-webhooks get wh_fYrZzCW9E1WIOyGw --show-secret --format json \
    | jq -r .secret`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = completeIDs(opts.Client)
	cmd.Flags().BoolVar(&opts.ShowSecret, "show-secret", false, "show the signing secret instead of masking it")
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func getRun(ctx context.Context, opts *GetOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	w, err := c.GetWebhook(ctx, opts.ID)
	if err != nil {
		return cmdutil.APIError(err, opts.ID)
	}
	return printWebhook(opts.IO, opts.Format, w, opts.ShowSecret)
}

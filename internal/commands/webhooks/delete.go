package webhooks

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

// DeleteOptions are delete's inputs.
type DeleteOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration

	API    cmdutil.APIFlags
	ID     string
	Yes    bool // delete without asking
	Format string
}

// NewCmdDelete builds `delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams}
	opts.Client = apiClient(f, &opts.API)
	cmd := &cobra.Command{
		Use:     "delete ID",
		Short:   "Delete a webhook",
		GroupID: cmdutil.GroupWebhooks,
		Long: `Delete a webhook. On a terminal it asks first; where it cannot ask (a script,
CI), --yes is required.`,
		Example: `  petstore-webhooks delete wh_fYrZzCW9E1WIOyGw
  petstore-webhooks delete wh_fYrZzCW9E1WIOyGw --yes`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = completeIDs(opts.Client)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	ios, id := opts.IO, opts.ID
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ok, err := cmdutil.Confirm(ios, opts.Yes, "delete", fmt.Sprintf("Delete webhook %s? It stops receiving events.", id))
	if err != nil {
		return err
	}
	if !ok {
		return &cmdutil.DeclinedError{Kept: fmt.Sprintf("Kept %s; nothing deleted.", id)}
	}
	if err := c.DeleteWebhook(ctx, id); err != nil {
		return cmdutil.APIError(err, id)
	}
	if opts.Format == "json" {
		return render.JSONLine(ios.Out, map[string]any{"id": id, "deleted": true})
	}
	fmt.Fprintf(ios.ErrOut, "%s Deleted webhook %s\n", ios.ErrStyles().Success("✓"), id)
	return nil
}

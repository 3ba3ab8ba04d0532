package webhooks

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var api cmdutil.APIFlags
	var yes bool
	var format string
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a webhook",
		Long: `Delete a webhook. On a terminal it asks first; where it cannot ask (a script,
CI), --yes is required.`,
		Example: `  petstore-webhooks delete wh_fYrZzCW9E1WIOyGw
  petstore-webhooks delete wh_fYrZzCW9E1WIOyGw --yes`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			ios := f.IOStreams
			c, err := api.Client(f)
			if err != nil {
				return err
			}
			ok, err := cmdutil.Confirm(ios, yes, "delete", fmt.Sprintf("Delete webhook %s? It stops receiving events.", id))
			if err != nil {
				return err
			}
			if !ok {
				return &cmdutil.DeclinedError{Kept: fmt.Sprintf("Kept %s; nothing deleted.", id)}
			}
			if err := c.DeleteWebhook(cmd.Context(), id); err != nil {
				return cmdutil.APIError(err, id)
			}
			if format == "json" {
				return render.JSONLine(ios.Out, map[string]any{"id": id, "deleted": true})
			}
			fmt.Fprintf(ios.ErrOut, "%s Deleted webhook %s\n", ios.ErrStyles().Success("✓"), id)
			return nil
		},
	}
	cmd.ValidArgsFunction = completeIDs(f, &api)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

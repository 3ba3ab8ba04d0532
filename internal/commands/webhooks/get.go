package webhooks

import (
	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
)

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	var api cmdutil.APIFlags
	var format string
	var showSecret bool
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Show one webhook",
		Example: `  petstore-webhooks get wh_fYrZzCW9E1WIOyGw
  petstore-webhooks get wh_fYrZzCW9E1WIOyGw --show-secret --format json \
    | jq -r .secret`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			c, err := api.Client(f)
			if err != nil {
				return err
			}
			w, err := c.GetWebhook(cmd.Context(), args[0])
			if err != nil {
				return cmdutil.APIError(err, args[0])
			}
			return printWebhook(f, format, w, showSecret)
		},
	}
	cmd.ValidArgsFunction = completeIDs(f, &api)
	cmd.Flags().BoolVar(&showSecret, "show-secret", false, "show the signing secret instead of masking it")
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

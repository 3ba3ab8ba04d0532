package webhooks

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

func newCmdDeliveries(f *cmdutil.Factory) *cobra.Command {
	var api cmdutil.APIFlags
	var format string
	cmd := &cobra.Command{
		Use:   "deliveries ID",
		Short: "List a webhook's delivery attempts (emulator)",
		Long: `List every attempt to deliver an event to the webhook, oldest first: event,
attempt number, time, response status, latency and error. The emulator serves
this; the public Petstore API does not.`,
		Example: `  petstore-webhooks deliveries wh_fYrZzCW9E1WIOyGw
  petstore-webhooks deliveries wh_fYrZzCW9E1WIOyGw --format json | jq 'map(select(.status != 200)) | length'`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			c, err := api.Client(f)
			if err != nil {
				return err
			}
			list, err := c.Deliveries(cmd.Context(), args[0])
			if err != nil {
				return cmdutil.APIError(err, args[0])
			}
			for i := range list {
				list[i].URL = urlmask.Mask(list[i].URL)
			}
			ios := f.IOStreams
			if format == "json" {
				if list == nil {
					list = []petstore.Delivery{}
				}
				return render.JSONLine(ios.Out, list)
			}
			st := ios.OutStyles()
			t := render.NewTable(ios.Out, ios.IsStdoutTTY(), "TIME", "EVENT ID", "TYPE", "ATTEMPT", "STATUS", "LATENCY", "ERROR")
			for _, d := range list {
				d = escapeDelivery(d)
				status := fmt.Sprint(d.Status)
				if d.Status == 0 {
					status = "-"
				}
				if ios.IsStdoutTTY() {
					status = st.Status(d.Status, status)
				}
				t.Row(d.AttemptedAt.UTC().Format(time.RFC3339), d.EventID, d.EventType, fmt.Sprint(d.Attempt), status,
					fmt.Sprintf("%.1fms", d.LatencyMs), d.Error)
			}
			return t.Render()
		},
	}
	cmd.ValidArgsFunction = completeIDs(f, &api)
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

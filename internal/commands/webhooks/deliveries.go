package webhooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
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
  # how many attempts were not answered 200
  petstore-webhooks deliveries wh_fYrZzCW9E1WIOyGw --format json \
    | jq 'map(select(.status != 200)) | length'`,
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
			if ios.IsStdoutTTY() {
				return deliveriesTable(f, args[0], list).Render()
			}
			t := render.NewTable(ios)
			st := ios.OutStyles()
			for _, d := range list {
				d = escapeDelivery(d)
				status := render.Cell{Text: fmt.Sprint(d.Status), Style: func(s string) string { return st.Status(d.Status, s) }}
				if d.Status == 0 {
					status.Text = "-"
				}
				t.StyledRow(render.Cell{Text: d.AttemptedAt.UTC().Format(time.RFC3339)}, render.Cell{Text: d.EventID}, render.Cell{Text: d.EventType},
					render.Cell{Text: fmt.Sprint(d.Attempt)}, status, render.Cell{Text: fmt.Sprintf("%.1fms", d.LatencyMs)}, render.Cell{Text: d.Error})
			}
			return t.Render()
		},
	}
	cmd.ValidArgsFunction = completeIDs(f, &api)
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

// deliveriesTable is the table a terminal shows: short times and event
// ids, and the answer or error last, where it may be cut to fit.
func deliveriesTable(f *cmdutil.Factory, id string, list []petstore.Delivery) *render.Table {
	st := f.IOStreams.OutStyles()
	t := render.NewTable(f.IOStreams, "TIME", "EVENT ID", "TYPE", "ATTEMPT", "LATENCY", "RESULT")
	t.Empty(fmt.Sprintf("No delivery attempts to %s yet.", iostreams.Escape(id)))
	t.Elide(5, render.ElideEnd)
	for _, d := range list {
		shortID := render.ShortID(d.EventID)
		d = escapeDelivery(d)
		result := render.Cell{Text: fmt.Sprintf("%d %s", d.Status, http.StatusText(d.Status))}
		switch {
		case d.Error != "" && d.Status != 0:
			result.Text = fmt.Sprintf("%d: %s", d.Status, d.Error)
		case d.Error != "":
			result = render.Cell{Text: "error: " + d.Error, Elide: render.ElideStart} // the cause comes last
		}
		status := d.Status
		result.Style = func(s string) string { return st.Status(status, s) }
		latency := render.Latency(time.Duration(d.LatencyMs * float64(time.Millisecond)))
		t.StyledRow(render.Cell{Text: render.TableTime(d.AttemptedAt, f.Now())}, render.Cell{Text: shortID},
			render.Cell{Text: d.EventType}, render.Cell{Text: fmt.Sprint(d.Attempt)}, render.Cell{Text: latency},
			result)
	}
	return t
}

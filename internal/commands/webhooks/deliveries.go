package webhooks

import (
	"context"
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

// DeliveriesOptions are deliveries' inputs.
type DeliveriesOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration
	Now    func() time.Time

	API    cmdutil.APIFlags
	ID     string
	Format string
}

// NewCmdDeliveries builds `deliveries`.
func NewCmdDeliveries(f *cmdutil.Factory, runF func(context.Context, *DeliveriesOptions) error) *cobra.Command {
	opts := &DeliveriesOptions{IO: f.IOStreams, Now: f.Now}
	opts.Client = apiClient(f, &opts.API)
	cmd := &cobra.Command{
		Use:     "deliveries ID",
		Short:   "List a webhook's delivery attempts (emulator)",
		GroupID: cmdutil.GroupWebhooks,
		Long: `List every attempt to deliver an event to the webhook, oldest first: event,
attempt number, time, response status, latency and error. The emulator serves
this; the public Petstore API does not.`,
		Example: `  petstore-webhooks deliveries wh_fYrZzCW9E1WIOyGw
  # how many attempts were not answered 200
  petstore-webhooks deliveries wh_fYrZzCW9E1WIOyGw --format json \
    | jq 'map(select(.status != 200)) | length'`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deliveriesRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = completeIDs(opts.Client)
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func deliveriesRun(ctx context.Context, opts *DeliveriesOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	list, err := c.Deliveries(ctx, opts.ID)
	if err != nil {
		return cmdutil.APIError(err, opts.ID)
	}
	for i := range list {
		list[i].URL = urlmask.Mask(list[i].URL)
	}
	ios := opts.IO
	if opts.Format == "json" {
		if list == nil {
			list = []petstore.Delivery{}
		}
		return render.JSONLine(ios.Out, list)
	}
	if ios.IsStdoutTTY() {
		return deliveriesTable(ios, opts.Now(), opts.ID, list).Render()
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
}

// deliveriesTable is the table a terminal shows: short times and event
// ids, and the answer or error last, where it may be cut to fit.
func deliveriesTable(ios *iostreams.IOStreams, now time.Time, id string, list []petstore.Delivery) *render.Table {
	st := ios.OutStyles()
	t := render.NewTable(ios, "TIME", "EVENT ID", "TYPE", "ATTEMPT", "LATENCY", "RESULT")
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
		t.StyledRow(render.Cell{Text: render.TableTime(d.AttemptedAt, now)}, render.Cell{Text: shortID},
			render.Cell{Text: d.EventType}, render.Cell{Text: fmt.Sprint(d.Attempt)}, render.Cell{Text: latency},
			result)
	}
	return t
}

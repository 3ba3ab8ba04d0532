package webhooks

import (
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

func newCmdTest(f *cmdutil.Factory) *cobra.Command {
	var api cmdutil.APIFlags
	var format, eventType string
	cmd := &cobra.Command{
		Use:   "test ID [--event TYPE]",
		Short: "Ask the API to send a test event to a webhook",
		Long: `Ask the Petstore API to send one test event to the webhook and show how the
delivery went. Without --event, the webhook's first event type is sent.

Exit status: 0 for a 2xx answer, 3 for another answer, 4 when the API could not
reach the endpoint.`,
		Example: `  petstore-webhooks test wh_fYrZzCW9E1WIOyGw
  petstore-webhooks test wh_fYrZzCW9E1WIOyGw --event order.created --format json`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			if eventType != "" {
				if _, err := parseEvents("--event", []string{eventType}); err != nil {
					return err
				}
			}
			c, err := api.Client(f)
			if err != nil {
				return err
			}
			if eventType == "" {
				w, err := c.GetWebhook(cmd.Context(), id)
				if err != nil {
					return cmdutil.APIError(err, id)
				}
				if len(w.Events) == 0 {
					return cmdutil.FlagErrorf("webhook %s has no event types: pass --event", id)
				}
				eventType = w.Events[0]
			}
			d, err := c.TestWebhook(cmd.Context(), id, petstore.SendEvent{EventType: eventType})
			if err != nil {
				return cmdutil.APIError(err, id)
			}
			if err := printTestDelivery(f, format, d); err != nil {
				return err
			}
			switch {
			case d.Status == 0:
				return cmdutil.Exit(cmdutil.ExitUnreachable, nil)
			case !d.OK():
				return cmdutil.Exit(cmdutil.ExitNon2xx, nil)
			}
			return nil
		},
	}
	cmd.ValidArgsFunction = completeIDs(f, &api)
	cmd.Flags().StringVar(&eventType, "event", "", "event type to send (default: the webhook's first)")
	_ = cmd.RegisterFlagCompletionFunc("event", completeEventList)
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

func printTestDelivery(f *cmdutil.Factory, format string, d petstore.Delivery) error {
	d.URL = urlmask.Mask(d.URL)
	ios := f.IOStreams
	if format == "json" {
		return render.JSONLine(ios.Out, d)
	}
	st := ios.OutStyles()
	shortID := render.ShortID(d.EventID)
	d = escapeDelivery(d)
	target := d.URL
	if target == "" {
		target = "the webhook"
	}
	terminal := ios.IsStdoutTTY()
	if terminal {
		// The whole id and URL are piped and in --format json.
		d.EventID = shortID
		target = render.Fit(target, render.TerminalWidth-3, render.ElideEnd) // its line: an indent, the URL and a colon
	}
	var line string
	switch {
	case d.OK():
		line = fmt.Sprintf("%s Delivered %s %s to %s: %s in %.1fms", st.Success("✓"), st.EventType(d.EventType), d.EventID, target,
			st.Success(fmt.Sprintf("%d %s", d.Status, http.StatusText(d.Status))), d.LatencyMs)
	case d.Status == 0:
		line = fmt.Sprintf("%s Could not deliver %s %s to %s: %s (retried on the schedule)", st.Failure("✗"), st.EventType(d.EventType), d.EventID, target, d.Error)
	default:
		answer := fmt.Sprintf("%d %s", d.Status, http.StatusText(d.Status))
		if d.Error != "" {
			answer += ": " + d.Error
		}
		line = fmt.Sprintf("%s %s %s to %s was answered %s in %.1fms (retried on the schedule)", st.Failure("✗"), st.EventType(d.EventType), d.EventID, target,
			st.Failure(answer), d.LatencyMs)
	}
	if terminal {
		line = render.Wrap(render.TerminalWidth, "  ", line)
	}
	_, err := fmt.Fprintln(ios.Out, line)
	return err
}

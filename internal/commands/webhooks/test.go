package webhooks

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// TestOptions are test's inputs.
type TestOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration

	API       cmdutil.APIFlags
	ID        string
	EventType string // "": the webhook's first
	Format    string
}

// NewCmdTest builds `test`.
func NewCmdTest(f *cmdutil.Factory, runF func(context.Context, *TestOptions) error) *cobra.Command {
	opts := &TestOptions{IO: f.IOStreams}
	opts.Client = apiClient(f, &opts.API)
	cmd := &cobra.Command{
		Use:     "test ID [--event TYPE]",
		Short:   "Ask the API to send a test event to a webhook",
		GroupID: cmdutil.GroupWebhooks,
		Long: `Ask the Petstore API to send one test event to the webhook and show how the
delivery went. Without --event, the webhook's first event type is sent.

Exit status: 0 for a 2xx answer, 3 for another answer, 4 when the API could not
reach the endpoint.`,
		Example: `  petstore-webhooks test wh_fYrZzCW9E1WIOyGw
  petstore-webhooks test wh_fYrZzCW9E1WIOyGw --event order.created --format json`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if opts.EventType != "" {
				if _, err := parseEvents("--event", []string{opts.EventType}); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return testRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = completeIDs(opts.Client)
	cmd.Flags().StringVar(&opts.EventType, "event", "", "event type to send (default: the webhook's first)")
	_ = cmd.RegisterFlagCompletionFunc("event", completeEventList)
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func testRun(ctx context.Context, opts *TestOptions) error {
	id, eventType := opts.ID, opts.EventType
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if eventType == "" {
		w, err := c.GetWebhook(ctx, id)
		if err != nil {
			return cmdutil.APIError(err, id)
		}
		if len(w.Events) == 0 {
			return cmdutil.FlagErrorf("webhook %s has no event types: pass --event", id)
		}
		eventType = w.Events[0]
	}
	d, err := c.TestWebhook(ctx, id, petstore.SendEvent{EventType: eventType})
	if err != nil {
		return cmdutil.APIError(err, id)
	}
	if err := printTestDelivery(opts.IO, opts.Format, d); err != nil {
		return err
	}
	switch {
	case d.Status == 0:
		return cmdutil.Exit(cmdutil.ExitUnreachable, nil)
	case !d.OK():
		return cmdutil.Exit(cmdutil.ExitNon2xx, nil)
	}
	return nil
}

func printTestDelivery(ios *iostreams.IOStreams, format string, d petstore.Delivery) error {
	d.URL = urlmask.Mask(d.URL)
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

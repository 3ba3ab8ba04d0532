package webhooks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// ListOptions are list's inputs.
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration
	Now    func() time.Time

	API    cmdutil.APIFlags
	Limit  int
	Format string
}

// NewCmdList builds `list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Now: f.Now}
	opts.Client = apiClient(f, &opts.API)
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the registered webhooks",
		GroupID: cmdutil.GroupWebhooks,
		Long: fmt.Sprintf(`List every registered webhook, following the API's pages to the end (or to
--limit). Secrets are masked. An API that names more than %d pages, %d
webhooks or %d MiB fails the command with exit 8.`, petstore.MaxListPages, petstore.MaxListWebhooks, petstore.MaxListBytes>>20),
		Example: `  petstore-webhooks list
  # the ids of the disabled webhooks
  petstore-webhooks list --format json \
    | jq -r '.[] | select(.status == "disabled") | .id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", opts.Limit)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "show at most this many (0: all)")
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	hooks, err := c.ListWebhooks(ctx, opts.Limit)
	if err != nil {
		return cmdutil.APIError(err, "")
	}
	for i := range hooks {
		hooks[i].Secret = cmdutil.Mask(hooks[i].Secret)
		hooks[i].URL = urlmask.Mask(hooks[i].URL)
	}
	ios := opts.IO
	if opts.Format == "json" {
		if hooks == nil {
			return render.JSONLine(ios.Out, []any{})
		}
		return render.JSONLine(ios.Out, hooks)
	}
	terminal, st := ios.IsStdoutTTY(), ios.OutStyles()
	t := render.NewTable(ios, "ID", "URL", "EVENTS", "STATUS", "CREATED")
	t.Empty("No webhooks registered. Add one with 'petstore-webhooks register'.")
	t.Elide(2, render.ElideEnd) // the events first: `get` shows them all
	t.Elide(1, render.ElideEnd)
	for _, h := range hooks {
		h = escapeWebhook(h)
		created := h.CreatedAt.UTC().Format(time.RFC3339)
		if terminal {
			created = render.TableTime(h.CreatedAt, opts.Now())
		}
		t.StyledRow(render.Cell{Text: h.ID}, render.Cell{Text: h.URL}, render.Cell{Text: strings.Join(h.Events, ",")},
			render.Cell{Text: h.Status, Style: statusStyle(st, h.Status)}, render.Cell{Text: created})
	}
	return t.Render()
}

package webhooks

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var api cmdutil.APIFlags
	var format string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the registered webhooks",
		Long: fmt.Sprintf(`List every registered webhook, following the API's pages to the end (or to
--limit). Secrets are masked. An API that names more than %d pages, %d
webhooks or %d MiB fails the command with exit 8.`, petstore.MaxListPages, petstore.MaxListWebhooks, petstore.MaxListBytes>>20),
		Example: `  petstore-webhooks list
  # the ids of the disabled webhooks
  petstore-webhooks list --format json \
    | jq -r '.[] | select(.status == "disabled") | .id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			if limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", limit)
			}
			c, err := api.Client(f)
			if err != nil {
				return err
			}
			hooks, err := c.ListWebhooks(cmd.Context(), limit)
			if err != nil {
				return cmdutil.APIError(err, "")
			}
			for i := range hooks {
				hooks[i].Secret = cmdutil.Mask(hooks[i].Secret)
				hooks[i].URL = urlmask.Mask(hooks[i].URL)
			}
			ios := f.IOStreams
			if format == "json" {
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
					created = render.TableTime(h.CreatedAt, f.Now())
				}
				t.StyledRow(render.Cell{Text: h.ID}, render.Cell{Text: h.URL}, render.Cell{Text: strings.Join(h.Events, ",")},
					render.Cell{Text: h.Status, Style: statusStyle(st, h.Status)}, render.Cell{Text: created})
			}
			return t.Render()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 0, "show at most this many (0: all)")
	api.Register(cmd)
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

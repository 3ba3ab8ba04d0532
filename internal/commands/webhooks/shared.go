// Package webhooks holds the commands that manage webhook registrations:
// register, list, get, update, delete, test and deliveries.
package webhooks

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// NewCmds returns the webhook management commands.
func NewCmds(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{
		NewCmdRegister(f, nil), NewCmdList(f, nil), NewCmdGet(f, nil), NewCmdUpdate(f, nil),
		NewCmdDelete(f, nil), NewCmdTest(f, nil), NewCmdDeliveries(f, nil),
	}
}

// knownEventTypes are the event types the Petstore API publishes.
func knownEventTypes() []string {
	set, _ := fixtures.Load("") // the bundled set always loads
	return set.Types()
}

// parseEvents splits comma-separated event types and checks each one.
func parseEvents(flag string, values []string) ([]string, error) {
	known := knownEventTypes()
	var out []string
	for _, v := range values {
		for _, e := range strings.Split(v, ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if !slices.Contains(known, e) {
				ue := cmdutil.UnknownEventTypeError(e, known)
				ue.Err = fmt.Errorf("%s: %w", flag, ue.Err)
				return nil, ue
			}
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// printWebhook shows one webhook as KEY VALUE rows, or as JSON.
func printWebhook(ios *iostreams.IOStreams, format string, w petstore.Webhook, showSecret bool) error {
	if !showSecret {
		w.Secret = cmdutil.Mask(w.Secret)
	}
	w.URL = urlmask.Mask(w.URL)
	if format == "json" {
		return render.JSONLine(ios.Out, w)
	}
	st := ios.OutStyles()
	w = escapeWebhook(w)
	rows := []struct {
		key    string
		values []string // a list, wrapped at its commas on a terminal
		style  func(string) string
	}{
		{"ID", []string{w.ID}, nil},
		{"URL", []string{w.URL}, nil},
		{"Events", w.Events, nil},
		{"Status", []string{w.Status}, statusStyle(st, w.Status)},
		{"Secret", []string{w.Secret}, nil},
		{"Created", []string{w.CreatedAt.UTC().Format(time.RFC3339)}, nil},
	}
	if !ios.IsStdoutTTY() {
		t := render.NewTable(ios)
		for _, r := range rows {
			t.StyledRow(render.Cell{Text: r.key, Style: st.Bold}, render.Cell{Text: strings.Join(r.values, ", "), Style: r.style})
		}
		return t.Render()
	}
	// One webhook: every value whole. A list wraps under the value column;
	// a value too wide for that column (a long URL) takes a line of its own.
	const keyColumn = len("Created") + 2
	valueWidth := render.TerminalWidth - keyColumn
	var b strings.Builder
	for _, r := range rows {
		parts := slices.Clone(r.values)
		for i := range len(parts) - 1 {
			parts[i] += ","
		}
		value := render.FitLines(valueWidth, "", " ", parts...)
		if r.style != nil {
			value = r.style(value)
		}
		b.WriteString(st.Bold(r.key))
		if len(parts) == 1 && iostreams.Width(parts[0]) > valueWidth {
			b.WriteString("\n" + value + "\n")
			continue
		}
		pad := strings.Repeat(" ", keyColumn)
		b.WriteString(strings.TrimRight(pad[len(r.key):]+strings.ReplaceAll(value, "\n", "\n"+pad), " ") + "\n")
	}
	_, err := io.WriteString(ios.Out, b.String())
	return err
}

// escapeWebhook escapes what the API said, for people.
func escapeWebhook(w petstore.Webhook) petstore.Webhook {
	w.ID, w.URL, w.Status, w.Secret = iostreams.Escape(w.ID), iostreams.Escape(w.URL), iostreams.Escape(w.Status), iostreams.Escape(w.Secret)
	events := make([]string, len(w.Events))
	for i, e := range w.Events {
		events[i] = iostreams.Escape(e)
	}
	w.Events = events
	return w
}

// escapeDelivery escapes what the API said, for people.
func escapeDelivery(d petstore.Delivery) petstore.Delivery {
	d.EventID, d.EventType, d.Error, d.URL = iostreams.Escape(d.EventID), iostreams.Escape(d.EventType), iostreams.Escape(d.Error), iostreams.Escape(d.URL)
	return d
}

// statusStyle colours a webhook's status: active green, else yellow.
func statusStyle(st *iostreams.Styles, status string) func(string) string {
	if status == petstore.StatusActive {
		return st.Success
	}
	return st.Warning
}

// completeIDs offers the webhooks' ids when the API answers within 3 seconds.
func completeIDs(client func() (*petstore.Client, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c, err := client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		hooks, err := c.ListWebhooks(ctx, 0)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, h := range hooks {
			if c, ok := cmdutil.Completion(h.ID, urlmask.Mask(h.URL)); ok {
				out = append(out, c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeEventList completes comma-separated event types.
func completeEventList(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []cobra.Completion
	for _, e := range knownEventTypes() {
		out = append(out, prefix+e)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// idArgs wants the one webhook id that get, update, delete, test and deliveries take.
func idArgs(cmd *cobra.Command, args []string) error {
	if len(args) != 1 || args[0] == "" {
		return cmdutil.FlagErrorf("%s needs a webhook id (see 'petstore-webhooks list')", cmd.CommandPath())
	}
	return nil
}

// apiClient is the client that api's flags, over the configuration, make.
func apiClient(f *cmdutil.Factory, api *cmdutil.APIFlags) func() (*petstore.Client, error) {
	return func() (*petstore.Client, error) { return api.Client(f) }
}

// secretFromFile registers --secret-file beside --secret, so that a secret
// need not show in the process list.
func secretFromFile(cmd *cobra.Command, file *string) {
	cmd.Flags().StringVar(file, "secret-file", "", `read the signing secret from FILE ("-": standard input) instead of --secret, which shows in ps`)
	cmd.MarkFlagsMutuallyExclusive("secret", "secret-file")
}

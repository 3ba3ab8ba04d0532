package events

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

var states = []string{"delivered", "pending", "failed", "rejected", "received"}

// summaryJSON is a history entry as `events list --format json` prints it.
type summaryJSON struct {
	Number     int64  `json:"number"`
	ReceivedAt string `json:"receivedAt"`
	EventID    string `json:"eventId"`
	EventType  string `json:"eventType"`
	Status     int    `json:"status"`
	State      string `json:"state"`
	Forwards   int    `json:"forwards"`
}

func newCmdList(f *cmdutil.Factory, open func() (*store.Store, error)) *cobra.Command {
	var events, since, status, format string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List recorded events, newest first",
		Long: `List recorded requests, newest first. STATE is rejected (answered other than
200), pending or failed (a forward is), delivered (every forward is), or
received (nothing to forward).`,
		Example: `  petstore-webhooks events list
  petstore-webhooks events list --events 'order.*' --since 2h --status failed \
    --format json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			types, err := event.ParseTypeFilter(events)
			if err != nil {
				return cmdutil.FlagErrorf("--events: %w", err)
			}
			cmdutil.WarnUnmatchedTypes(f.IOStreams.ErrOut, "--events", types, cmdutil.KnownEventTypes(f))
			if status != "" && !slices.Contains(states, status) {
				return cmdutil.FlagErrorf("--status must be one of %v, got %s", states, cmdutil.Quote(status))
			}
			if limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", limit)
			}
			from, err := parseSince(since, f.Now())
			if err != nil {
				return err
			}
			st, err := open()
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := st.ListRequests(cmd.Context(), store.RequestFilter{Types: types, Since: from, Status: status, Limit: limit})
			if err != nil {
				return err
			}
			ios := f.IOStreams
			if format == "json" {
				out := []summaryJSON{}
				for _, r := range rows {
					out = append(out, summaryJSON{r.ID, r.ReceivedAt.UTC().Format(time.RFC3339Nano), r.EventID, r.EventType, r.Status, r.State, r.Forwards})
				}
				return render.JSONLine(ios.Out, out)
			}
			sty := ios.OutStyles()
			if !ios.IsStdoutTTY() {
				t := render.NewTable(ios)
				for _, r := range rows {
					t.StyledRow(render.Cell{Text: fmt.Sprint(r.ID)}, render.Cell{Text: r.ReceivedAt.Local().Format("2006-01-02 15:04:05")},
						render.Cell{Text: render.OrDash(iostreams.Escape(r.EventID))}, render.Cell{Text: render.OrDash(iostreams.Escape(r.EventType))},
						statusCell(sty, r.Status), render.Cell{Text: r.State, Style: stateStyle(sty, r.State)}, render.Cell{Text: fmt.Sprint(r.Forwards)})
				}
				return t.Render()
			}
			t := render.NewTable(ios, "#", "RECEIVED", "EVENT ID", "TYPE", "ANSWER", "STATE", "FORWARDS")
			t.Elide(3, render.ElideEnd)
			where := iostreams.Escape(historyPath(cmd, f))
			if events != "" || since != "" || status != "" {
				t.Empty(render.FitLines(render.TerminalWidth, "", " ", "No", "events", "in", where, "match", "these", "filters."))
			} else {
				t.Empty(render.FitLines(render.TerminalWidth, "", " ", "No", "events", "recorded", "in", where+"."))
			}
			for _, r := range rows {
				t.StyledRow(render.Cell{Text: fmt.Sprint(r.ID)}, render.Cell{Text: render.TableTime(r.ReceivedAt, f.Now())},
					render.Cell{Text: render.OrDash(render.ShortID(r.EventID))}, render.Cell{Text: render.OrDash(iostreams.Escape(r.EventType)), Style: sty.EventType},
					statusCell(sty, r.Status),
					render.Cell{Text: r.State, Style: stateStyle(sty, r.State)}, render.Cell{Text: fmt.Sprint(r.Forwards)})
			}
			return t.Render()
		},
	}
	cmd.Flags().StringVar(&events, "events", "", "only these event types: comma-separated globs such as 'pet.*,order.created', as listen --events")
	cmdutil.RenamedFlag(cmd, f.IOStreams.ErrOut, "type", "events")
	cmd.Flags().StringVar(&since, "since", "", "only events since a duration ago (30m, 2h, 7d) or a time (2025-01-06, RFC 3339)")
	cmd.Flags().StringVar(&status, "status", "", "only events in this state: delivered, pending, failed, rejected or received")
	cmd.Flags().IntVar(&limit, "limit", 50, "show at most this many (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(states, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

// statusCell is the status a request was answered, coloured by its class.
func statusCell(st *iostreams.Styles, status int) render.Cell {
	return render.Cell{Text: fmt.Sprint(status), Style: func(s string) string { return st.Status(status, s) }}
}

// stateStyle colours a history entry's state.
func stateStyle(st *iostreams.Styles, state string) func(string) string {
	switch state {
	case store.Delivered:
		return st.Success
	case store.Failed, "rejected":
		return st.Failure
	case store.Pending:
		return st.Warning
	}
	return nil
}

package events

import (
	"context"
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

// ListOptions are the inputs of `events list`.
type ListOptions struct {
	IO       *iostreams.IOStreams
	Now      func() time.Time
	History  string // the history's file
	Filter   store.RequestFilter
	Filtered bool // --events, --since or --status was given: an empty table says nothing matches
	Format   string
}

// NewCmdList builds `events list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Now: f.Now}
	var events, since string
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
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			var err error
			if opts.Filter.Types, err = event.ParseTypeFilter(events); err != nil {
				return cmdutil.FlagErrorf("--events: %w", err)
			}
			cmdutil.WarnUnmatchedTypes(f.IOStreams.ErrOut, "--events", opts.Filter.Types, cmdutil.KnownEventTypes(f))
			if status := opts.Filter.Status; status != "" && !slices.Contains(states, status) {
				return cmdutil.FlagErrorf("--status must be one of %v, got %s", states, cmdutil.Quote(status))
			}
			if opts.Filter.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", opts.Filter.Limit)
			}
			if opts.Filter.Since, err = parseSince(since, f.Now()); err != nil {
				return err
			}
			opts.Filtered = events != "" || since != "" || opts.Filter.Status != ""
			if opts.History, err = historyFile(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&events, "events", "", "only these event types: comma-separated globs such as 'pet.*,order.created', as listen --events")
	cmdutil.RenamedFlag(cmd, f.IOStreams.ErrOut, "type", "events")
	cmd.Flags().StringVar(&since, "since", "", "only events since a duration ago (30m, 2h, 7d) or a time (2025-01-06, RFC 3339)")
	cmd.Flags().StringVar(&opts.Filter.Status, "status", "", "only events in this state: delivered, pending, failed, rejected or received")
	cmd.Flags().IntVar(&opts.Filter.Limit, "limit", 50, "show at most this many (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(states, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	st, err := openHistory(opts.History)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.ListRequests(ctx, opts.Filter)
	if err != nil {
		return err
	}
	switch {
	case opts.Format == "json":
		out := []summaryJSON{}
		for _, r := range rows {
			out = append(out, summaryJSON{r.ID, r.ReceivedAt.UTC().Format(time.RFC3339Nano), r.EventID, r.EventType, r.Status, r.State, r.Forwards})
		}
		return render.JSONLine(opts.IO.Out, out)
	case !opts.IO.IsStdoutTTY():
		return printListPiped(opts.IO, rows)
	}
	return printListTable(opts, rows)
}

// printListPiped prints the rows tab-separated, every value whole.
func printListPiped(ios *iostreams.IOStreams, rows []store.RequestSummary) error {
	sty := ios.OutStyles()
	t := render.NewTable(ios)
	for _, r := range rows {
		t.StyledRow(render.Cell{Text: fmt.Sprint(r.ID)}, render.Cell{Text: r.ReceivedAt.Local().Format("2006-01-02 15:04:05")},
			render.Cell{Text: render.OrDash(iostreams.Escape(r.EventID))}, render.Cell{Text: render.OrDash(iostreams.Escape(r.EventType))},
			statusCell(sty, r.Status), render.Cell{Text: r.State, Style: stateStyle(sty, r.State)}, render.Cell{Text: fmt.Sprint(r.Forwards)})
	}
	return t.Render()
}

// printListTable prints the rows as a terminal's table, which says so when
// there are none.
func printListTable(opts *ListOptions, rows []store.RequestSummary) error {
	sty := opts.IO.OutStyles()
	t := render.NewTable(opts.IO, "#", "RECEIVED", "EVENT ID", "TYPE", "ANSWER", "STATE", "FORWARDS")
	t.Elide(3, render.ElideEnd)
	where := iostreams.Escape(opts.History)
	if opts.Filtered {
		t.Empty(render.FitLines(render.TerminalWidth, "", " ", "No", "events", "in", where, "match", "these", "filters."))
	} else {
		t.Empty(render.FitLines(render.TerminalWidth, "", " ", "No", "events", "recorded", "in", where+"."))
	}
	now := opts.Now()
	for _, r := range rows {
		t.StyledRow(render.Cell{Text: fmt.Sprint(r.ID)}, render.Cell{Text: render.TableTime(r.ReceivedAt, now)},
			render.Cell{Text: render.OrDash(render.ShortID(r.EventID))}, render.Cell{Text: render.OrDash(iostreams.Escape(r.EventType)), Style: sty.EventType},
			statusCell(sty, r.Status),
			render.Cell{Text: r.State, Style: stateStyle(sty, r.State)}, render.Cell{Text: fmt.Sprint(r.Forwards)})
	}
	return t.Render()
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

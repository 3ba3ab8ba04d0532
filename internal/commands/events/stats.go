package events

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// StatsOptions are the inputs of `events stats`.
type StatsOptions struct {
	IO      *iostreams.IOStreams
	Now     func() time.Time
	History string    // the history's file
	Since   time.Time // the requests received since then count
	Format  string
}

// NewCmdStats builds `events stats`.
func NewCmdStats(f *cmdutil.Factory, runF func(context.Context, *StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{IO: f.IOStreams, Now: f.Now}
	var since string
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count events by verdict, and deliveries by target",
		Long: `Count the requests received since --since: verified, unverified (listen
--skip-verify), rejected (by reason) and duplicates; for each forward target,
its forwards delivered, failed and pending, the delivery rate (delivered of
those finished) and the latency of its answers (p50, p95, p99, in ms); and
the events received in each minute of the last hour. A forward and its
attempts count with the request they carry.`,
		Example: `  petstore-webhooks events stats
  petstore-webhooks events stats --since 1h --format json | jq '.targets[]'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			var err error
			if opts.Since, err = parseSince(since, f.Now()); err != nil {
				return err
			}
			if opts.History, err = historyFile(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&since, "since", "24h", "count the events since a duration ago (30m, 2h, 7d) or a time (2025-01-06, RFC 3339)")
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func statsRun(ctx context.Context, opts *StatsOptions) error {
	st, err := openHistory(opts.History)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := st.Stats(ctx, opts.Since, opts.Now())
	if err != nil {
		return err
	}
	switch {
	case opts.Format == "json":
		return render.JSONLine(opts.IO.Out, stats)
	case !opts.IO.IsStdoutTTY():
		return printStatsPiped(opts.IO, stats)
	}
	return printStats(opts.IO, stats)
}

// printStatsPiped prints one tab-separated row per figure, named by its
// first field: received, verified, unverified, rejected, duplicates, then
// reason (count, reason), target (name, forwards, delivered, failed,
// pending, rate, p50, p95, p99) and minute (time, count) rows.
func printStatsPiped(ios *iostreams.IOStreams, s store.HistoryStats) error {
	sty := ios.OutStyles()
	t := render.NewTable(ios)
	t.Row("since", s.Since.Local().Format("2006-01-02 15:04:05"))
	for _, c := range []struct {
		name  string
		n     int
		style func(string) string
	}{{"received", s.Received, nil}, {"verified", s.Verified, sty.Success}, {"unverified", s.Unverified, sty.Warning},
		{"rejected", s.Rejected, sty.Failure}, {"duplicates", s.Duplicates, nil}} {
		t.StyledRow(render.Cell{Text: c.name, Style: c.style}, render.Cell{Text: strconv.Itoa(c.n)})
	}
	for _, r := range s.RejectedByReason {
		t.Row("reason", strconv.Itoa(r.Count), iostreams.Escape(r.Reason))
	}
	for _, tg := range s.Targets {
		rate := "-"
		if tg.Delivered+tg.Failed > 0 {
			rate = strconv.FormatFloat(tg.DeliveryRate, 'f', 3, 64)
		}
		p50, p95, p99 := latencies(tg)
		t.StyledRow(render.Cell{Text: "target"}, render.Cell{Text: iostreams.Escape(tg.Target)}, render.Cell{Text: strconv.Itoa(tg.Forwards)},
			render.Cell{Text: strconv.Itoa(tg.Delivered), Style: sty.Success}, render.Cell{Text: strconv.Itoa(tg.Failed), Style: failedStyle(sty, tg.Failed)},
			render.Cell{Text: strconv.Itoa(tg.Pending)}, render.Cell{Text: rate}, render.Cell{Text: p50}, render.Cell{Text: p95}, render.Cell{Text: p99})
	}
	for _, m := range s.PerMinute {
		t.Row("minute", m.Minute.Local().Format("2006-01-02 15:04"), strconv.Itoa(m.Count))
	}
	return t.Render()
}

// printStats shows the figures to a person at a terminal, within
// render.TerminalWidth: a summary, the reasons for rejections, a table of
// the targets and a line of the events per minute.
func printStats(ios *iostreams.IOStreams, s store.HistoryStats) error {
	sty := ios.OutStyles()
	var b strings.Builder
	since := "Since the history began"
	if !s.Since.IsZero() {
		since = "Since " + s.Since.Local().Format("2006-01-02 15:04:05")
	}
	b.WriteString(sty.Bold(since) + "\n")
	b.WriteString(render.FitLines(render.TerminalWidth, "", " · ",
		fmt.Sprintf("%d received", s.Received), count(s.Verified, "verified", sty.Success),
		count(s.Unverified, "unverified", sty.Warning), count(s.Rejected, "rejected", sty.Failure),
		fmt.Sprintf("%d duplicates", s.Duplicates)) + "\n")
	if _, err := fmt.Fprint(ios.Out, b.String()); err != nil {
		return err
	}

	if len(s.RejectedByReason) > 0 {
		fmt.Fprintf(ios.Out, "\n%s\n", sty.Bold("Rejected, by reason"))
		t := render.NewTable(ios, "COUNT", "REASON")
		t.Elide(1, render.ElideEnd)
		for _, r := range s.RejectedByReason {
			t.Row(strconv.Itoa(r.Count), iostreams.Escape(r.Reason))
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	if len(s.Targets) > 0 {
		fmt.Fprintf(ios.Out, "\n%s\n", sty.Bold("Forwards, by target (latency of the answers in ms)"))
		t := render.NewTable(ios, "TARGET", "FORWARDS", "DELIVERED", "FAILED", "PENDING", "RATE", "P50", "P95", "P99")
		t.Elide(0, render.ElideEnd)
		for _, tg := range s.Targets {
			rate := "-"
			if tg.Delivered+tg.Failed > 0 {
				rate = strconv.FormatFloat(100*tg.DeliveryRate, 'f', 1, 64) + "%"
			}
			p50, p95, p99 := latencies(tg)
			t.StyledRow(render.Cell{Text: iostreams.Escape(tg.Target)}, render.Cell{Text: strconv.Itoa(tg.Forwards)},
				render.Cell{Text: strconv.Itoa(tg.Delivered), Style: sty.Success}, render.Cell{Text: strconv.Itoa(tg.Failed), Style: failedStyle(sty, tg.Failed)},
				render.Cell{Text: strconv.Itoa(tg.Pending)}, render.Cell{Text: rate}, render.Cell{Text: p50}, render.Cell{Text: p95}, render.Cell{Text: p99})
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	most := 0
	for _, m := range s.PerMinute {
		most = max(most, m.Count)
	}
	fmt.Fprintf(ios.Out, "\n%s\n", sty.Bold(fmt.Sprintf("Events per minute, last hour (most: %d)", most)))
	_, err := fmt.Fprintln(ios.Out, sparkline(s.PerMinute, most))
	if err == nil && len(s.PerMinute) > 0 {
		first, last := s.PerMinute[0].Minute.Local().Format("15:04"), s.PerMinute[len(s.PerMinute)-1].Minute.Local().Format("15:04")
		_, err = fmt.Fprintln(ios.Out, sty.Faint(first+strings.Repeat(" ", max(len(s.PerMinute)-len(first)-len(last), 1))+last))
	}
	return err
}

// sparkline is a block a minute, as tall as its count is of most: the
// lowest for none, the tallest for most.
func sparkline(minutes []store.MinuteCount, most int) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	line := make([]rune, len(minutes))
	for i, m := range minutes {
		line[i] = blocks[0]
		if m.Count > 0 {
			// 1 .. most onto the seven blocks above the lowest
			line[i] = blocks[1+(m.Count*(len(blocks)-1)-1)/most]
		}
	}
	return string(line)
}

// latencies are a target's p50, p95 and p99 in ms, or dashes when it never
// answered.
func latencies(tg store.TargetStats) (p50, p95, p99 string) {
	if tg.Answered == 0 {
		return "-", "-", "-"
	}
	return ms(tg.LatencyMs.P50), ms(tg.LatencyMs.P95), ms(tg.LatencyMs.P99)
}

// ms is a latency in milliseconds: to a tenth under a second, else whole.
func ms(v float64) string {
	if v < 1000 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// count is "n what", in style unless n is 0.
func count(n int, what string, style func(string) string) string {
	text := strconv.Itoa(n) + " " + what
	if n == 0 {
		return text
	}
	return style(text)
}

func failedStyle(sty *iostreams.Styles, failed int) func(string) string {
	if failed > 0 {
		return sty.Failure
	}
	return nil
}

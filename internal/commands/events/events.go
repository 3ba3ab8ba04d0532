// Package events holds the events commands: the history that `listen` keeps.
package events

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// NewCmdEvents builds `events` and its subcommands. It does no work of its
// own: it holds --history, which every subcommand reads.
func NewCmdEvents(f *cmdutil.Factory) *cobra.Command {
	return newCmdEvents(NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdStats(f, nil), NewCmdResend(f, nil), NewCmdPrune(f, nil))
}

func newCmdEvents(subcommands ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events <command>",
		Short: "Look at, resend and prune the history that listen keeps",
		Long: `Every request that reaches 'listen' and every forward attempt is recorded in
its history database, $XDG_STATE_HOME/petstore-webhooks/history.db unless
--history names another. An event is named by its event id, by the end of it
that listen and events list print (…3d882a24), or by its request number (the #
column of 'events list').`,
		Example: `  petstore-webhooks events list --since 1h --status failed
  petstore-webhooks events show 019b4132-70aa-764f-b315-e2803d882a24
  petstore-webhooks events stats --since 1h
  petstore-webhooks events resend 42 --to 3000
  petstore-webhooks events prune --older-than 24h`,
		Args:    cmdutil.NoArgs,
		GroupID: cmdutil.GroupEvents,
	}
	cmd.PersistentFlags().String("history", "", "history database (default: history.db in $XDG_STATE_HOME/petstore-webhooks)")
	cmd.AddCommand(subcommands...)
	return cmd
}

// historyFile is the history a subcommand reads: --history (a flag of
// `events`), else the default file.
func historyFile(cmd *cobra.Command, getenv func(string) string) (string, error) {
	if fl := cmd.Flag("history"); fl != nil && fl.Value.String() != "" {
		return fl.Value.String(), nil
	}
	return cmdutil.DefaultHistoryPath(getenv)
}

// openHistory opens an existing history; it does not make an empty one.
// It is where every events command opens the history.
func openHistory(path string) (*store.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no history at %s: 'petstore-webhooks listen' records one (or pass --history)", path)
	}
	return store.OpenHistory(path)
}

// openRequest opens the history and looks an event up by id or request
// number; the caller closes the store.
func openRequest(ctx context.Context, history, ref string) (*store.Store, store.Request, error) {
	st, err := openHistory(history)
	if err != nil {
		return nil, store.Request{}, err
	}
	r, err := st.FindRequest(ctx, ref)
	var amb *store.AmbiguousError
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = cmdutil.Exit(cmdutil.ExitNotFound, fmt.Errorf("no event %s in the history: give an event id, its end, or the number in the # column of 'petstore-webhooks events list'", cmdutil.Quote(ref)))
	case errors.As(err, &amb):
		err = cmdutil.Exit(cmdutil.ExitUsage, fmt.Errorf("%w: give more of the id, or the number in the # column of 'petstore-webhooks events list'", amb))
	}
	if err != nil {
		st.Close()
		return nil, r, err
	}
	return st, r, nil
}

// parseSince reads a duration back from now (1h, 30m) or a time (RFC 3339 or YYYY-MM-DD).
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		// a canonical number of days, at most about 100 years
		if days, err := strconv.Atoi(n); err == nil && days >= 0 && days <= 36600 && strconv.Itoa(days) == n {
			return now.AddDate(0, 0, -days), nil
		}
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, cmdutil.FlagErrorf("--since %s: want a duration such as 30m, 2h or 7d, or a time such as 2025-01-06 or 2025-01-06T12:00:00Z", cmdutil.Quote(s))
}

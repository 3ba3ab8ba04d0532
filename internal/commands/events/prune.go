package events

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// PruneOptions are the inputs of `events prune`.
type PruneOptions struct {
	IO      *iostreams.IOStreams
	History string    // the history's file
	Before  time.Time // requests received before this go
	Yes     bool      // delete without asking
}

// NewCmdPrune builds `events prune`.
func NewCmdPrune(f *cmdutil.Factory, runF func(context.Context, *PruneOptions) error) *cobra.Command {
	opts := &PruneOptions{IO: f.IOStreams}
	var olderThan string
	cmd := &cobra.Command{
		Use:   "prune --older-than DURATION",
		Short: "Delete recorded events older than a duration",
		Long: `Delete recorded requests older than the duration, with their forwards and
attempts. Requests with a forward still pending are kept. On a terminal it
asks first; where it cannot ask (a script, CI), --yes is required.`,
		Example: "  petstore-webhooks events prune --older-than 24h\n  petstore-webhooks events prune --older-than 7d --yes",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if olderThan == "" {
				return cmdutil.FlagErrorf("--older-than is required, such as 24h or 7d")
			}
			var err error
			if opts.Before, err = parseSince(olderThan, f.Now()); err != nil {
				return cmdutil.FlagErrorf("--older-than %s: want a duration such as 30m, 24h or 7d", cmdutil.Quote(olderThan))
			}
			if opts.History, err = historyFile(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pruneRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "", "age past which to delete: 30m, 24h, 7d ...")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func pruneRun(ctx context.Context, opts *PruneOptions) error {
	st, err := openHistory(opts.History)
	if err != nil {
		return err
	}
	defer st.Close()
	before := opts.Before.Local().Format("2006-01-02 15:04:05")
	ok, err := cmdutil.Confirm(opts.IO, opts.Yes, "prune", fmt.Sprintf("Delete the requests received before %s (those with a forward pending stay)?", before))
	if err != nil {
		return err
	}
	if !ok {
		return &cmdutil.DeclinedError{Kept: "Kept every request; nothing pruned."}
	}
	n, err := st.PruneRequests(ctx, opts.Before)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Pruned %d request(s) received before %s\n", n, before)
	return nil
}

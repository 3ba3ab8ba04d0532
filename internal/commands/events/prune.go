package events

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func newCmdPrune(f *cmdutil.Factory, open func() (*store.Store, error)) *cobra.Command {
	var olderThan string
	var yes bool
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
			cutoff, err := parseSince(olderThan, f.Now())
			if err != nil {
				return cmdutil.FlagErrorf("--older-than %s: want a duration such as 30m, 24h or 7d", cmdutil.Quote(olderThan))
			}
			st, err := open()
			if err != nil {
				return err
			}
			defer st.Close()
			ok, err := cmdutil.Confirm(f.IOStreams, yes, "prune", fmt.Sprintf("Delete the requests received before %s (those with a forward pending stay)?", cutoff.Local().Format("2006-01-02 15:04:05")))
			if err != nil {
				return err
			}
			if !ok {
				return &cmdutil.DeclinedError{Kept: "Kept every request; nothing pruned."}
			}
			n, err := st.PruneRequests(cmd.Context(), cutoff)
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "Pruned %d request(s) received before %s\n", n, cutoff.Local().Format("2006-01-02 15:04:05"))
			return nil
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "", "age past which to delete: 30m, 24h, 7d ...")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}

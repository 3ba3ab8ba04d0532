package webhooks

import (
	"context"

	"github.com/spf13/cobra"
	"slices"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// UpdateOptions are update's inputs: nil fields are left as they are.
type UpdateOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*petstore.Client, error) // from API over the configuration

	API          cmdutil.APIFlags
	ID           string
	URL          *string
	Events       []string
	AddEvents    []string
	RemoveEvents []string
	Status       *string
	Secret       *string
	Format       string
}

// NewCmdUpdate builds `update`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams}
	opts.Client = apiClient(f, &opts.API)
	var url, status, secret, secretFile string
	var events, add, remove []string
	cmd := &cobra.Command{
		Use:     "update ID",
		Short:   "Change a webhook",
		GroupID: cmdutil.GroupWebhooks,
		Long: `Change a webhook's URL, events, status or secret: give at least one of --url,
--events, --add-event, --remove-event, --status and --secret. Only what the
flags name is sent; --add-event and --remove-event change the current list.`,
		Example: `  petstore-webhooks update wh_fYrZzCW9E1WIOyGw --status disabled
  petstore-webhooks update wh_fYrZzCW9E1WIOyGw --add-event payment.failed \
    --remove-event pet.adopted
  petstore-webhooks update wh_fYrZzCW9E1WIOyGw \
    --url https://example.com/new-hooks`,
		Args: idArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			fl := cmd.Flags()
			if fl.Changed("url") {
				if err := checkURL(url); err != nil {
					return err
				}
				opts.URL = &url
			}
			if fl.Changed("status") {
				if status != petstore.StatusActive && status != petstore.StatusDisabled {
					return cmdutil.FlagErrorf("--status must be active or disabled, got %s", cmdutil.Quote(status))
				}
				opts.Status = &status
			}
			if fl.Changed("secret") {
				if secret == "" {
					return cmdutil.FlagErrorf("--secret must not be empty")
				}
				opts.Secret = &secret
			}
			if secretFile != "" {
				s, err := cmdutil.ReadSecretFile(opts.IO, "--secret-file", secretFile)
				if err != nil {
					return err
				}
				opts.Secret = &s
			}
			var err error
			if opts.Events, err = parseEvents("--events", events); err != nil {
				return err
			}
			if fl.Changed("events") && len(opts.Events) == 0 {
				return cmdutil.FlagErrorf("--events needs at least one event type")
			}
			if opts.AddEvents, err = parseEvents("--add-event", add); err != nil {
				return err
			}
			if opts.RemoveEvents, err = parseEvents("--remove-event", remove); err != nil {
				return err
			}
			if len(opts.Events) > 0 && len(opts.AddEvents)+len(opts.RemoveEvents) > 0 {
				return cmdutil.FlagErrorf("--events replaces the list: it does not go with --add-event or --remove-event")
			}
			if opts.URL == nil && opts.Status == nil && opts.Secret == nil && len(opts.Events)+len(opts.AddEvents)+len(opts.RemoveEvents) == 0 {
				return cmdutil.FlagErrorf("nothing to change: give --url, --events, --add-event, --remove-event, --status or --secret")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = completeIDs(opts.Client)
	fl := cmd.Flags()
	fl.StringVar(&url, "url", "", "new endpoint URL")
	fl.StringSliceVar(&events, "events", nil, "replace the event types, comma-separated")
	fl.StringSliceVar(&add, "add-event", nil, "subscribe to more event types")
	fl.StringSliceVar(&remove, "remove-event", nil, "unsubscribe from event types")
	fl.StringVar(&status, "status", "", "active or disabled")
	fl.StringVar(&secret, "secret", "", "new signing secret")
	secretFromFile(cmd, &secretFile)
	for _, name := range []string{"events", "add-event", "remove-event"} {
		_ = cmd.RegisterFlagCompletionFunc(name, completeEventList)
	}
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{petstore.StatusActive, petstore.StatusDisabled}, cobra.ShellCompDirectiveNoFileComp))
	opts.API.Register(cmd)
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	patch := petstore.UpdateWebhook{URL: opts.URL, Status: opts.Status, Secret: opts.Secret}
	if len(opts.Events) > 0 {
		patch.Events = &opts.Events
	}
	if len(opts.AddEvents)+len(opts.RemoveEvents) > 0 {
		current, err := c.GetWebhook(ctx, opts.ID)
		if err != nil {
			return cmdutil.APIError(err, opts.ID)
		}
		events := editEvents(current.Events, opts.AddEvents, opts.RemoveEvents)
		if len(events) == 0 {
			return cmdutil.FlagErrorf("that would leave %s with no events: delete it instead, or set --status disabled", opts.ID)
		}
		patch.Events = &events
	}
	w, err := c.UpdateWebhook(ctx, opts.ID, patch)
	if err != nil {
		return cmdutil.APIError(err, opts.ID)
	}
	return printWebhook(opts.IO, opts.Format, w, false)
}

// editEvents adds and removes event types, keeping the order.
func editEvents(current, add, remove []string) []string {
	var out []string
	for _, e := range append(append([]string{}, current...), add...) {
		if !slices.Contains(remove, e) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

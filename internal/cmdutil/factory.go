package cmdutil

import (
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// Factory hands commands their dependencies, built when first asked for.
type Factory struct {
	AppVersion string
	IOStreams  *iostreams.IOStreams
	Getenv     func(string) string
	Now        func() time.Time
	HTTPClient func() *http.Client
	Config     func() (*config.Config, error)
	Fixtures   func() (*fixtures.Set, error)
}

// UserAgent names this program in outgoing requests.
func (f *Factory) UserAgent() string { return "petstore-webhooks/" + f.AppVersion }

// NoArgs rejects positional arguments as a usage error; for a command that
// has subcommands, the argument is an unknown one.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 && cmd.HasAvailableSubCommands() {
		return UnknownCommandError(cmd, args[0])
	}
	if len(args) > 0 {
		return FlagErrorf("%s takes no arguments, got %s", cmd.CommandPath(), Quote(args[0]))
	}
	return nil
}

// MaxArgs allows at most n positional arguments; takes says what they are
// ("one FILE, or reads stdin") for the error.
func MaxArgs(n int, takes string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return FlagErrorf("%s takes %s; got %d arguments", cmd.Name(), takes, len(args))
		}
		return nil
	}
}

// ExactArgs wants exactly n positional arguments, named in the error.
func ExactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return FlagErrorf("%s needs %s", cmd.CommandPath(), names)
		}
		return nil
	}
}

// FormatFlag registers --format human|json on cmd.
func FormatFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVar(target, "format", "human", "output format: human or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"human", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

// CheckFormat validates a --format value.
func CheckFormat(format string) error {
	if format != "human" && format != "json" {
		return FlagErrorf("invalid --format %s: want human or json", Quote(format))
	}
	return nil
}

// Timestamp formats a time for human output.
func Timestamp(t time.Time) string { return t.Local().Format("15:04:05") }

// The headings the root's help sorts commands under; each command sets its
// GroupID where it is built.
const (
	GroupEvents   = "events"   // Receive and send events
	GroupWebhooks = "webhooks" // Manage webhooks (Petstore API or emulator)
)

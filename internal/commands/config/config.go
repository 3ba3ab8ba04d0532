// Package configcmd holds the config command: read and change settings.
package configcmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// NewCmdConfig builds `config` and its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Show and change configuration",
		Long: `Show and change the configuration file, config.yaml under
$XDG_CONFIG_HOME/petstore-webhooks/ unless --config names another.

A flag wins over an environment variable, which wins over the file, which wins
over the default. The file is written with mode 0600.`,
		Example: `  petstore-webhooks config list
  petstore-webhooks config set api_base http://127.0.0.1:4010/v1
  petstore-webhooks config get webhook_secret`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdGet(f, nil),
		NewCmdSet(f, nil),
		NewCmdUnset(f, nil),
		NewCmdPath(f, nil),
	)
	return cmd
}

// lookup is the setting of key, or a usage error naming them all.
func lookup(key string) (config.Setting, error) {
	if s, ok := config.Lookup(key); ok {
		return s, nil
	}
	return config.Setting{}, cmdutil.FlagErrorf("unknown config key %s (known: %s)", cmdutil.Quote(key), strings.Join(config.Keys(), ", "))
}

func completeKeys(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var keys []cobra.Completion
	for _, s := range config.Settings {
		keys = append(keys, cobra.CompletionWithDesc(s.Key, s.Help))
	}
	return keys, cobra.ShellCompDirectiveNoFileComp
}

// Package config holds the config command: read and change settings.
package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
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
	cmd.AddCommand(newCmdList(f), newCmdGet(f), newCmdSet(f), newCmdUnset(f), newCmdPath(f))
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var reveal bool
	var format string
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List every setting, its value and where it comes from",
		Example: "  petstore-webhooks config list\n  petstore-webhooks config list --reveal --format json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(format); err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			type row struct {
				Key    string `json:"key"`
				Value  string `json:"value"`
				Source string `json:"source"`
			}
			var rows []row
			for _, s := range cmdutil.Settings {
				v, src := cfg.Value(s)
				switch {
				case reveal:
				case s.Secret:
					v = cmdutil.Mask(v)
				case s.Key == "api_base":
					v = urlmask.Mask(v)
				}
				rows = append(rows, row{s.Key, v, src})
			}
			ios := f.IOStreams
			if format == "json" {
				return render.JSONLine(ios.Out, rows)
			}
			t := render.NewTable(ios, "KEY", "VALUE", "SOURCE")
			t.Elide(1, render.ElideEnd)
			faint := ios.OutStyles().Faint
			for _, r := range rows {
				if r.Source == "" {
					// Piped, the value stays empty: a script reads no value as one.
					unset := ""
					if ios.IsStdoutTTY() {
						unset = "(not set)"
					}
					t.StyledRow(render.Cell{Text: r.Key}, render.Cell{Text: unset, Style: faint}, render.Cell{Text: "unset", Style: faint})
					continue
				}
				t.Row(r.Key, iostreams.Escape(r.Value), iostreams.Escape(r.Source))
			}
			return t.Render()
		},
	}
	cmd.Flags().BoolVar(&reveal, "reveal", false, "show secrets and the credentials in api_base instead of masking them")
	cmdutil.FormatFlag(cmd, &format)
	return cmd
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print the value of a setting (secrets included)",
		Example:           "  petstore-webhooks config get api_base",
		Args:              cmdutil.ExactArgs(1, "a key"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, cfg, err := settingAndConfig(f, args[0])
			if err != nil {
				return err
			}
			v, _ := cfg.Value(s)
			if v == "" {
				return fmt.Errorf("%s is not set", s.Key)
			}
			_, err = fmt.Fprintln(f.IOStreams.Out, v)
			return err
		},
	}
}

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Save a setting in the config file",
		Long: `Save a setting in the config file. A VALUE of - is read from standard
input (its first line), so that a secret stays out of the process list.`,
		Example: `  petstore-webhooks config set api_base http://127.0.0.1:4010/v1
  petstore-webhooks listen --print-secret \
    | petstore-webhooks config set webhook_secret -`,
		Args:              cmdutil.ExactArgs(2, "a key and a value"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, cfg, err := settingAndConfig(f, args[0])
			if err != nil {
				return err
			}
			value := args[1]
			if value == "-" {
				if value, err = cmdutil.ReadSecretFile(f.IOStreams, "the value", "-"); err != nil {
					return err
				}
			}
			if err := validate(s.Key, value); err != nil {
				return err
			}
			if err := cfg.SetInFile(s.Key, value); err != nil {
				return err
			}
			if v := f.Getenv(s.Env); v != "" {
				fmt.Fprintf(f.IOStreams.ErrOut, "note: %s is set in the environment and wins over the file\n", s.Env)
			}
			return nil
		},
	}
}

func newCmdUnset(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the config file",
		Example:           "  petstore-webhooks config unset fixtures_dir",
		Args:              cmdutil.ExactArgs(1, "a key"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, cfg, err := settingAndConfig(f, args[0])
			if err != nil {
				return err
			}
			return cfg.UnsetInFile(s.Key)
		},
	}
}

func newCmdPath(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: "  petstore-webhooks config path",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.IOStreams.Out, cfg.Path)
			return err
		},
	}
}

// settingAndConfig looks up a key and loads the configuration.
func settingAndConfig(f *cmdutil.Factory, key string) (cmdutil.Setting, *cmdutil.Config, error) {
	s, err := cmdutil.LookupSetting(key)
	if err != nil {
		return s, nil, err
	}
	cfg, err := f.Config()
	return s, cfg, err
}

// maxValue bounds a setting's value: a URL, a path or a secret.
const maxValue = 2048

func validate(key, value string) error {
	if value == "" {
		return cmdutil.FlagErrorf("the value must not be empty: use `config unset %s` to remove it", key)
	}
	if len(value) > maxValue || strings.ContainsFunc(value, unicode.IsControl) {
		return cmdutil.FlagErrorf("%s must be one line of at most %d characters without control characters", key, maxValue)
	}
	switch key {
	case "api_base":
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || !validPort(u.Port()) {
			return cmdutil.FlagErrorf("api_base must be an absolute http(s) URL, got %s", cmdutil.Quote(urlmask.Mask(value)))
		}
	case "listen_addr":
		addr, err := cmdutil.NormalizeListenAddr("listen_addr", value)
		if err != nil {
			return err
		}
		if _, port, _ := net.SplitHostPort(addr); port == "0" {
			return cmdutil.FlagErrorf("listen_addr %s: port 0 is a new port each run, where trigger could not find listen: choose one", cmdutil.Quote(value))
		}
	}
	return nil
}

// validPort reports an absent port or one from 1 to 65535.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == port
}

func completeKeys(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var keys []cobra.Completion
	for _, s := range cmdutil.Settings {
		keys = append(keys, cobra.CompletionWithDesc(s.Key, s.Help))
	}
	return keys, cobra.ShellCompDirectiveNoFileComp
}

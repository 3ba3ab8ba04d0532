package configcmd

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// SetOptions are set's inputs.
type SetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Setting config.Setting
	Value   string // checked, and read from stdin when given as -
}

// NewCmdSet builds `config set`.
func NewCmdSet(f *cmdutil.Factory, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, Config: f.Config}
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
			var err error
			if opts.Setting, err = lookup(args[0]); err != nil {
				return err
			}
			opts.Value = args[1]
			if opts.Value == "-" {
				if opts.Value, err = cmdutil.ReadSecretFile(opts.IO, "the value", "-"); err != nil {
					return err
				}
			}
			if err := validate(opts.Setting.Key, opts.Value); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
}

func setRun(_ context.Context, opts *SetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if err := cfg.SetInFile(opts.Setting.Key, opts.Value); err != nil {
		return err
	}
	if _, source := cfg.Value(opts.Setting); source == config.SourceEnv {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s is set in the environment and wins over the file\n", opts.Setting.Env)
	}
	return nil
}

// UnsetOptions are unset's inputs.
type UnsetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Setting config.Setting
}

// NewCmdUnset builds `config unset`.
func NewCmdUnset(f *cmdutil.Factory, runF func(context.Context, *UnsetOptions) error) *cobra.Command {
	opts := &UnsetOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the config file",
		Example:           "  petstore-webhooks config unset fixtures_dir",
		Args:              cmdutil.ExactArgs(1, "a key"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Setting, err = lookup(args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unsetRun(cmd.Context(), opts)
		},
	}
}

func unsetRun(_ context.Context, opts *UnsetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	return cfg.UnsetInFile(opts.Setting.Key)
}

// maxValue bounds a setting's value: a URL, a path or a secret.
const maxValue = 2048

// validate refuses, as a usage error, a value every later command would
// trip over.
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

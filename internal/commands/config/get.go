package configcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// GetOptions are get's inputs.
type GetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Setting config.Setting
}

// NewCmdGet builds `config get`.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print the value of a setting (secrets included)",
		Example:           "  petstore-webhooks config get api_base",
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
			return getRun(cmd.Context(), opts)
		},
	}
}

func getRun(_ context.Context, opts *GetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	v, _ := cfg.Value(opts.Setting)
	if v == "" {
		return fmt.Errorf("%s is not set", opts.Setting.Key)
	}
	_, err = fmt.Fprintln(opts.IO.Out, v)
	return err
}

// PathOptions are path's inputs.
type PathOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
}

// NewCmdPath builds `config path`.
func NewCmdPath(f *cmdutil.Factory, runF func(context.Context, *PathOptions) error) *cobra.Command {
	opts := &PathOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: "  petstore-webhooks config path",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pathRun(cmd.Context(), opts)
		},
	}
}

func pathRun(_ context.Context, opts *PathOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, cfg.Path)
	return err
}

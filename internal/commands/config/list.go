package configcmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// ListOptions are list's inputs.
type ListOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Reveal bool   // show secrets and api_base's credentials
	Format string // human or json
}

// NewCmdList builds `config list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List every setting, its value and where it comes from",
		Example: "  petstore-webhooks config list\n  petstore-webhooks config list --reveal --format json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Reveal, "reveal", false, "show secrets and the credentials in api_base instead of masking them")
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

type listRow struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

func listRun(_ context.Context, opts *ListOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	var rows []listRow
	for _, s := range config.Settings {
		v, src := cfg.Value(s)
		switch {
		case opts.Reveal:
		case s.Secret:
			v = cmdutil.Mask(v)
		case s.Key == "api_base":
			v = urlmask.Mask(v)
		}
		rows = append(rows, listRow{s.Key, v, src})
	}
	ios := opts.IO
	if opts.Format == "json" {
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
}

// Package cli builds the command tree and runs it: the only place that turns
// errors into exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	configcmd "github.com/petstoreapi/petstore-webhooks/internal/commands/config"
	emulatorcmd "github.com/petstoreapi/petstore-webhooks/internal/commands/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/events"
	fixturescmd "github.com/petstoreapi/petstore-webhooks/internal/commands/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/inspect"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/listen"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/signing"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/trigger"
	"github.com/petstoreapi/petstore-webhooks/internal/commands/webhooks"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

// Set through -ldflags "-X github.com/petstoreapi/petstore-webhooks/internal/cli.version=1.2.3"
// by a release (.goreleaser.yaml); without it, versionString reads the build
// information Go records.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// Main runs the program and returns its exit code.
func Main() cmdutil.ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal asks the command to stop; a second one ends the
	// process at once, even in a read that cannot see ctx (a FIFO, a terminal).
	context.AfterFunc(ctx, stop)
	loader := config.NewLoader()
	f := newFactory(loader)
	root := NewCmdRoot(f, loader)
	root.SetArgs(os.Args[1:])
	cmd, err := root.ExecuteContextC(ctx)
	return reportError(f.IOStreams, cmd, err)
}

// reportError prints err as one line on stderr (for a usage error, then its
// hint and where to read the usage) and returns its exit code.
func reportError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) cmdutil.ExitCode {
	if err == nil {
		return cmdutil.ExitOK
	}
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) && isCobraUsageError(err) {
		err = &cmdutil.FlagError{Err: err}
	}
	code := cmdutil.CodeOf(err)
	var ee *cmdutil.ExitError
	switch {
	case errors.Is(err, cmdutil.ErrSilent), errors.As(err, &ee) && ee.Err == nil:
	case errors.Is(err, cmdutil.ErrCancel):
		fmt.Fprintln(ios.ErrOut, "interrupted")
	case errors.As(err, new(*cmdutil.DeclinedError)):
		fmt.Fprintln(ios.ErrOut, iostreams.Escape(oneLine(err.Error())))
	default:
		// One line, which a terminal gets wrapped between words.
		fmt.Fprintln(ios.ErrOut, render.Wrap(render.StderrWidth(ios), "  ",
			ios.ErrStyles().Failure("Error:")+" "+iostreams.Escape(oneLine(err.Error()))))
	}
	if errors.As(err, &fe) {
		if fe.Hint != "" {
			fmt.Fprintln(ios.ErrOut, iostreams.Escape(oneLine(fe.Hint)))
		}
		if cmd != nil {
			fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

// isCobraUsageError recognises the usage errors cobra makes itself that do
// not come through SetFlagErrorFunc: flag groups and required flags.
func isCobraUsageError(err error) bool {
	for _, prefix := range []string{"unknown command ", "unknown flag", "if any flags in the group", "at least one of the flags in the group", "required flag(s)"} {
		if strings.HasPrefix(err.Error(), prefix) {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// NewCmdRoot builds the whole command tree; loader is the viper the
// Factory's Config reads, which the root binds --config and the running
// command's setting flags to.
func NewCmdRoot(f *cmdutil.Factory, loader *config.Loader) *cobra.Command {
	var colorMode string
	root := &cobra.Command{
		Use:   "petstore-webhooks <command>",
		Short: "Receive, verify, send and relay Petstore API webhooks",
		Long: `petstore-webhooks is a developer tool for webhooks from the Petstore API.

Run a local receiver that verifies signatures and shows each event, and send it
signed sample events built from fixtures bundled in the binary. Manage webhook
registrations against the Petstore API, or against the emulator that the binary
carries.`,
		Example: `  # terminal 1: a receiver on http://127.0.0.1:8080/webhooks
  petstore-webhooks listen

  # terminal 2: a signed sample event, sent to it
  petstore-webhooks trigger pet.adopted`,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := f.IOStreams.SetColorMode(colorMode); err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			loader.BindFlags(cmd.Flags())
			return nil
		},
	}
	root.SetVersionTemplate("petstore-webhooks {{.Version}}\n")
	addTemplateFuncs()
	root.SetUsageTemplate(usageTemplate)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})
	root.PersistentFlags().String("config", "", "config file (default: config.yaml in $XDG_CONFIG_HOME/petstore-webhooks)")
	root.PersistentFlags().StringVar(&colorMode, "color", "auto", "colour output: auto, always or never")
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(iostreams.ColorModes, cobra.ShellCompDirectiveNoFileComp))
	// --config is one flag shared by every command: bound now, it is read
	// in a completion too, where no PersistentPreRunE runs. --color is not
	// a setting: NO_COLOR and CLICOLOR, not PETSTORE_, stand beside it.
	loader.BindFlags(root.PersistentFlags())

	// The headings of the help; each command sets its GroupID where it is
	// built, and those without one stand under "Additional Commands".
	root.AddGroup(
		&cobra.Group{ID: cmdutil.GroupEvents, Title: "Receive and send events:"},
		&cobra.Group{ID: cmdutil.GroupWebhooks, Title: "Manage webhooks (Petstore API or emulator):"},
	)
	root.AddCommand(
		listen.NewCmdListen(f, nil),
		trigger.NewCmdTrigger(f, nil),
		signing.NewCmdSign(f, nil),
		signing.NewCmdVerify(f, nil),
		fixturescmd.NewCmdFixtures(f, nil),
		events.NewCmdEvents(f),
		inspect.NewCmdInspect(f, nil),
		emulatorcmd.NewCmdEmulator(f, nil),
		configcmd.NewCmdConfig(f),
		NewCmdVersion(f, nil),
		newHelpTopic("exit-codes", "What each exit code means", func() string { return exitCodesHelp(helpColumns) }),
		newHelpTopic("environment", "Environment variables and what they set", func() string { return environmentHelp(helpColumns) }),
	)
	root.AddCommand(webhooks.NewCmds(f)...)
	describeCompletion(root)
	rejectUnknownSubcommands(root)
	return root
}

// helpColumns is the width the help is laid out for: a terminal's smallest
// usual one, and what a pipe into a pager or a file reads well at.
const helpColumns = 80

// usageTemplate is cobra's, with the flag descriptions wrapped to
// helpColumns under their column (cobra leaves each on one line of up to
// 180 columns).
var usageTemplate = strings.NewReplacer(
	".LocalFlags.FlagUsages ", "flagUsages .LocalFlags ",
	".InheritedFlags.FlagUsages ", "flagUsages .InheritedFlags ",
).Replace(cobraUsageTemplate)

// addTemplateFuncs gives the usage template its functions: cobra keeps them
// in one map for the whole process, so they are added once.
var addTemplateFuncs = sync.OnceFunc(func() {
	cobra.AddTemplateFunc("flagUsages", func(fs *pflag.FlagSet) string { return wrapFlagUsages(fs, helpColumns) })
})

// cobraUsageTemplate is cobra's usage template (cobra 1.10,
// defaultUsageTemplate), its last line shortened to fit 80 columns.
const cobraUsageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Available Commands:{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Additional Commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

Additional help topics:{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}}  {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more about a command.{{end}}
`

// describeCompletion makes cobra's completion command now rather than at
// Execute, so that its subcommands get examples, and words their help for 80
// columns (cobra's has lines of up to 100, indented with tabs).
func describeCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	help := map[string][2]string{
		"bash": {`Print the completion script for bash. It needs the bash-completion package
(if it is missing, install it with the system's package manager).

Load it into the current shell with source, as the first example does; install
it for every new shell, once, with the second (then start a new shell).`, `  # this shell
  source <(petstore-webhooks completion bash)

  # every new shell
  mkdir -p ~/.local/share/bash-completion/completions
  petstore-webhooks completion bash \
    > ~/.local/share/bash-completion/completions/petstore-webhooks`},
		"zsh": {`Print the completion script for zsh. If completion is not enabled in your zsh
yet, enable it once with:

  echo "autoload -U compinit; compinit" >> ~/.zshrc

Load it into the current shell with: source <(petstore-webhooks completion zsh).
Install it for every new shell, once, with the example (then start a new shell);
with Homebrew, write it to $(brew --prefix)/share/zsh/site-functions/ instead.`, `  # every new shell, once (then start a new shell)
  petstore-webhooks completion zsh > "${fpath[1]}/_petstore-webhooks"`},
		"fish": {`Print the completion script for fish.

Load it into the current shell with: petstore-webhooks completion fish | source.
Install it for every new shell, once, with the example (then start a new shell).`, `  mkdir -p ~/.config/fish/completions
  petstore-webhooks completion fish \
    > ~/.config/fish/completions/petstore-webhooks.fish`},
		"powershell": {`Print the completion script for PowerShell.

Load it into the current shell as the example does; for every new shell, add
that line to your PowerShell profile.`, `  petstore-webhooks completion powershell | Out-String | Invoke-Expression`},
	}
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Long = "Print the script that completes petstore-webhooks commands, flags and event\ntypes in a shell: see the help of each shell's command for how to load it."
		c.Example = `  source <(petstore-webhooks completion bash)   # bash, this shell
  petstore-webhooks completion zsh --help        # how to install for zsh`
		for _, shell := range c.Commands() {
			shell.Long, shell.Example = help[shell.Name()][0], help[shell.Name()][1]
		}
	}
}

// rejectUnknownSubcommands makes each command that only groups others (the
// root, events, config, completion) show its help when given nothing and
// refuse a name that is none of its subcommands: cobra never checks the
// arguments of a command that cannot run, and showed the help, exit 0.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	if cmd.HasSubCommands() && !cmd.Runnable() {
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UnknownCommandError(cmd, args[0])
			}
			return cmd.Help()
		}
	}
	for _, c := range cmd.Commands() {
		rejectUnknownSubcommands(c)
	}
}

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// buildVersion is the version, commit and date a release stamped with
// -ldflags or, in a build without them, those Go recorded: the module's
// version (a tag, or a pseudo-version from the checkout) and the VCS
// revision and time.
func buildVersion() (v, c, d string) {
	if info, ok := readBuildInfo(); ok && version == "dev" {
		return versionFromBuildInfo(info)
	}
	return version, commit, date
}

// versionString is the version, followed by the commit and date when known.
func versionString() string {
	v, c, d := buildVersion()
	if c != "" {
		v += " (" + c
		if d != "" {
			v += ", " + d
		}
		v += ")"
	}
	return v
}

// versionFromBuildInfo reads what `go build` and `go install` record: the main
// module's version ("(devel)" when unknown) and, in a checkout, vcs.revision,
// vcs.time and vcs.modified (uncommitted changes: "+dirty").
func versionFromBuildInfo(info *debug.BuildInfo) (v, commit, date string) {
	v = "dev"
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		v = mv
	}
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value[:min(len(s.Value), 12)]
		case "vcs.time":
			date = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && !strings.HasSuffix(v, "+dirty") {
		v += "+dirty"
	}
	return v, commit, date
}

// VersionOptions are version's inputs.
type VersionOptions struct {
	IO      *iostreams.IOStreams
	Version string // with the commit and date when known
}

// NewCmdVersion builds `version`. It stays in cli, beside the root: the
// version string it prints is the one the root's --version prints, read
// from the build here, and a package under commands would have to import
// cli for it.
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Long:  "Print the version, commit and commit date: a release's, or for a build from a\ncheckout those Go recorded (a +dirty version has uncommitted changes).",
		Example: `  petstore-webhooks version
  petstore-webhooks --version`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = versionString()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
}

func versionRun(_ context.Context, opts *VersionOptions) error {
	_, err := fmt.Fprintf(opts.IO.Out, "petstore-webhooks %s\n", opts.Version)
	return err
}

// newHelpTopic is `help NAME`: cobra lists a command without Run under
// "Additional help topics" and prints its Long. The text is laid out only
// when asked for, not at every start.
func newHelpTopic(name, short string, long func() string) *cobra.Command {
	topic := &cobra.Command{Use: name, Short: short}
	topic.SetHelpFunc(func(c *cobra.Command, args []string) {
		c.Long = long()
		c.Parent().HelpFunc()(c, args)
	})
	return topic
}

// exitCodesHelp is the text of `help exit-codes`, wrapped to columns.
func exitCodesHelp(columns int) string {
	rows := [][2]string{}
	for _, c := range cmdutil.ExitCodes {
		rows = append(rows, [2]string{fmt.Sprintf("%3d", c.Code), c.Meaning})
	}
	return helpParagraph("Exit codes of petstore-webhooks, for scripts:", columns) + helpTable(rows, columns)
}

// environmentHelp is the text of `help environment`, wrapped to columns.
func environmentHelp(columns int) string {
	rows := [][2]string{}
	for _, s := range config.Settings {
		rows = append(rows, [2]string{s.Env, fmt.Sprintf("%s (config key %s)", s.Help, s.Key)})
	}
	rows = append(rows, [][2]string{
		{cmdutil.ForwardSecretEnv, "'listen', 'events resend': the secret that re-signs forwarded events, as --forward-secret (which ps shows) or --forward-secret-file"},
		{"PETSTORE_EMULATOR_API_KEY", "the API key the emulator accepts (instead of --api-key, which shows in ps)"},
		{"XDG_CONFIG_HOME", "where config.yaml lives: $XDG_CONFIG_HOME/petstore-webhooks/ (default ~/.config)"},
		{"XDG_DATA_HOME", "where the emulator keeps emulator.db: $XDG_DATA_HOME/petstore-webhooks/ (default ~/.local/share)"},
		{"XDG_STATE_HOME", "where 'listen' keeps history.db: $XDG_STATE_HOME/petstore-webhooks/ (default ~/.local/state)"},
		{"NO_COLOR", "set to anything: no colour (--color always still wins)"},
		{"CLICOLOR_FORCE", "set to anything but 0: colour even when not writing to a terminal"},
		{"CLICOLOR", "set to 0: no colour"},
	}...)
	return helpParagraph("Environment variables (a flag wins over them, and they over the config file):", columns) + helpTable(rows, columns)
}

package cli

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// run runs the whole command tree with args as main does, and returns what
// it printed and its exit code.
func run(t *testing.T, env cmdtest.Env, args ...string) (stdout, stderr string, code cmdutil.ExitCode) {
	t.Helper()
	return runWith(t, env, nil, args...)
}

// runWith is run with the streams set up first (a terminal, input).
func runWith(t *testing.T, env cmdtest.Env, setup func(*cmdutil.Factory, cmdtest.Streams), args ...string) (stdout, stderr string, code cmdutil.ExitCode) {
	t.Helper()
	f, s := cmdtest.Factory(t, env)
	if setup != nil {
		setup(f, s)
	}
	root := NewCmdRoot(f, config.NewLoader())
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	code = reportError(f.IOStreams, cmd, err)
	return s.Out.String(), s.Err.String(), code
}

// A usage error is the error and where to read more, not the whole usage,
// which scrolled the error off a 24-line terminal.
func TestUsageErrorsAreTheErrorAndOneLine(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trigger", "--bogus"}, "Error: unknown flag: --bogus\nRun 'petstore-webhooks trigger --help' for usage.\n"},
		{[]string{"trigger", "-Z"}, "Error: unknown shorthand flag: 'Z' in -Z\nRun 'petstore-webhooks trigger --help' for usage.\n"},
		{[]string{"trigger", "pet.adopted", "--count", "x"}, "Error: invalid argument \"x\" for \"--count\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nRun 'petstore-webhooks trigger --help' for usage.\n"},
		{[]string{"fixtures", "show"}, "Error: petstore-webhooks fixtures show needs an event type, such as pet.adopted\nRun 'petstore-webhooks fixtures show --help' for usage.\n"},
		{[]string{"listen", "extra"}, "Error: petstore-webhooks listen takes no arguments, got \"extra\"\nRun 'petstore-webhooks listen --help' for usage.\n"},
		{[]string{"--color", "pink", "version"}, "Error: invalid --color \"pink\": want auto, always or never\nRun 'petstore-webhooks version --help' for usage.\n"},
		{[]string{"register", "--url", "http://127.0.0.1:9/x", "--events", "pet.adopted", "--secret", "s", "--secret-file", "f"}, "Error: if any flags in the group [secret secret-file] are set none of the others can be; [secret secret-file] were all set\nRun 'petstore-webhooks register --help' for usage.\n"},
		{[]string{"frobnicate"}, "Error: unknown command \"frobnicate\" for \"petstore-webhooks\"\nRun 'petstore-webhooks --help' for usage.\n"},
		{[]string{"trigr"}, "Error: unknown command \"trigr\" for \"petstore-webhooks\"\nDid you mean trigger?\nRun 'petstore-webhooks --help' for usage.\n"},
		{[]string{"events", "foo"}, "Error: unknown command \"foo\" for \"petstore-webhooks events\"\nRun 'petstore-webhooks events --help' for usage.\n"},
		{[]string{"events", "lst"}, "Error: unknown command \"lst\" for \"petstore-webhooks events\"\nDid you mean list?\nRun 'petstore-webhooks events --help' for usage.\n"},
		{[]string{"config", "sett", "x"}, "Error: unknown command \"sett\" for \"petstore-webhooks config\"\nDid you mean set?\nRun 'petstore-webhooks config --help' for usage.\n"},
		{[]string{"fixtures", "sho"}, "Error: unknown command \"sho\" for \"petstore-webhooks fixtures\"\nDid you mean show?\nRun 'petstore-webhooks fixtures --help' for usage.\n"},
		{[]string{"completion", "tcsh"}, "Error: unknown command \"tcsh\" for \"petstore-webhooks completion\"\nRun 'petstore-webhooks completion --help' for usage.\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := run(t, nil, tt.args...)
		if stderr != tt.want || code != cmdutil.ExitUsage || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr\n%s\nwant exit 2 and stderr\n%s", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// A command that only groups others still shows its help, exit 0, when it
// is given nothing or --help.
func TestGroupsWithoutASubcommandShowHelp(t *testing.T) {
	for _, args := range [][]string{{}, {"events"}, {"config"}, {"events", "--help"}, {"help", "events"}} {
		stdout, stderr, code := run(t, nil, args...)
		if code != cmdutil.ExitOK || stderr != "" || stdout == "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q", args, code, stderr, stdout)
		}
	}
}

// An unknown event type offers the nearest ones, wherever one is looked up.
func TestUnknownEventTypeSuggestsTheNearest(t *testing.T) {
	env := cmdtest.Env{"PETSTORE_API_KEY": "k", "PETSTORE_API_BASE": "http://127.0.0.1:9/v1"}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trigger", "pet.adoptd"}, "Error: unknown event type \"pet.adoptd\"\nDid you mean pet.adopted?\nRun 'petstore-webhooks trigger --help' for usage.\n"},
		{[]string{"trigger", "pet.adopted", "payment"}, "Error: unknown event type \"payment\"\nDid you mean payment.failed or payment.succeeded?\nRun 'petstore-webhooks trigger --help' for usage.\n"},
		{[]string{"fixtures", "show", "order.create"}, "Error: unknown event type \"order.create\"\nDid you mean order.created?\nRun 'petstore-webhooks fixtures show --help' for usage.\n"},
		{[]string{"register", "--url", "http://127.0.0.1:9/x", "--events", "pet.adopted,pet.adoptd"}, "Error: --events: unknown event type \"pet.adoptd\"\nDid you mean pet.adopted?\nRun 'petstore-webhooks register --help' for usage.\n"},
		{[]string{"test", "wh_1", "--event", "PET.ADOPTED"}, "Error: --event: unknown event type \"PET.ADOPTED\"\nDid you mean pet.adopted?\nRun 'petstore-webhooks test --help' for usage.\n"},
		{[]string{"fixtures", "show", "pet.sold"}, "Error: unknown event type \"pet.sold\" (known: order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)\nRun 'petstore-webhooks fixtures show --help' for usage.\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := run(t, env, tt.args...)
		if stderr != tt.want || code != cmdutil.ExitUsage || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr\n%s\nwant exit 2 and stderr\n%s", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

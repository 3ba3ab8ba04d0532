package cmdutil

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
)

func TestRenamedFlag(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		want       string
		wantStderr string
	}{
		{nil, "", ""},
		{[]string{"--new", "a"}, "a", ""},
		{[]string{"--old", "b"}, "b", "warning: --old is now --new; the old name will go away\n"},
	} {
		var got string
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		cmd.Flags().StringVar(&got, "new", "", "the flag")
		var stdout, stderr bytes.Buffer
		RenamedFlag(cmd, &stderr, "old", "new")
		cmd.SetArgs(tt.args)
		cmd.SetOut(&stdout)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got != tt.want || stderr.String() != tt.wantStderr || stdout.Len() != 0 {
			t.Errorf("%v: value %q, stderr %q, stdout %q; want %q, %q and nothing", tt.args, got, stderr.String(), stdout.String(), tt.want, tt.wantStderr)
		}
	}
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().Bool("new", false, "")
	RenamedFlag(cmd, &bytes.Buffer{}, "old", "new")
	if !cmd.Flags().Lookup("old").Hidden {
		t.Error("the old name shows in --help")
	}
}

// Both names at once would silently take the last one given: a usage error.
func TestRenamedFlagRefusesBothNames(t *testing.T) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().String("events", "", "the flag")
	RenamedFlag(cmd, &bytes.Buffer{}, "type", "events")
	cmd.SetArgs([]string{"--type", "order.*", "--events", "pet.*"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if CodeOf(err) != ExitUsage || err.Error() != "--type is the old name of --events: give --events only" {
		t.Errorf("both names: %v (exit %d), want a usage error", err, CodeOf(err))
	}
}

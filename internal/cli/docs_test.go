package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// completions/ holds what the completion command makes; regenerate with
// go run ./cmd/petstore-webhooks-docs -completions completions
func TestCompletionsAreCurrent(t *testing.T) {
	scripts, err := Completions(Tree())
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "completions", "*"))
	if len(files) != len(scripts) {
		t.Errorf("completions/ holds %d files, want %d: %v", len(files), len(scripts), files)
	}
	for name, want := range scripts {
		got, err := os.ReadFile(filepath.Join("..", "..", "completions", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("completions/%s is stale or missing: run go run ./cmd/petstore-webhooks-docs -completions completions", name)
		}
	}
}

// complete asks the command tree what a shell would offer after args.
func complete(t *testing.T, args ...string) (candidates []string, directive string) {
	t.Helper()
	f, s := cmdtest.Factory(t, nil)
	root := NewCmdRoot(f, config.NewLoader())
	root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(s.Out.String()), "\n")
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		candidates = append(candidates, name)
	}
	return candidates, lines[len(lines)-1]
}

func TestDynamicCompletions(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"trigger", ""}, []string{"order.created", "pet.adopted", "payment.failed"}},
		{[]string{"fixtures", "show", ""}, []string{"pet.status_changed"}},
		{[]string{"listen", "--format", ""}, []string{"human", "json"}},
		{[]string{"trigger", "--scheme", ""}, []string{"github", "hex", "petstore", "shopify", "slack", "standard", "stripe"}},
		{[]string{"listen", "--forward-scheme", ""}, []string{"stripe"}},
		{[]string{"list", "--color", ""}, []string{"auto", "always", "never"}},
	}
	for _, tt := range tests {
		got, _ := complete(t, tt.args...)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("completing %q: %v, want %s among them", tt.args, got, w)
			}
		}
	}
	// Fixture files: the shell offers *.json files.
	got, directive := complete(t, "trigger", "--fixture", "")
	if !slices.Equal(got, []string{"json"}) || directive != ":8" {
		t.Errorf("completing --fixture: %v %s, want the json extension filter (:8)", got, directive)
	}
}

// Every command a user can run shows examples in its help.
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !c.Hidden && c.Name() != "help" && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(Tree())
}

// The man pages' extra sections are in ManTree's description only.
func TestManTreeCarriesTheHelpTopics(t *testing.T) {
	if !strings.Contains(ManTree().Long, "# EXIT CODES") || strings.Contains(Tree().Long, "EXIT CODES") {
		t.Error("want the help topics in ManTree's description and not in Tree's")
	}
	if v, _, _ := buildVersion(); Version() != v {
		t.Errorf("Version() = %q, want %q", Version(), v)
	}
}

// A release's man pages name its version: the hook that makes them stamps
// the version as the builds do (without it they said "dev").
func TestReleaseManPagesNameTheReleaseVersion(t *testing.T) {
	config, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := "-X github.com/petstoreapi/petstore-webhooks/internal/cli.version={{ .Version }}"
	for _, line := range strings.Split(string(config), "\n") {
		if strings.Contains(line, "petstore-webhooks-docs -man") && !strings.Contains(line, stamp) {
			t.Errorf(".goreleaser.yaml makes the man pages without %q:\n%s", stamp, line)
		}
	}
	if strings.Count(string(config), stamp) != 2 {
		t.Errorf(".goreleaser.yaml: want %q in the builds' ldflags and in the man pages' hook", stamp)
	}
}

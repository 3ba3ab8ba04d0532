package cli

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
)

// The help topics name commands in quotes ('events show'), and each one
// named exists: exit-codes once named 'webhooks test', which does not.
func TestHelpTopicsNameRealCommands(t *testing.T) {
	root := Tree()
	top := map[string]bool{}
	for _, c := range root.Commands() {
		top[c.Name()] = true
	}
	quoted := regexp.MustCompile(`'([^']*)'`)
	for name, text := range map[string]string{"exit-codes": exitCodesHelp(helpColumns), "environment": environmentHelp(helpColumns)} {
		for _, m := range quoted.FindAllStringSubmatch(text, -1) {
			path := strings.Fields(strings.TrimPrefix(m[1], "petstore-webhooks "))
			if c, rest, err := root.Find(path); err != nil || len(rest) > 0 || c == root || c.CommandPath() != "petstore-webhooks "+strings.Join(path, " ") {
				t.Errorf("help %s names '%s', which is not a command", name, m[1])
			}
		}
		// Nouns of the prose ("forwarded events", "config file") aside, a
		// command named without quotes escaped the check above.
		words := strings.Fields(quoted.ReplaceAllString(text, "''"))
		for i, w := range words {
			w = strings.Trim(w, ",;:()")
			if top[w] && !nouns[w] {
				t.Errorf("help %s names %s without quotes", name, w)
			}
			if c, _, err := root.Find([]string{w}); err == nil && c != root && c.HasSubCommands() && i+1 < len(words) {
				sub := strings.Trim(words[i+1], ",;:()")
				if sub, _, _ = strings.Cut(sub, "/"); slices.ContainsFunc(c.Commands(), func(c *cobra.Command) bool { return c.Name() == sub }) {
					t.Errorf("help %s names %s %s without quotes", name, w, sub)
				}
			}
		}
	}
}

// nouns are the commands whose names the help topics also use as words.
var nouns = map[string]bool{"events": true, "config": true, "fixtures": true, "emulator": true}

// A command that asks before it deletes (it has --yes) exits 1 when the
// answer is no: help exit-codes and the README's table say so for each.
func TestExitCodesNameEveryCommandThatAsks(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var readmeRow string
	for line := range strings.Lines(string(readme)) {
		if strings.HasPrefix(line, "| 1 |") {
			readmeRow = line
		}
	}
	var helpRow string
	for _, c := range cmdutil.ExitCodes {
		if c.Code == cmdutil.ExitFailure {
			helpRow = c.Meaning
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("yes") != nil {
			name := strings.TrimPrefix(c.CommandPath(), "petstore-webhooks ")
			if !strings.Contains(helpRow, "'"+name+"'") {
				t.Errorf("help exit-codes, code 1, does not name '%s', which exits 1 when its question is declined", name)
			}
			if !strings.Contains(readmeRow, "`"+name+"`") {
				t.Errorf("the README's exit code 1 does not name `%s`, which exits 1 when its question is declined", name)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(Tree())
}

// The root help lists the help topics in columns two spaces apart, as it
// lists the commands.
func TestRootHelpListsTopicsInColumns(t *testing.T) {
	out, _, _ := run(t, nil, "--help")
	for _, want := range []string{"\n  petstore-webhooks environment  Environment variables", "\n  petstore-webhooks exit-codes   What each exit code means"} {
		if !strings.Contains(out, want) {
			t.Errorf("root help lacks %q:\n%s", want, out)
		}
	}
}

// sign reads one FILE or stdin, and says so when given more.
func TestSignSaysItTakesOneFile(t *testing.T) {
	_, stderr, code := run(t, nil, "sign", "a", "b")
	if want := "Error: sign takes one FILE, or reads stdin; got 2 arguments\n"; code != cmdutil.ExitUsage || !strings.HasPrefix(stderr, want) {
		t.Errorf("sign a b: exit %d, stderr %q; want exit 2 and %q", code, stderr, want)
	}
}

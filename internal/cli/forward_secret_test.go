package cli

import (
	"regexp"
	"strings"
	"testing"
)

// Every variable is named, its description starting in one column two
// spaces or more after the longest name (PETSTORE_EMULATOR_API_KEY once ran
// into its own), and a description's further lines start there too.
func TestEnvironmentHelpAlignsEveryVariable(t *testing.T) {
	help := environmentHelp(helpColumns)
	row := regexp.MustCompile(`^  ([A-Z_]+)( {2,})\S`)
	continued := regexp.MustCompile(`^( +)\S`)
	column, names := 0, map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(help), "\n")[1:] {
		if line == "" {
			continue
		}
		if m := continued.FindStringSubmatch(line); m != nil && len(m[1]) > 2 {
			if column == 0 || len(m[1]) != column {
				t.Fatalf("line %q: continued at column %d, descriptions at %d", line, len(m[1]), column)
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %q is not NAME  description", line)
		}
		names[m[1]] = true
		if col := 2 + len(m[1]) + len(m[2]); column == 0 {
			column = col
		} else if col != column {
			t.Fatalf("line %q: description at column %d, others at %d", line, col, column)
		}
	}
	for _, name := range []string{"PETSTORE_FORWARD_SECRET", "PETSTORE_EMULATOR_API_KEY", "PETSTORE_WEBHOOK_SECRET"} {
		if !names[name] {
			t.Errorf("%s is not in help environment:\n%s", name, help)
		}
	}
}

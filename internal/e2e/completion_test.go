package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// bashCompletion is Debian's bash-completion, which the script needs, as a
// user's shell would have it; .ci/run installs it.
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// The bash script in completions/, sourced in a real bash with the binary on
// PATH, completes event names, flag values and subcommands.
func TestBashCompletionScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed for this test")
	}
	if _, err := os.Stat(bashCompletion); err != nil {
		t.Fatal("the bash-completion package is needed for this test (apt-get install bash-completion)")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "completions", "petstore-webhooks.bash"))
	if err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	tests := []struct {
		line string
		want []string
	}{
		{"petstore-webhooks trigger pet.", []string{"pet.adopted", "pet.status_changed"}},
		{"petstore-webhooks listen --scheme st", []string{"standard", "stripe"}},
		{"petstore-webhooks listen --format ", []string{"human", "json"}},
		{"petstore-webhooks ev", []string{"events"}},
		{"petstore-webhooks events re", []string{"resend"}},
	}
	for _, tt := range tests {
		words := strings.Fields(tt.line)
		if strings.HasSuffix(tt.line, " ") {
			words = append(words, "")
		}
		// The function bash-completion would call, with the words it would set.
		prog := `source ` + bashCompletion + `
source "$SCRIPT"
COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(` + quoteWords(words) + `); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
__start_petstore-webhooks petstore-webhooks
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
		cmd.Env = append(u.env, "SCRIPT="+script, "LINE="+tt.line, "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tt.line, err, out)
		}
		got := strings.Fields(string(out))
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("completing %q offered %v, want %s", tt.line, got, w)
			}
		}
	}
}

func quoteWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + w + "'"
	}
	return strings.Join(q, " ")
}

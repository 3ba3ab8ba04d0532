//go:build tools

// Tests that need programs besides Go and bash: openssl, jq and
// bash-completion. .ci/run installs them and runs these with -tags tools.

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// Every bundled event that trigger sends verifies with openssl's HMAC.
func TestSignaturesMatchOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is needed for the independent HMAC check: apt-get install openssl")
	}
	var mu sync.Mutex
	type capture struct {
		body []byte
		sig  string
	}
	var got []capture
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, capture{b, r.Header.Get("X-Petstore-Signature")})
		mu.Unlock()
	}))
	defer srv.Close()
	u := newUser(t)
	const secret = "whsec_e2e-Secret/with+odd=chars"
	u.env = append(u.env, "PETSTORE_WEBHOOK_SECRET="+secret)
	if r := u.run(append([]string{"trigger", "--url", srv.URL}, bundled...)...); r.code != 0 {
		t.Fatalf("trigger exit %d: %s", r.code, r.stderr)
	}
	if len(got) != len(bundled) {
		t.Fatalf("captured %d requests", len(got))
	}
	for _, c := range got {
		cmd := exec.Command(openssl, "dgst", "-sha256", "-hmac", secret, "-r")
		cmd.Stdin = strings.NewReader(string(c.body))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want := "sha256=" + strings.Fields(string(out))[0]
		if c.sig != want {
			t.Errorf("signature %s, openssl says %s for\n%s", c.sig, want, c.body)
		}
	}
}

// The CI script as written, with free ports; it asserts with jq itself.
func TestReadmeCIScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq is needed for this test (apt-get install jq)")
	}
	u := newUser(t)
	out, err := ciScript(t, u, "API_PORT="+freePort(t), "LISTEN_PORT="+freePort(t))
	if err != nil || !strings.Contains(out, "webhook flow OK") {
		t.Fatalf("the README's CI script: %v\n%s", err, out)
	}
}

package trigger

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// --dry-run keeps a --raw file's exact bytes when piped (to compare with the
// signature) and escapes its control characters on a terminal.
func TestDryRunEscapesARawBodyOnATerminal(t *testing.T) {
	body := "{\"a\":\"\x1b[2J\xc2\x9b\u202e\",\n\"b\":1}"
	raw := filepath.Join(t.TempDir(), "captured.json")
	os.WriteFile(raw, []byte(body), 0o644)
	for _, tty := range []bool{false, true} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
		f.IOStreams.SetTTY(false, tty, false)
		if err := cmdtest.Run(NewCmdTrigger(f, nil), "--raw", raw, "--dry-run"); err != nil {
			t.Fatal(err)
		}
		_, got, _ := strings.Cut(s.Out.String(), "\n\n")
		want := body + "\n"
		if tty {
			want = `{"a":"\x1b[2J\u009b\u202e",` + "\n" + `"b":1}` + "\n"
		}
		if got != want {
			t.Errorf("terminal %v: body %q, want %q", tty, got, want)
		}
		if head := s.Out.String(); tty && strings.Contains(head, "\x1b") {
			t.Errorf("terminal: a control reaches the screen: %q", head)
		}
	}
}

func TestTriggerMasksTheCredentialsOfURL(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	withCreds := strings.Replace(r.URL, "http://", "http://user:hunter2@", 1)
	masked := strings.Replace(r.URL, "http://", "http://user:****@", 1)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run"}, "POST " + masked + "\n"},
		{[]string{"--dry-run", "--format", "json"}, `"url":"` + masked + `"`},
		{[]string{"--format", "json"}, `"url":"` + masked + `"`},
	} {
		out, errOut, err := runTrigger(t, append([]string{"pet.adopted", "--url", withCreds}, c.args...)...)
		if err != nil || !strings.Contains(out, c.want) || strings.Contains(out+errOut, "hunter2") {
			t.Errorf("%v: want %s, no password:\n%s%s%v", c.args, c.want, out, errOut, err)
		}
	}
	_, _, err := runTrigger(t, "pet.adopted", "--url", "ftp://user:hunter2@x.test/")
	cmdtest.AssertUsageError(t, err, `--url "ftp://user:****@x.test/": want a port, host:port[/path] or an http(s) URL`)
}

// A --raw body that is not UTF-8 keeps its bytes in --dry-run --format json:
// as base64, where a JSON string would turn them into U+FFFD.
func TestDryRunJSONKeepsABodyThatIsNotUTF8(t *testing.T) {
	body := []byte("{\"a\":\"\xff\xfe\"}")
	raw := filepath.Join(t.TempDir(), "captured.json")
	os.WriteFile(raw, body, 0o644)
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	if err := cmdtest.Run(NewCmdTrigger(f, nil), "--raw", raw, "--dry-run", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	var line struct {
		Body       *string
		BodyBase64 string
	}
	if err := json.Unmarshal(s.Out.Bytes(), &line); err != nil || line.Body != nil || line.BodyBase64 != base64.StdEncoding.EncodeToString(body) {
		t.Fatalf("line %s: %v", s.Out, err)
	}
}

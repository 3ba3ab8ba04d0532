package trigger

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

// --data merges over the whole event: a key the event has not at the top
// (what a file named adopter.json invites) is added beside "data", and said
// so on stderr, escaped, in one line per event type.
func TestTriggerDataWarnsOfNewTopLevelKeys(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		data       string
		wantStderr string
	}{
		{`{"data":{"adopter":{"name":"Ada"}}}`, ""},
		{`{"eventType":"pet.adopted","data":{}}`, ""},
		{`{"adopter":{"name":"Ada"}}`, "warning: --data adds top-level key \"adopter\" that pet.adopted does not have; fields of the event go under \"data\"\n"},
		{`{"a\u001b[2J":1,"data":{},"b":2}`, "warning: --data adds top-level keys \"a\\x1b[2J\", \"b\" that pet.adopted does not have; fields of the event go under \"data\"\n"},
	} {
		data := filepath.Join(dir, "data.json")
		if err := os.WriteFile(data, []byte(tt.data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, err := runTrigger(t, "pet.adopted", "--url", "http://127.0.0.1:1/x", "--dry-run", "--data", data)
		if err != nil || stderr != tt.wantStderr {
			t.Errorf("--data %s: %v, stderr %q, want %q", tt.data, err, stderr, tt.wantStderr)
		}
	}
	// Two event types: each says what it lacks.
	data := filepath.Join(dir, "order.json")
	os.WriteFile(data, []byte(`{"adopter":1}`), 0o644)
	_, stderr, _ := runTrigger(t, "pet.adopted", "order.created", "--url", "http://127.0.0.1:1/x", "--dry-run", "--data", data)
	if want := "warning: --data adds top-level key \"adopter\" that pet.adopted does not have; fields of the event go under \"data\"\n" +
		"warning: --data adds top-level key \"adopter\" that order.created does not have; fields of the event go under \"data\"\n"; stderr != want {
		t.Errorf("two event types: stderr %q, want %q", stderr, want)
	}
}

// 300 new keys make one warning that names a few and counts the rest (it
// was 300 lines, 32 KB), within 80 columns on a terminal.
func TestTriggerDataWarningIsShort(t *testing.T) {
	var keys []string
	for i := range 300 {
		keys = append(keys, fmt.Sprintf(`"key%03d":%d`, i, i))
	}
	data := filepath.Join(t.TempDir(), "data.json")
	os.WriteFile(data, []byte("{"+strings.Join(keys, ",")+"}"), 0o644)
	want := `warning: --data adds top-level keys "key000", "key001", "key002" and 297 more that pet.adopted does not have; fields of the event go under "data"`
	for _, terminal := range []bool{false, true} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := cmdtest.Run(NewCmdTrigger(f, nil), "pet.adopted", "--url", "http://127.0.0.1:1/x", "--dry-run", "--data", data); err != nil {
			t.Fatal(err)
		}
		got := golden.Plain(s.Err.String())
		if terminal {
			golden.AssertFits(t, got, render.TerminalWidth)
			if lines := strings.Count(got, "\n"); lines < 2 || lines > 3 {
				t.Errorf("terminal: %d lines:\n%s", lines, got)
			}
			got = strings.Join(strings.Fields(got), " ") + "\n"
		}
		if got != want+"\n" {
			t.Errorf("terminal %v: stderr\n%s\nwant\n%s", terminal, got, want)
		}
	}
}

package trigger

import (
	"os"
	"path/filepath"
	"testing"
)

// --data merges over the whole event: a key the event has not at the top
// (what a file named adopter.json invites) is added beside "data", and said
// so on stderr, escaped, once per key and event type.
func TestTriggerDataWarnsOfNewTopLevelKeys(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		data       string
		wantStderr string
	}{
		{`{"data":{"adopter":{"name":"Ada"}}}`, ""},
		{`{"eventType":"pet.adopted","data":{}}`, ""},
		{`{"adopter":{"name":"Ada"}}`, "warning: --data adds top-level key \"adopter\" that pet.adopted does not have; fields of the event go under \"data\"\n"},
		{`{"a\u001b[2J":1,"data":{},"b":2}`, "warning: --data adds top-level key \"a\\x1b[2J\" that pet.adopted does not have; fields of the event go under \"data\"\n" +
			"warning: --data adds top-level key \"b\" that pet.adopted does not have; fields of the event go under \"data\"\n"},
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

package cmdutil_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
)

// Completion offers no event type that a shell would split or print raw.
func TestCompleteEventTypesLeavesOutNamesAShellWouldMisread(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"pet.mine.json", "pet.two words.json", "pet.esc\x1b[2J.json", "pet.tab\t.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"eventType":"pet.mine","data":{}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := cmdutil.CompleteEventTypes(func() (*fixtures.Set, error) { return fixtures.Load(dir) })(&cobra.Command{}, nil, "")
	bundled, _ := fixtures.Load("")
	var user []cobra.Completion
	for _, c := range got {
		if value, _, _ := strings.Cut(c, "\t"); !bundled.Has(value) {
			user = append(user, c)
		}
	}
	if want := []cobra.Completion{"pet.mine\tuser fixture"}; !reflect.DeepEqual(user, want) {
		t.Fatalf("completions %q, want %q among them", got, want)
	}
}

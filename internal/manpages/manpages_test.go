package manpages

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cli"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// man indents a page's text by manIndent columns of an 80-column terminal.
const manIndent, columns = 7, 80

func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := Write(cli.ManTree(), dir, cmdtest.Now, "petstore-webhooks "+cli.Version()); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"petstore-webhooks.1.gz", "petstore-webhooks-listen.1.gz", "petstore-webhooks-events-resend.1.gz", "petstore-webhooks-completion-bash.1.gz"} {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			t.Errorf("no man page %s", page)
		}
	}
}

// manPage is the roff source of a page that Write wrote into dir.
func manPage(t *testing.T, dir, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// The man page's header names the version that `version` prints, and the
// help topics it carries, which man indents and does not wrap, fit 80
// columns once indented.
func TestManPageHeaderAndTopics(t *testing.T) {
	dir := t.TempDir()
	if err := Write(cli.ManTree(), dir, cmdtest.Now, "petstore-webhooks "+cli.Version()); err != nil {
		t.Fatal(err)
	}
	page := manPage(t, dir, "petstore-webhooks.1.gz")
	if want := `"petstore-webhooks ` + cli.Version() + `"`; !strings.Contains(page, want) {
		t.Errorf("the header does not name %s:\n%s", want, page[:min(len(page), 200)])
	}
	inExample := false
	for _, line := range strings.Split(page, "\n") {
		switch line {
		case ".EX":
			inExample = true
		case ".EE":
			inExample = false
		default:
			if inExample {
				if w := golden.Width(line); w > columns-manIndent {
					t.Errorf("preformatted line of %d columns, %d once man indents it:\n%s", w, w+manIndent, line)
				}
			}
		}
	}
}

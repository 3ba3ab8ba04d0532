package cli

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// Tree returns the whole command tree, for generating documentation.
func Tree() *cobra.Command {
	loader := config.NewLoader()
	return NewCmdRoot(newFactory(loader), loader)
}

// Completions returns the completion scripts the `completion` command makes,
// by file name: bash, zsh, fish and PowerShell.
func Completions(root *cobra.Command) (map[string][]byte, error) {
	name := root.Name()
	gens := map[string]func(*bytes.Buffer) error{
		name + ".bash": func(b *bytes.Buffer) error { return root.GenBashCompletionV2(b, true) },
		"_" + name:     func(b *bytes.Buffer) error { return root.GenZshCompletion(b) },
		name + ".fish": func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) },
		name + ".ps1":  func(b *bytes.Buffer) error { return root.GenPowerShellCompletionWithDesc(b) },
	}
	scripts := map[string][]byte{}
	for file, gen := range gens {
		var b bytes.Buffer
		if err := gen(&b); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		scripts[file] = b.Bytes()
	}
	return scripts, nil
}

// WriteManPages writes a gzipped man page, section 1, for every command into
// dir, dated date.
func WriteManPages(root *cobra.Command, dir string, date time.Time) error {
	tmp, err := os.MkdirTemp("", "petstore-webhooks-man")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	v, _, _ := buildVersion()
	header := &doc.GenManHeader{Title: "PETSTORE-WEBHOOKS", Section: "1", Source: "petstore-webhooks " + v, Manual: "petstore-webhooks manual", Date: &date}
	root.DisableAutoGenTag = true
	long := root.Long
	defer func() { root.Long = long }()
	// The help topics are not commands that get pages of their own. man
	// indents them, and does not wrap them: they are laid out narrower.
	width := helpColumns - manIndent
	root.Long += "\n\n# EXIT CODES\n\n" + preformatted(exitCodesHelp(width)) + "\n\n# ENVIRONMENT\n\n" + preformatted(environmentHelp(width))
	if err := doc.GenManTree(root, header, tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(tmp, "*.1"))
	if err != nil {
		return err
	}
	for _, page := range pages {
		if err := gzipFile(page, filepath.Join(dir, filepath.Base(page)+".gz")); err != nil {
			return err
		}
	}
	return nil
}

func gzipFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, b.Bytes(), 0o644)
}

// manIndent is how far man indents a page's text.
const manIndent = 7

// preformatted indents text as a markdown code block, kept as it is laid out.
func preformatted(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

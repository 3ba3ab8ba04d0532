package cli

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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

// ManTree is Tree for the man pages: the root's description also carries
// the help topics, which are not commands with pages of their own. man
// indents them and does not wrap them: they are laid out narrower.
func ManTree() *cobra.Command {
	root := Tree()
	width := helpColumns - manIndent
	root.Long += "\n\n# EXIT CODES\n\n" + preformatted(exitCodesHelp(width)) + "\n\n# ENVIRONMENT\n\n" + preformatted(environmentHelp(width))
	root.DisableAutoGenTag = true
	return root
}

// Version is the version that `version` prints, without commit and date.
func Version() string {
	v, _, _ := buildVersion()
	return v
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

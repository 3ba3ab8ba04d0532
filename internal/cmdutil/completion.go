package cmdutil

import (
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// Completion is a completion candidate from outside (the API, a file name)
// with its description escaped, or false when the value itself holds a
// control character or white space: the shell would split it or print it,
// and there is no escaped form of it that the command would accept.
func Completion(value, description string) (cobra.Completion, bool) {
	if value == "" || iostreams.Escape(value) != value || strings.ContainsFunc(value, unicode.IsSpace) {
		return "", false
	}
	if description == "" {
		return value, true
	}
	return cobra.CompletionWithDesc(value, iostreams.Escape(description)), true
}

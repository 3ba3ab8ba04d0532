package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// ReadInput reads the named file, or standard input when name is "" or "-".
// A terminal on standard input is an error rather than a silent wait.
func ReadInput(ios *iostreams.IOStreams, name string) ([]byte, error) {
	if name == "" || name == "-" {
		if ios.IsStdinTTY() {
			return nil, FlagErrorf("no input: name a FILE or pipe the payload into standard input")
		}
		b, err := io.ReadAll(ios.In)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, unwrapPathError(err))
	}
	return b, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ParseHeaders reads -H "Name: value" flags.
func ParseHeaders(flags []string) (http.Header, error) {
	h := http.Header{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, FlagErrorf(`--header %q: want "Name: value"`, f)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}

package cmdutil

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// ReadInput reads the named file (a pipe such as <(cmd) too), or standard
// input when name is "" or "-", up to inputfile.MaxSize bytes: a larger input
// or a directory is a usage error. A terminal on standard input is an error
// rather than a silent wait.
func ReadInput(ios *iostreams.IOStreams, name string) ([]byte, error) {
	if name == "" || name == "-" {
		if ios.IsStdinTTY() {
			return nil, FlagErrorf("no input: name a FILE or pipe the payload into standard input")
		}
		b, err := inputfile.Read(ios.In, "standard input")
		if err != nil {
			return nil, inputError("standard input", err)
		}
		return b, nil
	}
	b, err := inputfile.ReadFile(name)
	if err != nil {
		return nil, inputError(name, err)
	}
	return b, nil
}

// inputError is err from reading name, as ReadInput reports it.
func inputError(name string, err error) error {
	var tl *inputfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return err
	case errors.Is(err, inputfile.ErrDirectory):
		return Exit(ExitUsage, err)
	}
	return fmt.Errorf("reading %s: %w", name, unwrapPathError(err))
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ParseHeaders reads -H "Name: value" flags: the name an HTTP token, the
// value free of control characters (CR and LF would split the request).
func ParseHeaders(flags []string) (http.Header, error) {
	h := http.Header{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, ":")
		name = strings.TrimSpace(name)
		if !ok || !IsHeaderName(name) {
			return nil, FlagErrorf(`--header %s: want "Name: value"`, Quote(f))
		}
		value = strings.TrimSpace(value)
		if strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return nil, FlagErrorf(`--header %s: the value has a control character`, Quote(f))
		}
		h.Add(name, value)
	}
	return h, nil
}

// IsHeaderName reports whether name is an HTTP header name (RFC 9110 token).
func IsHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

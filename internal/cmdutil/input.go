package cmdutil

import (
	"fmt"
	"io"
	"os"
)

// ReadInput reads the named file, or the input stream when name is "" or "-".
func ReadInput(in io.Reader, name string) ([]byte, error) {
	if name == "" || name == "-" {
		b, err := io.ReadAll(in)
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

// ErrNoSecret explains how to get a webhook secret.
var ErrNoSecret = fmt.Errorf("no webhook secret: pass --secret, set PETSTORE_WEBHOOK_SECRET, or run `petstore-webhooks listen` once to make one")

package cli

import (
	"errors"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

func TestErrorsAreOneEscapedLine(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	code := reportError(ios, nil, errors.New("API said: \x1b]0;pwned\x07bad\x1b[2J\n\tnext \xc2\x9bline\u202e"))
	if want := "Error: API said: \\x1b]0;pwned\\x07bad\\x1b[2J next \\u009bline\\u202e\n"; errOut.String() != want || code == 0 {
		t.Fatalf("got %q (exit %d), want %q", errOut.String(), code, want)
	}
}

package cmdutil

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// Confirm asks question ("Delete webhook wh_1?") on the terminal and says
// whether the answer was yes; with yes set (--yes) it asks nothing. Without
// a terminal to ask on it refuses, with a usage error that names --yes and
// what verb would have done. The caller says what declining means.
func Confirm(ios *iostreams.IOStreams, yes bool, verb, question string) (bool, error) {
	if yes {
		return true, nil
	}
	if !ios.IsStdinTTY() || !ios.IsStderrTTY() {
		return false, FlagErrorf("--yes is required to %s without a terminal to ask on", verb)
	}
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(io.LimitReader(ios.In, 1024)).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}

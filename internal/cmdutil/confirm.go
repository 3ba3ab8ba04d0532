package cmdutil

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
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
	fmt.Fprint(ios.ErrOut, render.Wrap(render.StderrWidth(ios), "", question+" [y/N]")+" ")
	answer, ended := readAnswer(ios.In, 1024)
	if !ended {
		// Ctrl-D (end of input) left the cursor after the question: what
		// the caller says next starts on a line of its own.
		fmt.Fprintln(ios.ErrOut)
	}
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}

// readAnswer reads one line and returns at most its first max bytes, and
// whether the line ended with a newline (not with the end of input). The
// rest of a longer line is read and dropped: left on a terminal, the shell
// would run it after the program exits.
func readAnswer(in io.Reader, max int) (answer string, ended bool) {
	r := bufio.NewReaderSize(in, max)
	var read []byte
	for {
		chunk, err := r.ReadSlice('\n')
		read = append(read, chunk[:min(len(chunk), max-len(read))]...)
		if err != bufio.ErrBufferFull {
			return string(read), err == nil
		}
	}
}

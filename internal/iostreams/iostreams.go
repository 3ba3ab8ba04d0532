// Package iostreams gives commands their input and output streams, tells
// whether each is a terminal, and decides once whether to use colour.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mattn/go-isatty"
)

// IOStreams are the streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	colorMode                      string
	getenv                         func(string) string

	stylesMu             sync.Mutex // the palettes are made on first use, from any goroutine
	outStyles, errStyles *Styles
}

// System returns the process's streams.
func System(getenv func(string) string) *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		colorMode: "auto",
		getenv:    getenv,
	}
}

// Test returns streams backed by buffers, none of them a terminal.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: in, Out: out, ErrOut: errOut, colorMode: "auto", getenv: func(string) string { return "" }}
	return ios, in, out, errOut
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetTTY marks the streams as terminals or not; for tests.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
	s.forgetStyles()
}

// SetGetenv sets where the colour decision reads NO_COLOR and friends; for tests.
func (s *IOStreams) SetGetenv(getenv func(string) string) {
	s.getenv = getenv
	s.forgetStyles()
}

// ColorModes are the values of --color.
var ColorModes = []string{"auto", "always", "never"}

// SetColorMode applies --color.
func (s *IOStreams) SetColorMode(mode string) error {
	switch mode {
	case "auto", "always", "never":
		s.colorMode = mode
		s.forgetStyles()
		return nil
	}
	return fmt.Errorf("invalid --color %q: want auto, always or never", mode)
}

// ColorEnabled is the one colour decision, for a writer that is or is not a
// terminal: --color first, then NO_COLOR, CLICOLOR_FORCE, CLICOLOR and TERM.
func ColorEnabled(mode string, isTTY bool, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if getenv("NO_COLOR") != "" {
		return false
	}
	if f := getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	if getenv("CLICOLOR") == "0" || getenv("TERM") == "dumb" {
		return false
	}
	return isTTY
}

// forgetStyles makes the palettes anew on next use, after a setting changed.
func (s *IOStreams) forgetStyles() {
	s.stylesMu.Lock()
	defer s.stylesMu.Unlock()
	s.outStyles, s.errStyles = nil, nil
}

// OutStyles is the palette for stdout.
func (s *IOStreams) OutStyles() *Styles {
	s.stylesMu.Lock()
	defer s.stylesMu.Unlock()
	if s.outStyles == nil {
		s.outStyles = newStyles(s.Out, ColorEnabled(s.colorMode, s.stdoutTTY, s.getenv))
	}
	return s.outStyles
}

// ErrStyles is the palette for stderr.
func (s *IOStreams) ErrStyles() *Styles {
	s.stylesMu.Lock()
	defer s.stylesMu.Unlock()
	if s.errStyles == nil {
		s.errStyles = newStyles(s.ErrOut, ColorEnabled(s.colorMode, s.stderrTTY, s.getenv))
	}
	return s.errStyles
}

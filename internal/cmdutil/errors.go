// Package cmdutil is what every command shares: the Factory, the typed errors
// and their exit codes, and the configuration.
package cmdutil

import (
	"errors"
	"fmt"

	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// ExitCode is the process's exit status.
type ExitCode int

const (
	ExitOK          ExitCode = 0
	ExitFailure     ExitCode = 1
	ExitUsage       ExitCode = 2
	ExitNon2xx      ExitCode = 3
	ExitUnreachable ExitCode = 4
	ExitTimeout     ExitCode = 5
	ExitNotFound    ExitCode = 6
	ExitAuth        ExitCode = 7
	ExitAPI         ExitCode = 8
	ExitInterrupted ExitCode = 130
)

// ExitCodes documents every code, for `help exit-codes`.
var ExitCodes = []struct {
	Code    ExitCode
	Meaning string
}{
	{ExitOK, "success; for 'trigger' and 'test', every delivery got a 2xx answer; for 'verify', the signature is valid"},
	{ExitFailure, "an error not listed below (unreadable file, config not writable, port in use, a history or emulator database in use by another process ...); for 'verify', the signature is not valid; for 'delete' and 'events prune', you answered no, and nothing was deleted"},
	{ExitUsage, "usage error: unknown command or flag, bad flag value, missing argument, unknown event type, an input file (payload, fixture, --data, config) larger than the " + inputfile.MaxSizeText + " limit, an end of an event id that several events share ('events show', 'events resend')"},
	{ExitNon2xx, "'trigger', 'test', 'events resend': a receiver answered with a status outside 2xx (and every receiver was reached)"},
	{ExitUnreachable, "'trigger', 'test', 'events resend': could not reach the receiver (connection refused, timeout, DNS); wins over 3"},
	{ExitTimeout, "'listen': --timeout passed before --max-events valid events arrived; 'trigger' with --api: the API made no first attempt at a webhook within --wait"},
	{ExitNotFound, "not found: the Petstore API has no webhook with that id ('get', 'update', 'delete', 'test', 'deliveries': a 404), or the history has no event with that id or number ('events show', 'events resend')"},
	{ExitAuth, "the Petstore API refused the API key (401, 403), or no API key is set"},
	{ExitAPI, "the Petstore API failed or refused the call (other 4xx, 5xx), could not be reached, or answered more than the client reads (over 8 MiB, or pages that never end)"},
	{ExitInterrupted, "interrupted (SIGINT) before the work was done; 'listen' exits 0 on SIGINT instead"},
}

// FlagError is a usage error: the Hint (a line such as "Did you mean
// trigger?"), if any, and where to read the usage are shown after it.
type FlagError struct {
	Err  error
	Hint string
}

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// Quote is a value typed on the command line as an error repeats it: in
// double quotes, its control characters escaped, cut to 64 columns with "…",
// so that a huge argument does not fill the terminal.
func Quote(s string) string { return `"` + Clip(s, 64) + `"` }

// Clip is a value from outside escaped (iostreams.Escape), then cut to at
// most width columns (iostreams.Truncate): safe to print within one line.
func Clip(s string, width int) string { return iostreams.Truncate(iostreams.Escape(s), width) }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ErrSilent means the error was already shown; exit 1 and print nothing.
var ErrSilent = errors.New("silent error")

// DeclinedError is the answer no at a confirmation prompt. It is not shown
// as an error: Kept, a sentence that says what was left as it was, is
// printed as it is, and the exit code is 1.
type DeclinedError struct{ Kept string }

func (e *DeclinedError) Error() string { return e.Kept }

// ErrCancel means the user interrupted the command.
var ErrCancel = errors.New("interrupted")

// ExitError carries its own exit code; Err, when set, is printed.
type ExitError struct {
	Code ExitCode
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an error that ends the process with code, printing err if not nil.
func Exit(code ExitCode, err error) error { return &ExitError{Code: code, Err: err} }

// CodeOf maps an error to its exit code.
func CodeOf(err error) ExitCode {
	var fe *FlagError
	var ee *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &fe), errors.As(err, new(*inputfile.TooLargeError)):
		return ExitUsage
	case errors.Is(err, ErrCancel):
		return ExitInterrupted
	}
	return ExitFailure
}

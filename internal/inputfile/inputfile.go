// Package inputfile reads the files a user hands the program (payloads,
// fixtures, --data, the config file) within one size limit, and never blocks
// on a FIFO or reads a device it was not explicitly asked to read.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSize is the largest input file read: the same as listen's default
// --max-body, since what is read is mostly a webhook body.
const MaxSize = 1 << 20

// MaxSizeText is MaxSize for people.
const MaxSizeText = "1 MiB"

// TooLargeError says that an input is larger than MaxSize.
type TooLargeError struct{ Name string }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than the %s limit on input files: use a smaller file", e.Name, MaxSizeText)
}

// ErrDirectory is the error of ReadFile for a directory.
var ErrDirectory = errors.New("is a directory")

// ErrNotRegular is the error of ReadRegular for a directory, a FIFO, a
// device or a socket.
var ErrNotRegular = errors.New("not a regular file")

// Read reads r, named name in errors, to its end or to MaxSize bytes: more is
// a *TooLargeError.
func Read(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSize {
		return nil, &TooLargeError{Name: name}
	}
	return b, nil
}

// ReadFile reads a file the user named: a regular file, or a pipe or device
// such as /dev/fd/N from <(cmd), within MaxSize; a directory is an error.
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s %w: name a file", name, ErrDirectory)
	}
	return Read(f, name)
}

// ReadRegular reads name, after symlinks, only when it is a regular file of
// at most MaxSize bytes: it never waits on a FIFO nor reads a device.
func ReadRegular(name string) ([]byte, error) {
	if err := CheckRegular(name); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a FIFO replace the file after the check, opening
	// it does not wait for a writer, and the check below refuses it.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(fi.Mode())
	}
	return Read(f, name)
}

// CheckRegular says why name, after symlinks, is not a regular file of at
// most MaxSize bytes, without opening it; nil when it is one.
func CheckRegular(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular(fi.Mode())
	}
	if fi.Size() > MaxSize {
		return &TooLargeError{Name: name}
	}
	return nil
}

func notRegular(m fs.FileMode) error {
	kind := "special file"
	switch {
	case m.IsDir():
		kind = "directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "named pipe"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		kind = "device"
	case m&fs.ModeSocket != 0:
		kind = "socket"
	}
	return fmt.Errorf("%w: a %s", ErrNotRegular, kind)
}

package store

import (
	"errors"
	"os"
	"syscall"
)

var errLocked = errors.New("locked")

// errorSharingViolation is ERROR_SHARING_VIOLATION: another handle denies
// the access asked for.
const errorSharingViolation syscall.Errno = 32

// lockFile opens path for writing, sharing it for reading only: while the
// handle is open no other process can open it to write, and so lock it.
func lockFile(path string) (*os.File, error) {
	name, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(name, syscall.GENERIC_READ|syscall.GENERIC_WRITE, syscall.FILE_SHARE_READ, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if errors.Is(err, errorSharingViolation) {
		return nil, errLocked
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(h), path), nil
}

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestLockKeepsASecondHolderOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "history.db")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(path)
	var inUse *InUseError
	if !errors.As(err, &inUse) || inUse.PID != os.Getpid() {
		t.Fatalf("second lock: %v", err)
	}
	want := fmt.Sprintf("%s is in use by another process (pid %d)", path, os.Getpid())
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	unlock()
	unlock, err = Lock(path)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock()
}

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

// Two names of one database, by a symbolic link to it or to its directory,
// share its lock.
func TestLockFollowsSymbolicLinks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Symlink(path, filepath.Join(dir, "b.db"))
	os.Symlink(dir, filepath.Join(dir, "link"))
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, other := range []string{filepath.Join(dir, "b.db"), filepath.Join(dir, "link", "a.db")} {
		var inUse *InUseError
		if _, err := Lock(other); !errors.As(err, &inUse) {
			t.Errorf("Lock(%s) = %v, want in use", other, err)
		}
	}
}

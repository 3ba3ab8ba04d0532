package store

import (
	"errors"
	"path/filepath"
	"testing"
)

// OpenHistoryLocked keeps a second holder out with an *InUseError until
// the first Store is closed; ":memory:" takes no lock.
func TestOpenHistoryLockedHoldsTheLockUntilClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := OpenHistoryLocked(path)
	if err != nil {
		t.Fatal(err)
	}
	var inUse *InUseError
	if _, err := OpenHistoryLocked(path); !errors.As(err, &inUse) || inUse.Path != path {
		t.Fatalf("second open: %v, want in use", err)
	}
	st.Close()
	again, err := OpenHistoryLocked(path)
	if err != nil {
		t.Fatalf("open after Close: %v", err)
	}
	again.Close()
	for range 2 {
		mem, err := OpenHistoryLocked(":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer mem.Close()
	}
}

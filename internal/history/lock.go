package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// InUseError says that another process holds the history.
type InUseError struct {
	Path string
	PID  int // 0 when unknown
}

func (e *InUseError) Error() string {
	who := "another listen"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("history %s is in use by %s: stop it, or give this one another --history FILE or --no-history", e.Path, who)
}

// Lock takes the history at path for this process, so that no two relay
// the same pending forwards: it holds a lock on path+".lock", which the
// system lets go of however the process ends, and writes its pid there.
// Readers of the history (the events commands) take no lock. unlock lets
// go; it runs after the database is closed.
func Lock(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("history directory: %w", err)
	}
	f, err := lockFile(path + ".lock")
	if err == errLocked {
		return nil, &InUseError{Path: path, PID: readPID(path + ".lock")}
	}
	if err != nil {
		return nil, fmt.Errorf("history lock: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, nil
}

// readPID reads the pid the holder of a lock file wrote, or 0.
func readPID(lockPath string) int {
	b, err := os.ReadFile(lockPath)
	if err != nil || len(b) > 32 {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// InUseError says that another process holds the database.
type InUseError struct {
	Path string
	PID  int // 0 when unknown
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("%s is in use by %s", e.Path, e.Holder("another process"))
}

// Holder names the process that holds the database: who, and its pid when known.
func (e *InUseError) Holder(who string) string {
	if e.PID > 0 {
		return fmt.Sprintf("%s (pid %d)", who, e.PID)
	}
	return who
}

// Lock takes the database at path for this process, for a process that
// works through what the database holds (listen's pending forwards, the
// emulator's deliveries), so that no two do the same work twice: it holds a
// lock on path+".lock", which the system lets go of however the process
// ends, and writes its pid there. Readers (the events commands) take no
// lock. unlock lets go; it runs after the database is closed.
func Lock(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	f, err := lockFile(resolve(path) + ".lock")
	if err == errLocked {
		return nil, &InUseError{Path: path, PID: readPID(resolve(path) + ".lock")}
	}
	if err != nil {
		return nil, fmt.Errorf("database lock: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, nil
}

// resolve follows symbolic links to the database file (or, when it does not
// exist yet, to its directory), so that two names of one file share a lock.
func resolve(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
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

// OpenHistoryLocked takes the history at path for this process (Lock) and
// opens it (OpenHistory); closing the Store lets go of the lock. Another
// process holding it is an *InUseError; an error opening it says "history:"
// first. ":memory:" takes no lock.
func OpenHistoryLocked(path string) (*Store, error) {
	unlock := func() {}
	if path != ":memory:" {
		var err error
		if unlock, err = Lock(path); err != nil {
			return nil, err
		}
	}
	st, err := OpenHistory(path)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("history: %w", err)
	}
	st.unlock = unlock
	return st, nil
}

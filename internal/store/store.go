// Package store is the embedded SQLite database (pure Go, no cgo) with
// versioned migrations. It holds the emulator's state.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Store is an open database.
type Store struct {
	db  *sql.DB
	raw rawStatements
	// checkpoints copies the write-ahead log into the database file from a
	// connection of its own, so that no commit waits for it.
	stopCheckpoints func()
}

// Statements on hot paths, prepared once per connection (rawStatements).
const (
	insertRequest = `INSERT INTO requests (received_at, event_id, event_type, method, path, headers, body, body_size, status, verification, reason, duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertForward = `INSERT INTO forwards (request_id, target, state, created_at, next_attempt_at) VALUES (?, ?, 'pending', ?, ?)`
)

// migrations run in order, once each; append, never edit.
var migrations = []string{
	`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE webhooks (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		id         TEXT NOT NULL UNIQUE,
		url        TEXT NOT NULL,
		events     TEXT NOT NULL,
		secret     TEXT NOT NULL,
		status     TEXT NOT NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE TABLE deliveries (
		id              INTEGER PRIMARY KEY AUTOINCREMENT,
		webhook_id      TEXT NOT NULL,
		event_id        TEXT NOT NULL,
		event_type      TEXT NOT NULL,
		body            BLOB NOT NULL,
		attempts        INTEGER NOT NULL DEFAULT 0,
		state           TEXT NOT NULL,
		next_attempt_at TEXT
	);
	CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
	CREATE TABLE attempts (
		id           INTEGER PRIMARY KEY AUTOINCREMENT,
		delivery_id  INTEGER NOT NULL,
		webhook_id   TEXT NOT NULL,
		event_id     TEXT NOT NULL,
		event_type   TEXT NOT NULL,
		attempt      INTEGER NOT NULL,
		attempted_at TEXT NOT NULL,
		status       INTEGER NOT NULL,
		latency_ms   REAL NOT NULL,
		error        TEXT NOT NULL
	);
	CREATE INDEX attempts_webhook ON attempts (webhook_id, id);`,

	`CREATE TABLE requests (
		id           INTEGER PRIMARY KEY,
		received_at  TEXT NOT NULL,
		event_id     TEXT NOT NULL,
		event_type   TEXT NOT NULL,
		method       TEXT NOT NULL,
		path         TEXT NOT NULL,
		headers      TEXT NOT NULL,
		body         BLOB NOT NULL,
		status       INTEGER NOT NULL,
		verification TEXT NOT NULL,
		reason       TEXT NOT NULL,
		duplicate    INTEGER NOT NULL
	);
	CREATE TABLE forwards (
		id              INTEGER PRIMARY KEY,
		request_id      INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
		target          TEXT NOT NULL,
		state           TEXT NOT NULL,
		attempts        INTEGER NOT NULL DEFAULT 0,
		created_at      TEXT NOT NULL,
		next_attempt_at TEXT
	);
	CREATE INDEX forwards_due ON forwards (state, next_attempt_at);
	CREATE INDEX forwards_request ON forwards (request_id);
	CREATE TABLE forward_attempts (
		id           INTEGER PRIMARY KEY,
		forward_id   INTEGER NOT NULL REFERENCES forwards (id) ON DELETE CASCADE,
		attempt      INTEGER NOT NULL,
		attempted_at TEXT NOT NULL,
		status       INTEGER NOT NULL,
		latency_ms   REAL NOT NULL,
		error        TEXT NOT NULL,
		response     BLOB NOT NULL
	);
	CREATE INDEX forward_attempts_forward ON forward_attempts (forward_id);`,

	// The size of the body received, when only a prefix of it is kept;
	// NULL when the whole body is.
	`ALTER TABLE requests ADD COLUMN body_size INTEGER;`,
}

// Open opens (creating if needed) the database at path and migrates it.
// ":memory:" is a database that lives as long as the Store.
func Open(path string) (*Store, error) {
	dsn := ":memory:?_pragma=foreign_keys(1)"
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("database directory: %w", err)
		}
		// The database holds secrets: create it readable by its owner only.
		// SQLite gives its -wal and -shm files the same mode.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		f.Close()
		dsn = "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(" + strconv.Itoa(2*walLimit) + ")"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: an in-memory database is per connection, and the
	// emulator's load never needs more.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, stopCheckpoints: func() {}}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if path != ":memory:" {
		if err := s.startCheckpoints(path); err != nil {
			s.Close()
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stopCheckpoints()
	s.closeRawStatements()
	_, _ = s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return s.db.Close()
}

// walLimit is the write-ahead log size past which a checkpoint also restarts
// the log, holding writers back for the moment it takes. The log file keeps
// its size, so that the commits after a restart write over blocks the file
// already has, which costs less than growing it (about 40 against 48 µs a
// lone commit, `go test ./internal/store -bench RecordRequests/disk`).
const walLimit = 16 << 20

// startCheckpoints runs a passive checkpoint every half second, so that
// commits never do one; a passive checkpoint cannot restart the log while
// writes keep coming, so once the log holds more than walLimit a RESTART
// checkpoint follows, which can.
func (s *Store) startCheckpoints(path string) error {
	cp, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	cp.SetMaxOpenConns(1)
	var pageSize int
	if err := cp.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		cp.Close()
		return err
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var busy, frames, copied int
				err := cp.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
				if err == nil && frames*pageSize > walLimit {
					_, _ = cp.Exec(`PRAGMA wal_checkpoint(RESTART)`)
				}
			}
		}
	}()
	s.stopCheckpoints = sync.OnceFunc(func() { close(done); <-stopped; cp.Close() })
	return nil
}

func (s *Store) migrate() error {
	if _, err := s.db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := s.db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("made by a newer petstore-webhooks (schema %d, this one knows %d)", current, len(migrations))
	}
	for v := current + 1; v <= len(migrations); v++ {
		err := s.inTx(context.Background(), func(tx *sql.Tx) error {
			if _, err := tx.Exec(migrations[v-1]); err != nil {
				return err
			}
			_, err := tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, formatTime(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	return nil
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Setting returns a stored setting, or "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

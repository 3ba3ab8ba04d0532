// Package store is the embedded SQLite databases (pure Go, no cgo) with
// versioned migrations: listen's history (OpenHistory) and the emulator's
// state (OpenEmulator), each in a file of its own.
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
	unlock          func() // OpenHistoryLocked's lock, let go of by Close; nil without one
}

// Statements on hot paths, prepared once per connection (rawStatements).
const (
	insertRequest        = `INSERT INTO requests (received_at, event_id, event_type, method, path, headers, body, body_size, status, verification, scheme, reason, duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertForwardAttempt = `INSERT INTO forward_attempts (forward_id, attempt, attempted_at, status, latency_ms, error, response, response_headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	insertForward        = `INSERT INTO forwards (request_id, target, state, created_at, next_attempt_at) VALUES (?, ?, 'pending', ?, ?)`
)

// Older versions gave every file both schemas, by these three migrations:
// a file they made is at version 1, 2 or 3 and may hold both. Each schema
// keeps their numbers, with those that made the other's tables doing nothing.
const (
	legacyEmulatorTables = `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
	CREATE INDEX attempts_webhook ON attempts (webhook_id, id);`

	legacyHistoryTables = `CREATE TABLE requests (
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
	CREATE INDEX forward_attempts_forward ON forward_attempts (forward_id);`

	// The size of the body received, when only a prefix of it is kept;
	// NULL when the whole body is.
	legacyBodySize = `ALTER TABLE requests ADD COLUMN body_size INTEGER;`
)

// A schema is the tables of one kind of file, with the migrations that make
// them: run in order, once each; append, never edit.
type schema struct {
	what       string   // what a file of this schema holds, for errors
	id         int32    // the file's PRAGMA application_id, once migrated
	tables     []string // its tables, which tell an older file's kind
	migrations []migration
}

// A migration runs in a transaction, with foreign keys off (see migrate).
type migration func(*sql.Tx) error

func exec(query string) migration {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(query)
		return err
	}
}

// otherSchemas is a migration of the other schema only: both number theirs
// alike (sharedLegacy runs them side by side).
func otherSchemas(*sql.Tx) error { return nil }

var (
	historyTables  = []string{"forward_attempts", "forwards", "requests"}
	emulatorTables = []string{"attempts", "deliveries", "settings", "webhooks"}
)

var historySchema = &schema{
	what:   "listen's history",
	id:     0x70776869, // "pwhi"
	tables: historyTables,
	migrations: []migration{
		otherSchemas,
		exec(legacyHistoryTables),
		exec(legacyBodySize),
		// Ids are never given again: without AUTOINCREMENT, SQLite gives a
		// new row the highest id plus one, the id of the latest row once it
		// is deleted (listen --no-history, pruning), and `events show` or
		// the relay's claims would take one request or forward for another.
		// SQLite adds AUTOINCREMENT only to a new table: copy, drop, rename.
		// forward_attempts keeps its ids, which never leave the store.
		exec(`CREATE TABLE requests_new (
			id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
			duplicate    INTEGER NOT NULL,
			body_size    INTEGER
		);
		INSERT INTO requests_new (id, received_at, event_id, event_type, method, path, headers, body, status, verification, reason, duplicate, body_size)
			SELECT id, received_at, event_id, event_type, method, path, headers, body, status, verification, reason, duplicate, body_size FROM requests;
		CREATE TABLE forwards_new (
			id              INTEGER PRIMARY KEY AUTOINCREMENT,
			request_id      INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
			target          TEXT NOT NULL,
			state           TEXT NOT NULL,
			attempts        INTEGER NOT NULL DEFAULT 0,
			created_at      TEXT NOT NULL,
			next_attempt_at TEXT
		);
		INSERT INTO forwards_new (id, request_id, target, state, attempts, created_at, next_attempt_at)
			SELECT id, request_id, target, state, attempts, created_at, next_attempt_at FROM forwards;
		DROP TABLE forwards;
		DROP TABLE requests;
		ALTER TABLE requests_new RENAME TO requests;
		ALTER TABLE forwards_new RENAME TO forwards;
		CREATE INDEX forwards_due ON forwards (state, next_attempt_at);
		CREATE INDEX forwards_request ON forwards (request_id);`),
		dropIfEmpty(emulatorTables),
		// The signature scheme that verified a request, and the headers of
		// a target's answer (jsonenc.AppendHeader; '' when there was none),
		// for the inspector.
		exec(`ALTER TABLE requests ADD COLUMN scheme TEXT NOT NULL DEFAULT '';
		ALTER TABLE forward_attempts ADD COLUMN response_headers TEXT NOT NULL DEFAULT '';`),
	},
}

var emulatorSchema = &schema{
	what:   "the emulator's state",
	id:     0x70776d75, // "pwmu"
	tables: emulatorTables,
	migrations: []migration{
		exec(legacyEmulatorTables),
		otherSchemas,
		otherSchemas,
		otherSchemas, // the history's tables, rebuilt to never give an id again
		dropIfEmpty(historyTables),
		otherSchemas, // the scheme and response_headers columns of the history
	},
}

// sharedLegacy is an older file whose tables of both schemas hold rows: one
// file given to both `listen --history` and `emulator --db`, which worked
// before each had a file of its own. Stamping it as either would lock the
// other out of its rows, so it gets both schemas' migrations, version by
// version (they keep the same numbers), and a stamp of its own, so that both
// keep opening it even once one kind's rows are all gone.
var sharedLegacy = &schema{
	what:       "listen's history and the emulator's state",
	id:         0x70777368, // "pwsh"
	migrations: bothSchemas(historySchema, emulatorSchema),
}

func bothSchemas(a, b *schema) []migration {
	if len(a.migrations) != len(b.migrations) {
		panic("store: the schemas number their migrations differently")
	}
	both := make([]migration, len(a.migrations))
	for i := range both {
		both[i] = func(tx *sql.Tx) error {
			if err := a.migrations[i](tx); err != nil {
				return err
			}
			return b.migrations[i](tx)
		}
	}
	return both
}

// dropIfEmpty drops an older file's tables of the other schema when none of
// them holds a row; a file where they do is shared (sharedLegacy) and keeps
// them all.
func dropIfEmpty(tables []string) migration {
	return func(tx *sql.Tx) error {
		if rows, err := holdRows(context.Background(), tx, tables); err != nil || rows {
			return err
		}
		for _, t := range tables {
			if _, err := tx.Exec(`DROP TABLE IF EXISTS ` + t); err != nil {
				return err
			}
		}
		return nil
	}
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// holdRows says whether any of those of tables that exist holds a row.
func holdRows(ctx context.Context, q querier, tables []string) (bool, error) {
	for _, t := range tables {
		var exists, rows bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)`, t).Scan(&exists); err != nil {
			return false, err
		}
		if !exists {
			continue
		}
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`)`).Scan(&rows); err != nil || rows {
			return rows, err
		}
	}
	return false, nil
}

// OpenHistory opens (creating if needed) listen's history at path and
// migrates it. ":memory:" is a database that lives as long as the Store.
func OpenHistory(path string) (*Store, error) { return openSchema(path, historySchema) }

// OpenEmulator opens (creating if needed) the emulator's state at path and
// migrates it. ":memory:" is a database that lives as long as the Store.
func OpenEmulator(path string) (*Store, error) { return openSchema(path, emulatorSchema) }

func openSchema(path string, sc *schema) (*Store, error) {
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
	if err := s.migrate(sc); err != nil {
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
	err := s.db.Close()
	if s.unlock != nil {
		s.unlock()
	}
	return err
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

// migrate runs the migrations sc's file has not had. They run with foreign
// keys off, as SQLite's way to rebuild a table wants: dropping a table with
// them on deletes the rows that reference it (ON DELETE CASCADE). Each
// checks them before it commits.
func (s *Store) migrate(sc *schema) error {
	ctx := context.Background()
	conn, err := s.db.Conn(ctx) // the pragma holds on this connection only
	if err != nil {
		return err
	}
	defer conn.Close()
	owner, err := fileOwner(ctx, conn)
	if err != nil {
		return err
	}
	if other := otherSchema(sc); owner == other {
		return fmt.Errorf("it holds %s, not %s: give another file", other.what, sc.what)
	}
	if owner == sharedLegacy {
		sc = sharedLegacy
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if current > len(sc.migrations) {
		return fmt.Errorf("made by a newer petstore-webhooks (schema %d, this one knows %d)", current, len(sc.migrations))
	}
	for v := current + 1; v <= len(sc.migrations); v++ {
		if err := migrateTo(ctx, conn, v, sc.migrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, sc.id))
	return err
}

// fileOwner says whose a file is, from its application_id; for an older file
// (application_id 0), from which schema's tables hold rows: sharedLegacy when
// both do, nil when neither does (a new file too).
func fileOwner(ctx context.Context, conn *sql.Conn) (*schema, error) {
	var id int32
	if err := conn.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		return nil, err
	}
	for _, sc := range []*schema{historySchema, emulatorSchema, sharedLegacy} {
		if id == sc.id {
			return sc, nil
		}
	}
	history, err := holdRows(ctx, conn, historySchema.tables)
	if err != nil {
		return nil, err
	}
	emulator, err := holdRows(ctx, conn, emulatorSchema.tables)
	switch {
	case err != nil:
		return nil, err
	case history && emulator:
		return sharedLegacy, nil
	case history:
		return historySchema, nil
	case emulator:
		return emulatorSchema, nil
	}
	return nil, nil
}

func otherSchema(sc *schema) *schema {
	if sc == historySchema {
		return emulatorSchema
	}
	return historySchema
}

func migrateTo(ctx context.Context, conn *sql.Conn, version int, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := m(tx); err != nil {
		return err
	}
	var table string
	var rowid, parent, fk sql.NullInt64
	switch err := tx.QueryRow(`PRAGMA foreign_key_check`).Scan(&table, &rowid, &parent, &fk); {
	case err == nil:
		return fmt.Errorf("a row of %s (rowid %d) would lose what it references", table, rowid.Int64)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
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

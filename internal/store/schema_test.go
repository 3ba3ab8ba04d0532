package store

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func openHistory(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openEmulator(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenEmulator(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

func request(eventID string) *Request {
	return &Request{ReceivedAt: t0, EventID: eventID, EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"` + eventID + `"}`), Status: 200, Verification: "verified"}
}

// recordDelivered records a request with a forward to one target, delivered
// at the first attempt, as listen does.
func recordDelivered(t *testing.T, s *Store, eventID string) (*Request, Forward) {
	t.Helper()
	r := request(eventID)
	fwds, err := s.RecordRequests(ctx, []*Request{r}, [][]string{{"http://127.0.0.1:9/"}})
	if err != nil {
		t.Fatal(err)
	}
	f := fwds[0][0]
	if err := s.RecordForwardAttempt(ctx, ForwardAttempt{ForwardID: f.ID, Attempt: 1, AttemptedAt: t0, Status: 200, Response: []byte("ok")}, Delivered, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return r, f
}

// listen --no-history deletes a request once it is delivered: the next one
// must not get its number, nor its forward the deleted forward's id (the
// relay's claims and `events show` rely on an id naming one thing forever).
func TestDeletedIDsAreNotGivenAgain(t *testing.T) {
	for _, path := range []string{":memory:", filepath.Join(t.TempDir(), "history.db")} {
		s := openHistory(t, path)
		kept, _ := recordDelivered(t, s, "evt_kept")
		gone, goneFwd := recordDelivered(t, s, "evt_gone")
		if err := s.DeleteFinished(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		next, nextFwd := recordDelivered(t, s, "evt_next")
		if next.ID <= gone.ID || nextFwd.ID <= goneFwd.ID {
			t.Errorf("%s: after deleting request #%d (forward %d), the next is #%d (forward %d): ids given again", path, gone.ID, goneFwd.ID, next.ID, nextFwd.ID)
		}
		if _, err := s.GetRequest(ctx, gone.ID); err != ErrNotFound {
			t.Errorf("%s: request #%d after its deletion: %v, want not found", path, gone.ID, err)
		}
		if r, err := s.GetRequest(ctx, kept.ID); err != nil || r.EventID != "evt_kept" {
			t.Errorf("%s: request #%d = %s, %v", path, kept.ID, r.EventID, err)
		}
	}
}

func tables(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := collect(rows, func(sc scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestEachFileHoldsItsOwnTables(t *testing.T) {
	dir := t.TempDir()
	if got := tables(t, openHistory(t, filepath.Join(dir, "history.db"))); !slices.Equal(got, historyTables) {
		t.Errorf("a new history.db holds %v, want %v", got, historyTables)
	}
	if got := tables(t, openEmulator(t, filepath.Join(dir, "emulator.db"))); !slices.Equal(got, emulatorTables) {
		t.Errorf("a new emulator.db holds %v, want %v", got, emulatorTables)
	}
}

// A history opened as the emulator's database, or the other way round, is
// refused with a message saying what the file is, and left as it was.
func TestTheOtherKindOfFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	hist, emu := filepath.Join(dir, "history.db"), filepath.Join(dir, "emulator.db")
	s := openHistory(t, hist)
	recordDelivered(t, s, "evt_1")
	s.Close()
	openEmulator(t, emu).Close()
	if _, err := OpenEmulator(hist); err == nil || !strings.Contains(err.Error(), "holds listen's history, not the emulator's state") {
		t.Errorf("OpenEmulator(history.db) = %v", err)
	}
	if _, err := OpenHistory(emu); err == nil || !strings.Contains(err.Error(), "holds the emulator's state, not listen's history") {
		t.Errorf("OpenHistory(emulator.db) = %v", err)
	}
	if r, err := openHistory(t, hist).GetRequest(ctx, 1); err != nil || r.EventID != "evt_1" {
		t.Errorf("history after a refused open: %+v, %v", r, err)
	}
}

// legacyFile makes a database as older versions did, with both schemas,
// holding requests, forwards and attempts when history is set and a
// webhook, a delivery and its attempt when emulator is.
func legacyFile(t *testing.T, history, emulator bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "legacy.db")
	// In write-ahead log mode, as older versions made it.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`,
		legacyEmulatorTables, legacyHistoryTables, legacyBodySize,
		`INSERT INTO schema_migrations VALUES (1, '2025-01-01'), (2, '2025-01-01'), (3, '2025-01-01')`}
	if history {
		// Request #3 was deleted (listen --no-history), and with it forward 3
		// and its attempt: the old tables would give those ids again.
		for i := 1; i <= 3; i++ {
			stmts = append(stmts,
				fmt.Sprintf(`INSERT INTO requests VALUES (%d, '2025-01-06T12:00:00.000000000Z', 'evt_%d', 'pet.adopted', 'POST', '/webhooks', '{}', x'7b7d', 200, 'verified', '', 0, NULL)`, i, i),
				fmt.Sprintf(`INSERT INTO forwards VALUES (%d, %d, 'http://127.0.0.1:9/', 'delivered', 1, '2025-01-06T12:00:00.000000000Z', NULL)`, i, i),
				fmt.Sprintf(`INSERT INTO forward_attempts VALUES (%d, %d, 1, '2025-01-06T12:00:00.000000000Z', 200, 1.5, '', x'6f6b')`, i, i))
		}
		stmts = append(stmts, `INSERT INTO forwards VALUES (4, 2, 'http://127.0.0.1:8/', 'pending', 1, '2025-01-06T12:00:00.000000000Z', '2025-01-06T12:01:00.000000000Z')`,
			`INSERT INTO forward_attempts VALUES (4, 4, 1, '2025-01-06T12:00:00.000000000Z', 503, 2, 'busy', x'')`,
			`DELETE FROM requests WHERE id = 3`)
	}
	if emulator {
		stmts = append(stmts, `INSERT INTO settings VALUES ('api_key', 'k1')`,
			`INSERT INTO webhooks (id, url, events, secret, status, created_at, updated_at) VALUES ('wh_1', 'http://127.0.0.1:9/', '["pet.adopted"]', 'whsec_1', 'active', '2025-01-06T12:00:00.000000000Z', '2025-01-06T12:00:00.000000000Z')`,
			`INSERT INTO deliveries (webhook_id, event_id, event_type, body, attempts, state) VALUES ('wh_1', 'evt_1', 'pet.adopted', x'7b7d', 1, 'delivered')`,
			`INSERT INTO attempts (delivery_id, webhook_id, event_id, event_type, attempt, attempted_at, status, latency_ms, error) VALUES (1, 'wh_1', 'evt_1', 'pet.adopted', 1, '2025-01-06T12:00:00.000000000Z', 200, 1, '')`)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// A history made by an older version keeps every request, forward and
// attempt, loses the emulator's tables when they are empty, and from then on
// never gives a deleted id again.
func TestLegacyHistoryMigrates(t *testing.T) {
	s := openHistory(t, legacyFile(t, true, false))
	if got := tables(t, s); !slices.Equal(got, historyTables) {
		t.Errorf("tables = %v, want %v", got, historyTables)
	}
	if id := applicationID(t, s); id != historySchema.id {
		t.Errorf("application_id = %#x, want %#x (listen's history)", id, historySchema.id)
	}
	for id, wantFwds := range map[int64]int{1: 1, 2: 2} {
		r, err := s.GetRequest(ctx, id)
		if err != nil || r.EventID != fmt.Sprintf("evt_%d", id) || string(r.Body) != "{}" {
			t.Errorf("request #%d = %+v, %v", id, r, err)
		}
		fwds, atts, err := s.Forwards(ctx, id)
		if err != nil || len(fwds) != wantFwds {
			t.Fatalf("request #%d: forwards %+v, %v", id, fwds, err)
		}
		for _, f := range fwds {
			if a := atts[f.ID]; len(a) != 1 || a[0].Attempt != 1 {
				t.Errorf("forward %d: attempts %+v", f.ID, a)
			}
		}
	}
	if due, err := s.DueForwards(ctx, t0.Add(time.Hour), 10); err != nil || len(due) != 1 || due[0].ID != 4 {
		t.Errorf("due forwards = %+v, %v; want forward 4", due, err)
	}
	// The foreign keys still hold: deleting a request deletes its forwards
	// and their attempts.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM requests WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	var orphans int
	s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM forwards WHERE request_id = 1) + (SELECT COUNT(*) FROM forward_attempts WHERE forward_id = 1)`).Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d forwards and attempts of a deleted request are left", orphans)
	}
	r, f := recordDelivered(t, s, "evt_new")
	if r.ID != 3 || f.ID != 5 {
		t.Errorf("the next request is #%d with forward %d, want #3 and 5 (the highest ids kept, plus one)", r.ID, f.ID)
	}
	gone := r.ID
	s.DeleteFinished(ctx, gone)
	if r, _ := recordDelivered(t, s, "evt_after"); r.ID <= gone {
		t.Errorf("after deleting #%d, the next request is #%d", gone, r.ID)
	}
}

func TestLegacyEmulatorFileMigrates(t *testing.T) {
	s := openEmulator(t, legacyFile(t, false, true))
	if got := tables(t, s); !slices.Equal(got, emulatorTables) {
		t.Errorf("tables = %v, want %v", got, emulatorTables)
	}
	if id := applicationID(t, s); id != emulatorSchema.id {
		t.Errorf("application_id = %#x, want %#x (the emulator's state)", id, emulatorSchema.id)
	}
	if w, err := s.GetWebhook(ctx, "wh_1"); err != nil || w.Secret != "whsec_1" {
		t.Errorf("webhook = %+v, %v", w, err)
	}
	if atts, err := s.Attempts(ctx, "wh_1", ""); err != nil || len(atts) != 1 {
		t.Errorf("attempts = %+v, %v", atts, err)
	}
	if k, err := s.Setting(ctx, "api_key"); err != nil || k != "k1" {
		t.Errorf("api key = %q, %v", k, err)
	}
}

func applicationID(t *testing.T, s *Store) int32 {
	t.Helper()
	var id int32
	if err := s.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// dump lists every row of tables in the database at path, read without
// writing to it; with no tables given, every table's, after the file's
// application_id and user_version.
func dump(t *testing.T, path string, tables ...string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	if len(tables) == 0 {
		var id, version int32
		if err := db.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "application_id %#x, user_version %d\n", id, version)
		rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		if tables, err = collect(rows, func(sc scanner) (string, error) {
			var n string
			return n, sc.Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			values := make([]any, len(cols))
			for i := range values {
				values[i] = new(any)
			}
			if err := rows.Scan(values...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for _, v := range values {
				switch v := *v.(*any); v.(type) {
				case string, []byte:
					fmt.Fprintf(&b, " %q", v)
				default:
					fmt.Fprintf(&b, " %v", v)
				}
			}
			b.WriteString("\n")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// migrated is a dump of an older file's rows as they read once it is
// migrated: each request gains an empty scheme and each attempt empty
// response_headers (#16), the emulator's rows are as they were.
func migrated(rows string) string {
	lines := strings.SplitAfter(rows, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "requests:") || strings.HasPrefix(l, "forward_attempts:") {
			lines[i] = strings.TrimSuffix(l, "\n") + ` ""` + "\n"
		}
	}
	return strings.Join(lines, "")
}

// A file made before each kind had a file of its own (#14) whose rows are
// all of the other kind is that kind's: opening it as the wrong kind is
// refused as for a stamped file, and changes nothing in it, so that its
// owner still opens it with every row. (The emulator claimed an old history
// it was given, and `events list` could no longer read it.)
func TestALegacyFileOfTheOtherKindIsRefusedAndLeftAsItWas(t *testing.T) {
	for _, tc := range []struct {
		name              string
		history, emulator bool
		open, owner       func(string) (*Store, error)
		ownerSchema       *schema
		refusal           string
	}{
		{"a history opened as the emulator's state", true, false, OpenEmulator, OpenHistory, historySchema,
			"it holds listen's history, not the emulator's state: give another file"},
		{"the emulator's state opened as a history", false, true, OpenHistory, OpenEmulator, emulatorSchema,
			"it holds the emulator's state, not listen's history: give another file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := legacyFile(t, tc.history, tc.emulator)
			ownTables := historyTables
			if tc.ownerSchema == emulatorSchema {
				ownTables = emulatorTables
			}
			bytes, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			before, rows := dump(t, path), dump(t, path, ownTables...)
			if rows == "" {
				t.Fatal("the legacy file holds no row of its kind")
			}

			s, err := tc.open(path)
			if err == nil {
				s.Close()
			}
			if want := "database " + path + ": " + tc.refusal; err == nil || err.Error() != want {
				t.Errorf("open = %v, want %q", err, want)
			}
			if after := dump(t, path); after != before {
				t.Errorf("the refused open changed the file:\n%s\nwas:\n%s", after, before)
			}
			if after, err := os.ReadFile(path); err != nil || !slices.Equal(after, bytes) {
				t.Errorf("the refused open changed the file's bytes (%v)", err)
			}

			s, err = tc.owner(path)
			if err != nil {
				t.Fatalf("its own kind, after the refusal: %v", err)
			}
			if id := applicationID(t, s); id != tc.ownerSchema.id {
				t.Errorf("application_id = %#x, want %#x (%s)", id, tc.ownerSchema.id, tc.ownerSchema.what)
			}
			s.Close()
			if after := dump(t, path, ownTables...); after != migrated(rows) {
				t.Errorf("its own kind, after the refusal, holds:\n%s\nwant:\n%s", after, rows)
			}
		})
	}
}

// A file made before each kind had a file of its own (#14) whose tables of
// both kinds hold rows was given to both listen --history and emulator --db,
// which worked then: both keep opening it, in either order and again, with
// every row, and neither claims it, even once one kind's rows are all gone
// (the history pruned). Its history gets ids that are never given again,
// whichever opened it first.
func TestASharedLegacyFileKeepsWorkingForBoth(t *testing.T) {
	both := append(slices.Clone(historyTables), emulatorTables...)
	for _, order := range [][]func(string) (*Store, error){
		{OpenHistory, OpenEmulator, OpenHistory, OpenEmulator},
		{OpenEmulator, OpenHistory, OpenEmulator, OpenHistory},
	} {
		path := legacyFile(t, true, true)
		rows := dump(t, path, both...)
		for i, open := range order {
			s, err := open(path)
			if err != nil {
				t.Fatalf("open %d: %v", i+1, err)
			}
			if id := applicationID(t, s); id != sharedLegacy.id {
				t.Errorf("open %d: application_id = %#x, want %#x (shared, neither kind's)", i+1, id, sharedLegacy.id)
			}
			if got := tables(t, s); !slices.Equal(got, slices.Sorted(slices.Values(both))) {
				t.Errorf("open %d: tables = %v, want all of %v", i+1, got, both)
			}
			s.Close()
			if after := dump(t, path, both...); after != migrated(rows) {
				t.Errorf("open %d: the file holds\n%s\nwant:\n%s", i+1, after, migrated(rows))
			}
		}
		e := openEmulator(t, path)
		if w, err := e.GetWebhook(ctx, "wh_1"); err != nil || w.Secret != "whsec_1" {
			t.Errorf("webhook = %+v, %v", w, err)
		}
		if k, err := e.Setting(ctx, "api_key"); err != nil || k != "k1" {
			t.Errorf("api key = %q, %v", k, err)
		}
		e.Close()
		h := openHistory(t, path)
		if r, err := h.GetRequest(ctx, 2); err != nil || r.EventID != "evt_2" {
			t.Errorf("request #2 = %+v, %v", r, err)
		}
		r, _ := recordDelivered(t, h, "evt_new")
		if err := h.DeleteFinished(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if next, _ := recordDelivered(t, h, "evt_next"); next.ID <= r.ID {
			t.Errorf("after deleting #%d, the next request is #%d: ids given again", r.ID, next.ID)
		}
		if _, err := h.db.ExecContext(ctx, `DELETE FROM forward_attempts; DELETE FROM forwards; DELETE FROM requests`); err != nil {
			t.Fatal(err) // as pruning and --no-history do, in the end
		}
		h.Close()
		for _, open := range []func(string) (*Store, error){OpenEmulator, OpenHistory, OpenEmulator} {
			s, err := open(path)
			if err != nil {
				t.Fatalf("once the history is empty: %v", err)
			}
			s.Close()
		}
	}
}

// A file made before each kind had a file of its own (#14) that holds no
// row is the first opener's: its tables of the other kind go, and it is
// stamped, so that the other kind is refused from then on.
func TestAnEmptyLegacyFileIsTheFirstOpenersOwn(t *testing.T) {
	for _, tc := range []struct {
		open, other func(string) (*Store, error)
		schema      *schema
		tables      []string
	}{
		{OpenHistory, OpenEmulator, historySchema, historyTables},
		{OpenEmulator, OpenHistory, emulatorSchema, emulatorTables},
	} {
		path := legacyFile(t, false, false)
		s, err := tc.open(path)
		if err != nil {
			t.Fatal(err)
		}
		if id := applicationID(t, s); id != tc.schema.id {
			t.Errorf("application_id = %#x, want %#x (%s)", id, tc.schema.id, tc.schema.what)
		}
		if got := tables(t, s); !slices.Equal(got, tc.tables) {
			t.Errorf("%s: tables = %v, want %v", tc.schema.what, got, tc.tables)
		}
		s.Close()
		if _, err := tc.other(path); err == nil || !strings.Contains(err.Error(), "it holds "+tc.schema.what) {
			t.Errorf("the other kind, after %s: %v", tc.schema.what, err)
		}
	}
}

// A history made before #16 (schema 5) gains the scheme of each request and
// the headers of each answer: its rows read with none, and new rows keep
// them. A file stamped shared gains them too, the emulator's file nothing.
func TestAHistoryBeforeTheInspectorGainsSchemesAndAnswerHeaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	before := *historySchema
	before.migrations = historySchema.migrations[:5]
	s, err := openSchema(path, &before)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO requests (received_at, event_id, event_type, method, path, headers, body, status, verification, reason, duplicate)
			VALUES ('2025-01-06T12:00:00.000000000Z', 'evt_old', 'pet.adopted', 'POST', '/webhooks', '{}', x'7b7d', 200, 'verified', '', 0)`,
		`INSERT INTO forwards (request_id, target, state, attempts, created_at) VALUES (1, 'http://127.0.0.1:9/', 'delivered', 1, '2025-01-06T12:00:00.000000000Z')`,
		`INSERT INTO forward_attempts (forward_id, attempt, attempted_at, status, latency_ms, error, response) VALUES (1, 1, '2025-01-06T12:00:00.000000000Z', 200, 1.5, '', x'6f6b')`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s = openHistory(t, path)
	old, err := s.GetRequest(ctx, 1)
	if err != nil || old.EventID != "evt_old" || old.Scheme != "" {
		t.Errorf("the older request = %+v, %v; want evt_old without a scheme", old, err)
	}
	fwds, atts, err := s.Forwards(ctx, 1)
	if err != nil || len(fwds) != 1 || len(atts[fwds[0].ID]) != 1 {
		t.Fatalf("the older forwards: %+v %+v, %v", fwds, atts, err)
	}
	if a := atts[fwds[0].ID][0]; a.ResponseHeader != nil || string(a.Response) != "ok" {
		t.Errorf("the older attempt = %+v, want its answer without headers", a)
	}

	r := request("evt_new")
	r.Scheme = "standard-webhooks"
	fwd, err := s.RecordRequests(ctx, []*Request{r}, [][]string{{"http://127.0.0.1:9/"}})
	if err != nil {
		t.Fatal(err)
	}
	answer := http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=\xff\x1b"}}
	for _, a := range []ForwardAttempt{
		{ForwardID: fwd[0][0].ID, Attempt: 1, AttemptedAt: t0, Error: "connection refused", Response: []byte{}},
		{ForwardID: fwd[0][0].ID, Attempt: 2, AttemptedAt: t0, Status: 200, Response: []byte("ok"), ResponseHeader: answer},
	} {
		if err := s.RecordForwardAttempt(ctx, a, Delivered, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.GetRequest(ctx, r.ID); err != nil || got.Scheme != "standard-webhooks" {
		t.Errorf("a new request's scheme = %q, %v", got.Scheme, err)
	}
	_, atts, err = s.Forwards(ctx, r.ID)
	got := atts[fwd[0][0].ID]
	if err != nil || len(got) != 2 {
		t.Fatalf("attempts = %+v, %v", got, err)
	}
	if got[0].ResponseHeader != nil {
		t.Errorf("an attempt without an answer has headers %v", got[0].ResponseHeader)
	}
	// Bytes that are not UTF-8 are kept as encoding/json keeps them.
	want := http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=\ufffd\x1b"}}
	if fmt.Sprint(got[1].ResponseHeader) != fmt.Sprint(want) {
		t.Errorf("an answer's headers read back as %q, want %q", got[1].ResponseHeader, want)
	}
	if id := applicationID(t, s); id != historySchema.id {
		t.Errorf("application_id = %#x, want %#x (listen's history)", id, historySchema.id)
	}
}

// A shared older file gains the history's new columns too; the emulator's
// own file gains nothing and keeps opening.
func TestTheNewColumnsOfSharedAndEmulatorFiles(t *testing.T) {
	path := legacyFile(t, true, true)
	s := openHistory(t, path)
	if r, err := s.GetRequest(ctx, 1); err != nil || r.Scheme != "" {
		t.Errorf("request #1 of a shared file = %+v, %v", r, err)
	}
	r := request("evt_shared")
	r.Scheme = "petstore"
	if _, err := s.RecordRequests(ctx, []*Request{r}, [][]string{nil}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRequest(ctx, r.ID); err != nil || got.Scheme != "petstore" {
		t.Errorf("a new request's scheme in a shared file = %q, %v", got.Scheme, err)
	}
	s.Close()
	e := openEmulator(t, path)
	if w, err := e.GetWebhook(ctx, "wh_1"); err != nil || w.Secret != "whsec_1" {
		t.Errorf("webhook of the shared file = %+v, %v", w, err)
	}
	emu := filepath.Join(t.TempDir(), "emulator.db")
	openEmulator(t, emu).Close()
	if got := tables(t, openEmulator(t, emu)); !slices.Equal(got, emulatorTables) {
		t.Errorf("the emulator's file holds %v, want %v", got, emulatorTables)
	}
}

package store

import (
	"database/sql"
	"fmt"
	"net/http"
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
	fwds, err := s.RecordRequests(ctx, []*Request{r}, [][]string{{"http://127.0.0.1:9/"}}, nil)
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

var (
	historyTables  = []string{"forward_attempts", "forwards", "requests"}
	emulatorTables = []string{"attempts", "deliveries", "settings", "webhooks"}
)

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
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
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

// An older file that holds rows of both schemas keeps them all, whichever
// opens it: a table of the other schema is dropped only when it is empty.
func TestLegacyFileWithBothSchemasKeepsEveryRow(t *testing.T) {
	s := openHistory(t, legacyFile(t, true, true))
	if got, want := tables(t, s), append(slices.Clone(emulatorTables), historyTables...); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("history tables = %v, want all of %v", got, want)
	}
	if w, err := s.GetWebhook(ctx, "wh_1"); err != nil || w.Secret != "whsec_1" {
		t.Errorf("webhook kept in the history: %+v, %v", w, err)
	}
	if r, err := s.GetRequest(ctx, 2); err != nil || r.EventID != "evt_2" {
		t.Errorf("request #2 = %+v, %v", r, err)
	}

	e := openEmulator(t, legacyFile(t, true, true))
	if r, err := e.GetRequest(ctx, 2); err != nil || r.EventID != "evt_2" {
		t.Errorf("request kept in the emulator's file: %+v, %v", r, err)
	}
	if k, err := e.Setting(ctx, "api_key"); err != nil || k != "k1" {
		t.Errorf("api key = %q, %v", k, err)
	}
}

func TestLegacyEmulatorFileMigrates(t *testing.T) {
	s := openEmulator(t, legacyFile(t, false, true))
	if got := tables(t, s); !slices.Equal(got, emulatorTables) {
		t.Errorf("tables = %v, want %v", got, emulatorTables)
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

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
)

// events lists the history as JSON.
func (u *user) events(history string) []map[string]any {
	u.t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("events", "list", "--history", history, "--format", "json")), &list); err != nil {
		u.t.Fatal(err)
	}
	return list
}

func TestBrowserGetIsAnswered405AndRecorded(t *testing.T) {
	u := newUser(t)
	history := filepath.Join(u.dir, "h.db")
	l := u.listen("--history", history)
	res, err := http.Get(l.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Fatalf("GET answered %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	l.interrupt(t)
	if list := u.events(history); len(list) != 1 || list[0]["status"] != 405.0 || list[0]["state"] != "rejected" {
		t.Fatalf("events list: %v", list)
	}
}

func TestSecondListenOnTheSameHistoryRefuses(t *testing.T) {
	u := newUser(t)
	history := filepath.Join(u.dir, "h.db")
	first := u.listen("--history", history)
	u.mustRun("trigger", "pet.adopted", "--url", first.URL)

	second := u.run("listen", "--addr", "127.0.0.1:0", "--history", history, "--timeout", "3s") // without the lock, it would run
	want := fmt.Sprintf("Error: history %s is in use by another listen (pid %d): stop it, or give this one another --history FILE or --no-history\n", history, first.cmd.Process.Pid)
	if second.code != 1 || second.stderr != want {
		t.Fatalf("second listen: exit %d, stderr %q; want 1, %q", second.code, second.stderr, want)
	}
	if list := u.events(history); len(list) != 1 || list[0]["eventType"] != "pet.adopted" {
		t.Fatalf("events list while listen runs: %v", list)
	}
	first.interrupt(t)
	third := u.listen("--history", history) // the lock went with the first
	third.interrupt(t)
}

// Two emulators on one database would both deliver its pending deliveries.
func TestSecondEmulatorOnTheSameDatabaseRefuses(t *testing.T) {
	u := newUser(t)
	db := filepath.Join(u.dir, "emulator.db")
	first := u.emulator(db)
	second := u.start(nil, "emulator", "--addr", "127.0.0.1:0", "--db", db)
	code := second.wait(t) // without the lock, it would run until killed
	want := fmt.Sprintf("Error: database %s is in use by another emulator (pid %d): stop it, or give this one another --db FILE\n", db, first.cmd.Process.Pid)
	if code != 1 || second.stderr.String() != want {
		t.Fatalf("second emulator: exit %d, stderr %q; want 1, %q", code, second.stderr, want)
	}
	if r := u.run("emulator", "--db", db, "--print-api-key"); r.code != 0 || r.stdout != "pk_emulator_e2e\n" {
		t.Fatalf("--print-api-key while the emulator runs: %+v", r)
	}
	first.interrupt(t)
}

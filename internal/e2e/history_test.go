package e2e

import (
	"encoding/json"
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

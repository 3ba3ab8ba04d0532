package store

import (
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The short id that listen and events list print ("…eb0c3480") names the
// event whose id ends with it, when only one does.
func TestFindRequestByShortID(t *testing.T) {
	st := openHistory(t, filepath.Join(t.TempDir(), "history.db"))
	var reqs []*Request
	for _, id := range []string{
		"019b4132-70aa-764f-b315-e2803d882a24", // #1
		"019b4132-70aa-764f-b315-e280eb0c3480", // #2
		"019b4132-70aa-764f-b315-e28011113480", // #3
		"019b4132-70aa-764f-b315-e280eb0c3480", // #4: the same event again
		"019b4132-70aa-764f-b315-e28012345678", // #5
	} {
		reqs = append(reqs, &Request{ReceivedAt: time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC), EventID: id, EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200, Verification: "verified"})
	}
	if _, err := st.RecordRequests(ctx, reqs, make([][]string, len(reqs))); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]int64{
		"eb0c3480":                             4, // the latest request of that event
		"…eb0c3480":                            4,
		"...eb0c3480":                          4,
		"2a24":                                 1,
		"3":                                    3, // a number is a request number first
		"12345678":                             5, // not a request number: an id's end
		"019b4132-70aa-764f-b315-e2803d882a24": 1,
	} {
		r, err := st.FindRequest(ctx, ref)
		if err != nil || r.ID != want {
			t.Errorf("FindRequest(%q) = #%d, %v; want #%d", ref, r.ID, err, want)
		}
	}
	for _, ref := range []string{"ffff", "0c3", "78", "9", "…", ""} {
		if _, err := st.FindRequest(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindRequest(%q) = %v, want ErrNotFound", ref, err)
		}
	}
	_, err := st.FindRequest(ctx, "…3480")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || !slices.Equal(amb.Numbers, []int64{4, 3}) {
		t.Errorf("FindRequest(…3480) = %v, want an AmbiguousError naming #4 and #3", err)
	}
}

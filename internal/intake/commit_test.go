package intake

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// Requests accepted at once are committed (in groups), each with its id.
func TestConcurrentRequestsAreAllCommitted(t *testing.T) {
	h := newHarness(t, Config{KeepHistory: true})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.accept(accepted(strings.Repeat("e", i+1), "pet.adopted"))
		}()
	}
	wg.Wait()
	h.close()
	if rows := h.requests(); len(rows) != 50 {
		t.Fatalf("%d requests stored", len(rows))
	}
}

// Of a request not answered 200 only the start of the body is kept.
func TestTheStartOfARejectedBodyIsKept(t *testing.T) {
	h := newHarness(t, Config{KeepHistory: true})
	big := bytes.Repeat([]byte("x"), 1<<20)
	for _, status := range []int{401, 200, 400} {
		r := accepted("e", "pet.adopted")
		r.Status, r.Body = status, big
		if status == 400 {
			r.Body = []byte("x")
		}
		h.accept(r)
	}
	h.close()
	rows := h.requests() // newest first
	for i, want := range []struct{ kept, size int }{{1, 0}, {1 << 20, 0}, {RejectedBodyKept, 1 << 20}} {
		got, err := h.st.GetRequest(context.Background(), rows[i].ID)
		if err != nil || len(got.Body) != want.kept || got.BodySize != want.size {
			t.Fatalf("answered %d: kept %d bytes of %d, want %d of %d (%v)", got.Status, len(got.Body), got.BodySize, want.kept, want.size, err)
		}
	}
}

// Finished requests older than MaxAge are forgotten when the intake starts
// and every minute after; those with forwards pending are kept.
func TestPruneByAge(t *testing.T) {
	st, err := store.OpenHistory(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	old := &store.Request{ReceivedAt: t0.Add(-48 * time.Hour), Header: http.Header{}, Body: []byte("x"), Status: 200}
	pending := &store.Request{ReceivedAt: t0.Add(-48 * time.Hour), Header: http.Header{}, Body: []byte("y"), Status: 200}
	fresh := &store.Request{ReceivedAt: t0.Add(-23 * time.Hour), Header: http.Header{}, Body: []byte("z"), Status: 200}
	if _, err := st.RecordRequests(context.Background(), []*store.Request{old, pending, fresh}, [][]string{nil, {"http://a"}, nil}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Store: st, KeepHistory: true, MaxAge: 24 * time.Hour})
	h.accept(accepted("e1", "pet.adopted")) // committed after the first pruning
	if rows := h.requests(); len(rows) != 3 || rows[1].ID != fresh.ID || rows[2].ID != pending.ID {
		t.Fatalf("after pruning on start: %+v", rows)
	}
	h.clk.BlockUntil(1) // the pruning's minute
	h.clk.Advance(2 * time.Hour)
	h.clk.BlockUntil(1) // pruned, and waiting for the next minute
	h.close()
	if rows := h.requests(); len(rows) != 2 || rows[1].ID != pending.ID {
		t.Fatalf("after pruning two hours later: %+v", rows)
	}
}

// The history is kept under MaxSize, the oldest finished requests going
// first, and SizePruning is told once.
func TestPruneToSize(t *testing.T) {
	const max = 512 << 10
	told := 0
	h := newHarness(t, Config{KeepHistory: true, MaxSize: max, SizePruning: func() { told++ }}, "pet.*=http://127.0.0.1:1")
	h.in.cfg.OnError = nil
	for i := range 300 {
		r := accepted("e", "none")
		if i == 0 {
			r = accepted("first", "pet.adopted") // forwarded: kept while pending
		}
		r.Body = bytes.Repeat([]byte("x"), 8<<10)
		h.accept(r)
	}
	h.close()
	size, err := h.st.Size(context.Background())
	if err != nil || size > max {
		t.Fatalf("database holds %d bytes, more than %d (%v)", size, max, err)
	}
	rows := h.requests()
	if len(rows) < 10 || len(rows) > 60 || rows[len(rows)-1].EventID != "first" || rows[len(rows)-1].State != store.Pending {
		t.Fatalf("%d requests left, the oldest %s %s", len(rows), rows[len(rows)-1].EventID, rows[len(rows)-1].State)
	}
	if told != 1 {
		t.Fatalf("told %d times that pruning for size started", told)
	}
}

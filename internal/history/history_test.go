package history

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// running returns a recorder on a database in memory, and stops it.
func running(t *testing.T) (*store.Store, *Recorder, func()) {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := New(st, 0, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	return st, rec, func() { cancel(); <-done }
}

func TestRecordCommitsConcurrentRequests(t *testing.T) {
	st, rec, stop := running(t)

	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := &store.Request{ReceivedAt: time.Now(), EventID: "e", Method: "POST", Header: http.Header{}, Body: []byte("x"), Status: 200}
			fwds, err := rec.Record(context.Background(), req, []string{"http://a", "http://b"}[:i%3%2+1], nil)
			if err != nil || req.ID == 0 || len(fwds) != i%3%2+1 || fwds[0].RequestID != req.ID {
				t.Errorf("Record: %v, id %d, forwards %+v", err, req.ID, fwds)
			}
		}()
	}
	wg.Wait()
	rows, _ := st.ListRequests(context.Background(), store.RequestFilter{})
	if len(rows) != 50 {
		t.Fatalf("%d requests stored", len(rows))
	}
	stop()
	if _, err := rec.Record(context.Background(), &store.Request{Header: http.Header{}}, nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Record after Run ended: %v", err)
	}
}

func TestPruneWhileRunning(t *testing.T) {
	st, _ := store.Open(":memory:")
	defer st.Close()
	old := &store.Request{ReceivedAt: time.Now().Add(-48 * time.Hour), Header: http.Header{}, Body: []byte("x"), Status: 200}
	pending := &store.Request{ReceivedAt: time.Now().Add(-48 * time.Hour), Header: http.Header{}, Body: []byte("y"), Status: 200}
	fresh := &store.Request{ReceivedAt: time.Now(), Header: http.Header{}, Body: []byte("z"), Status: 200}
	if _, err := st.RecordRequests(context.Background(), []*store.Request{old, pending, fresh}, [][]string{nil, {"http://a"}, nil}, nil); err != nil {
		t.Fatal(err)
	}
	rec := New(st, 24*time.Hour, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run prunes once on start, then stops
	rec.Run(ctx)
	rows, _ := st.ListRequests(context.Background(), store.RequestFilter{})
	if len(rows) != 2 || rows[0].ID != fresh.ID || rows[1].ID != pending.ID {
		t.Fatalf("after pruning: %+v", rows)
	}
}

func TestRecordAttemptMovesTheForward(t *testing.T) {
	st, rec, stop := running(t)

	req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte("x"), Status: 200}
	fwds, err := rec.Record(context.Background(), req, []string{"http://a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	retry := time.Now().Add(time.Minute).Truncate(time.Microsecond)
	a := store.ForwardAttempt{ForwardID: fwds[0].ID, Attempt: 1, AttemptedAt: time.Now(), Status: 503, Response: []byte("busy")}
	if err := rec.RecordAttempt(context.Background(), a, store.Pending, retry); err != nil {
		t.Fatal(err)
	}
	got, attempts, err := st.Forwards(context.Background(), req.ID)
	if err != nil || got[0].State != store.Pending || got[0].Attempts != 1 || !got[0].NextAttemptAt.Equal(retry) ||
		len(attempts[fwds[0].ID]) != 1 || attempts[fwds[0].ID][0].Status != 503 {
		t.Fatalf("forward %+v, attempts %+v, %v", got, attempts, err)
	}
	stop()
	if err := rec.RecordAttempt(context.Background(), a, store.Delivered, time.Time{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("RecordAttempt after Run ended: %v", err)
	}
}

func TestRecordKeepsTheStartOfARejectedBody(t *testing.T) {
	st, rec, stop := running(t)
	defer stop()
	big := bytes.Repeat([]byte("x"), 1<<20)
	rejected := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: big, Status: 401}
	accepted := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: big, Status: 200}
	small := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: []byte("x"), Status: 400}
	for _, req := range []*store.Request{rejected, accepted, small} {
		if _, err := rec.Record(context.Background(), req, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		req        *store.Request
		kept, size int
	}{{rejected, RejectedBodyKept, 1 << 20}, {accepted, 1 << 20, 0}, {small, 1, 0}} {
		got, err := st.GetRequest(context.Background(), tt.req.ID)
		if err != nil || len(got.Body) != tt.kept || got.BodySize != tt.size {
			t.Fatalf("answered %d: kept %d bytes of %d, want %d of %d (%v)", tt.req.Status, len(got.Body), got.BodySize, tt.kept, tt.size, err)
		}
	}
}

func TestPruneToSizeWhileRunning(t *testing.T) {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const max = 512 << 10
	rec := New(st, 0, time.Now)
	told := 0
	rec.LimitSize(max, func() { told++ })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()

	var reqs []*store.Request
	for i := range 300 {
		req := &store.Request{ReceivedAt: time.Now(), Method: "POST", Header: http.Header{}, Body: bytes.Repeat([]byte("x"), 8<<10), Status: 200}
		var targets []string
		if i == 0 {
			targets = []string{"http://a"} // pending: never deleted
		}
		if _, err := rec.Record(context.Background(), req, targets, nil); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, req)
	}
	cancel()
	<-done // Run checks the size after the commits that pass max/32 bytes

	size, err := st.Size(context.Background())
	if err != nil || size > max {
		t.Fatalf("database holds %d bytes, more than %d (%v)", size, max, err)
	}
	rows, _ := st.ListRequests(context.Background(), store.RequestFilter{})
	if len(rows) < 10 || len(rows) > 60 || rows[0].ID != reqs[299].ID || rows[len(rows)-1].ID != reqs[0].ID || rows[len(rows)-1].State != store.Pending {
		t.Fatalf("%d requests left, newest #%d, oldest #%d %s", len(rows), rows[0].ID, rows[len(rows)-1].ID, rows[len(rows)-1].State)
	}
	if told != 1 {
		t.Fatalf("told %d times that pruning for size started", told)
	}
}

package store

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// go test ./internal/store -run XXX -bench RecordRequests
// "forward1" gives each request one target: a forward inserted beside it.
func BenchmarkRecordRequests(b *testing.B) {
	body := make([]byte, 600)
	hdr := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"},
		"X-Petstore-Signature": {"sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}
	for _, c := range []struct {
		where    string
		batch    int
		forwards int
	}{{"disk", 1, 0}, {"disk", 16, 0}, {"memory", 1, 0}, {"memory", 16, 0}, {"disk", 1, 1}, {"memory", 16, 1}} {
		batch := c.batch
		name := fmt.Sprintf("%s/batch%d", c.where, batch)
		if c.forwards > 0 {
			name += fmt.Sprintf("/forward%d", c.forwards)
		}
		targets := make([][]string, batch)
		for j := range targets {
			targets[j] = make([]string, c.forwards)
			for k := range targets[j] {
				targets[j][k] = fmt.Sprintf("http://127.0.0.1:%d/", 9000+k)
			}
		}
		b.Run(name, func(b *testing.B) {
			path := ":memory:"
			if c.where == "disk" {
				path = filepath.Join(b.TempDir(), "h.db")
			}
			st, err := OpenHistory(path)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				reqs := make([]*Request, batch)
				for j := range reqs {
					reqs[j] = &Request{ReceivedAt: time.Now(), EventID: "e", EventType: "order.created", Method: "POST", Path: "/webhooks",
						Header: hdr, Body: body, Status: 200, Verification: "verified"}
				}
				if _, err := st.RecordRequests(context.Background(), reqs, targets); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// go test ./internal/store -run XXX -bench Stats
// Stats of a day's history of 12 000 requests, each forwarded to one of
// three targets and answered at the first attempt.
func BenchmarkStats(b *testing.B) {
	st, err := OpenHistory(filepath.Join(b.TempDir(), "h.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	body := make([]byte, 600)
	for i := 0; i < 12000; i += 100 {
		reqs, targets := make([]*Request, 100), make([][]string, 100)
		for j := range reqs {
			reqs[j] = &Request{ReceivedAt: now.Add(-time.Duration(i+j) * 7 * time.Second), EventID: "e", EventType: "order.created", Method: "POST",
				Path: "/webhooks", Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Status: 200, Verification: "verified"}
			targets[j] = []string{fmt.Sprintf("http://127.0.0.1:%d/", 3000+j%3)}
		}
		fwds, err := st.RecordRequests(ctx, reqs, targets)
		if err != nil {
			b.Fatal(err)
		}
		var batch Batch
		for j, f := range fwds {
			batch.Attempts = append(batch.Attempts, AttemptRecord{State: Delivered,
				Attempt: ForwardAttempt{ForwardID: f[0].ID, Attempt: 1, AttemptedAt: now, Status: 200, Latency: time.Duration(j) * time.Millisecond, Response: []byte{}}})
		}
		if _, err := st.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := st.Stats(ctx, now.Add(-24*time.Hour), now); err != nil {
			b.Fatal(err)
		}
	}
}

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

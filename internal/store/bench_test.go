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
func BenchmarkRecordRequests(b *testing.B) {
	body := make([]byte, 600)
	hdr := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"},
		"X-Petstore-Signature": {"sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}
	for _, c := range []struct {
		where string
		batch int
	}{{"disk", 1}, {"disk", 16}, {"memory", 1}, {"memory", 16}} {
		batch := c.batch
		b.Run(fmt.Sprintf("%s/batch%d", c.where, batch), func(b *testing.B) {
			path := ":memory:"
			if c.where == "disk" {
				path = filepath.Join(b.TempDir(), "h.db")
			}
			st, err := Open(path)
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
				if _, err := st.RecordRequests(context.Background(), reqs, make([][]string, batch), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

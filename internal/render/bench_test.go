package render

import (
	"net/http"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// go test ./internal/render -run XXX -bench AppendRequestLine
func BenchmarkAppendRequestLine(b *testing.B) {
	body := []byte(`{"id":"bench-0000001","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":{"order":{"id":"ord_0000001","status":"PENDING","total":49.98,"currency":"USD"}}}`)
	r := receiver.Request{ReceivedAt: time.Now(), Method: "POST", Path: "/webhooks", Body: body, Status: 200, Verification: receiver.Verified, Scheme: "petstore",
		Header: http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"}, "Content-Length": {"180"}, "Accept-Encoding": {"gzip"},
			"X-Petstore-Signature": {"sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}},
		Event: &event.Envelope{ID: "bench-0000001", Type: "order.created"}}
	for b.Loop() {
		_ = AppendRequestLine(nil, r)
	}
}

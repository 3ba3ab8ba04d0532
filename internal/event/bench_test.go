package event

import "testing"

// go test ./internal/event -run XXX -bench ParseEnvelope
func BenchmarkParseEnvelope(b *testing.B) {
	body := []byte(`{"id":"bench-0000001","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":{"order":{"id":"ord_0000001","status":"PENDING","items":[{"productId":"prod_1","quantity":2,"price":24.99}],"total":49.98,"currency":"USD"},"customer":{"id":"cus_1","email":"jordan.lee@example.com"}}}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseEnvelope(body); err != nil {
			b.Fatal(err)
		}
	}
}

package event

import (
	"testing"
	"time"
)

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

// go test ./internal/event -run XXX -bench Template
func BenchmarkTemplateBuild(b *testing.B) {
	fixture := []byte(`{"id":"x","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":{"order":{"id":"{{id:ord}}","status":"PENDING","items":[{"productId":"{{id:prod}}","quantity":2,"price":24.99}],"total":49.98,"currency":"USD"},"customer":{"id":"{{id:cus}}","email":"jordan.lee@example.com"}}}`)
	t, err := Compile(fixture, Edits{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for b.Loop() {
		if _, _, err := t.Build(Generator{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

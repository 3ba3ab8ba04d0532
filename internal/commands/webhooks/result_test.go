package webhooks

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// TestTestRenderings: what `test` says of a delivery that arrived, one
// answered outside 2xx with the API's words, one that reached nothing, and
// one to a long URL.
func TestTestRenderings(t *testing.T) {
	const id = "019b4132-70aa-764f-b315-e2803d882a24"
	for name, d := range map[string]petstore.Delivery{
		"test-delivered":   {EventID: id, EventType: "order.status_changed", Attempt: 1, Status: 200, LatencyMs: 1.24, URL: "http://127.0.0.1:8080/webhooks"},
		"test-non-2xx":     {EventID: id, EventType: "pet.adopted", Attempt: 1, Status: 503, LatencyMs: 12, URL: "http://127.0.0.1:8080/webhooks", Error: "answered Service Unavailable: the database is starting"},
		"test-unreachable": {EventID: id, EventType: "payment.failed", Attempt: 1, URL: "http://127.0.0.1:8080/webhooks", Error: "dial tcp 127.0.0.1:8080: connect: connection refused"},
		"test-long-url":    {EventID: id, EventType: "pet.adopted", Attempt: 1, Status: 200, LatencyMs: 3, URL: "https://user:secret@hooks.example.com/petstore/a/very/long/path/that/cannot/fit?token=x"},
	} {
		t.Run(name, func(t *testing.T) {
			cmdtest.AssertRenderingsOf(t, name, nil, func(f *cmdutil.Factory) error { return printTestDelivery(f.IOStreams, "", d) })
		})
	}
}

// TestRegisterRenderings: register shows the webhook with its secret (once).
func TestRegisterRenderings(t *testing.T) {
	cmdtest.AssertRenderingsOf(t, "register", nil, func(f *cmdutil.Factory) error { return printWebhook(f.IOStreams, "", someHook[0], true) })
}

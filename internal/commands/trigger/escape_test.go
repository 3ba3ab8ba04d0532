package trigger

import (
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
)

func TestDeliveryLinesEscapeOutsideText(t *testing.T) {
	for _, tty := range []bool{false, true} {
		ios, _, out, _ := iostreams.Test()
		ios.SetTTY(false, tty, false)
		opts := &Options{IO: ios}
		d := delivery{SentAt: time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC), EventID: "e1\x1b[K", EventType: "pet.adopted\u202e",
			Result: sender.Result{Status: 401, Reason: "bad\x1b[2J\n12:00:00  pet.adopted  e9  200 OK"}}
		if err := printDelivery(opts, d, false); err != nil {
			t.Fatal(err)
		}
		if err := printSent(opts, d.SentAt, petstore.EventSent{ID: "e2\x1b]0;x\x07", EventType: "pet.\xc2\x9b", Webhooks: 1}, nil); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		wants := []string{`pet.adopted\u202e`, `e1\x1b[K`, `bad\x1b[2J\n12:00:00`, `e2\x1b]0;x\x07`, `pet.\u009b`}
		lines := 2
		if tty { // all of the id but its last 8 characters; the reason on a line of its own
			wants = []string{`pet.adopted\u202e`, `e1\x1b[K`, `bad\x1b[2J\n12:00:00`, `…]0;x\x07`, `pet.\u009b`}
			lines = 3
		}
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("terminal %v: lacks %s in %q", tty, want, got)
			}
		}
		if strings.Count(got, "\n") != lines || strings.ContainsAny(got, "\x07\u202e\u009b") || strings.Contains(got, "\x1b[K") {
			t.Errorf("terminal %v: %q", tty, got)
		}
	}
}

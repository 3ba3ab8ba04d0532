package emulator

import (
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestMain(m *testing.M) { cmdtest.MainInUTC(m) }

// TestReadyAndStoppedRenderings: the banner with a database path too long
// to share the first line, and the last line, stopped by Ctrl+C or not.
func TestReadyAndStoppedRenderings(t *testing.T) {
	const key = "pk_emulator_abcdefghijklmnop"
	cmdtest.AssertRenderingsOf(t, "ready", nil, func(f *cmdutil.Factory) error {
		printReady(f.IOStreams, "http://127.0.0.1:4010/v1", "/home/someone/.local/share/petstore-webhooks/emulator.db", key)
		return nil
	})
	cmdtest.AssertRenderingsOf(t, "ready-memory", nil, func(f *cmdutil.Factory) error {
		printReady(f.IOStreams, "http://127.0.0.1:4010/v1", ":memory:", key)
		return nil
	})
	cmdtest.AssertRenderingsOf(t, "stopped-ctrl-c", nil, func(f *cmdutil.Factory) error {
		printStopped(f.IOStreams, true)
		return nil
	})
	cmdtest.AssertRenderingsOf(t, "stopped", nil, func(f *cmdutil.Factory) error {
		printStopped(f.IOStreams, false)
		return nil
	})
}

// TestLogRenderings: requests (one with a path too long for a line, one
// whose client left) and a delivery that is retried, answered outside 2xx,
// delivered, and one that fails for good.
func TestLogRenderings(t *testing.T) {
	attempt := func(n, status int, latency time.Duration, err string) store.Attempt {
		return store.Attempt{EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "order.status_changed", Attempt: n,
			AttemptedAt: cmdtest.Now, Status: status, Latency: latency, Error: err}
	}
	const url = "http://127.0.0.1:8080/webhooks"
	cmdtest.AssertRenderingsOf(t, "log", nil, func(f *cmdutil.Factory) error {
		log := newLogger(f.IOStreams, f.Now, nil)
		log.request("POST", "/v1/webhooks", 201, 1200*time.Microsecond)
		log.request("GET", "/v1/webhooks/wh_fYrZzCW9E1WIOyGw/deliveries?limit=100&starting_after=019b4132-70aa-764f-b315", 200, 800*time.Microsecond)
		log.request("POST", "/v1/events", emulator.StatusClientGone, 5*time.Second)
		log.attempt(emulator.AttemptLog{Attempt: attempt(1, 0, 300*time.Microsecond, "dial tcp 127.0.0.1:8080: connect: connection refused"), URL: url, Of: 5, Retrying: true, RetryIn: time.Minute})
		log.attempt(emulator.AttemptLog{Attempt: attempt(2, 503, 12*time.Millisecond, ""), URL: url, Of: 5, Retrying: true, RetryIn: 5 * time.Minute})
		log.attempt(emulator.AttemptLog{Attempt: attempt(3, 200, 2300*time.Microsecond, ""), URL: "https://user:secret@hooks.example.com/petstore/a/very/long/path/that/does/not/fit", Of: 5})
		log.attempt(emulator.AttemptLog{Attempt: attempt(5, 500, 1500*time.Millisecond, "answered after 5s"), URL: url, Of: 5, Disabled: true})
		log.close()
		return nil
	})
}

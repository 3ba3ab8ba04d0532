package events

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestMain(m *testing.M) { cmdtest.MainInUTC(m) }

// TestListRenderings shows a history with every state: a delivered
// forward, a failed one, a pending one, a rejected request without an event
// id, one received with nothing to forward, and an event type with control
// characters in it; and an empty history, with and without filters.
func TestListRenderings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := func(ago time.Duration, id, typ string, status int, verification string) *store.Request {
		return &store.Request{ReceivedAt: cmdtest.Now.Add(-ago), Method: "POST", Path: "/webhooks", Status: status, Verification: verification,
			EventID: id, EventType: typ, Header: http.Header{}, Body: []byte("{}")}
	}
	reqs := []*store.Request{
		req(72*time.Hour, "019b4132-70aa-764f-b315-e2803d882a24", "order.status_changed", 200, "verified"),
		req(3*time.Hour, "019b4132-70aa-764f-b315-e2803d882a25", "payment.failed", 200, "verified"),
		req(2*time.Hour, "019b4132-70aa-764f-b315-e2803d882a26", "pet.adopted", 200, "verified"),
		req(time.Hour, "", "", 401, "rejected"),
		req(time.Minute, "evt_1", "pet.adopted\x1b[2J\n12:00:00 verified", 200, "verified"),
		req(time.Second, "019b4132-70aa-764f-b315-e2803d882a27", "payment.succeeded", 200, "unverified"),
	}
	targets := [][]string{{"http://127.0.0.1:3000/"}, {"http://127.0.0.1:3000/"}, {"http://127.0.0.1:3000/"}, nil, nil, nil}
	fwds, err := st.RecordRequests(ctx, reqs, targets)
	if err != nil {
		t.Fatal(err)
	}
	for i, state := range map[int]string{0: store.Delivered, 1: store.Failed} {
		a := store.ForwardAttempt{ForwardID: fwds[i][0].ID, Attempt: 1, AttemptedAt: cmdtest.Now, Status: 200, Response: []byte{}}
		if err := st.RecordForwardAttempt(ctx, a, state, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	// The path the empty table names is the same in every run: a relative
	// one, in a directory where testdata/ leads back to the package's.
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(historyOf(t))
	if err := os.Symlink(testdata, filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	assertJSON(t, "list-json", func(f *cmdutil.Factory) error {
		return listRun(t.Context(), &ListOptions{IO: f.IOStreams, Now: f.Now, History: path, Filter: store.RequestFilter{Limit: 2}, Format: "json"})
	})
	for _, tt := range []struct {
		name string
		opts ListOptions
	}{
		{"list", ListOptions{History: path, Filter: store.RequestFilter{Limit: 50}, Format: "human"}},
		{"list-empty", ListOptions{History: "history.db", Format: "human"}},
		{"list-none-match", ListOptions{History: "history.db", Filter: store.RequestFilter{Status: store.Failed}, Filtered: true, Format: "human"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			termErr, pipeErr := cmdtest.AssertRenderingsOf(t, tt.name, nil, func(f *cmdutil.Factory) error {
				opts := tt.opts
				opts.IO, opts.Now = f.IOStreams, f.Now
				return listRun(t.Context(), &opts)
			})
			if termErr != nil || pipeErr != nil {
				t.Fatal(termErr, pipeErr)
			}
		})
	}
}

// TestPruneRendering: what prune says it did.
func TestPruneRendering(t *testing.T) {
	history := historyOf(t, &store.Request{ReceivedAt: cmdtest.Now.Add(-48 * time.Hour), Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200})
	// Each run prunes its own copy: the first would leave the others nothing.
	cmdtest.AssertRenderingsOf(t, "prune", nil, func(f *cmdutil.Factory) error {
		copied := filepath.Join(t.TempDir(), "history.db")
		b, err := os.ReadFile(history)
		if err == nil {
			err = os.WriteFile(copied, b, 0o600)
		}
		if err != nil {
			return err
		}
		return pruneRun(t.Context(), &PruneOptions{IO: f.IOStreams, History: copied, Before: cmdtest.Now.Add(-24 * time.Hour), Yes: true})
	})
}

// assertJSON compares what run prints with testdata/<name>.golden, and
// checks that it prints the same on a terminal and piped, and nothing on
// stderr.
func assertJSON(t *testing.T, name string, run func(*cmdutil.Factory) error) {
	t.Helper()
	var outs []string
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := run(f); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(cmdtest.Rendered(s)))
	}
	golden.Assert(t, name, []byte(outs[1]))
	if outs[0] != outs[1] {
		t.Errorf("%s on a terminal differs from piped:\n%s", name, outs[0])
	}
}

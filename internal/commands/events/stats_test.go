package events

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// statsHistory is a history of the last hour and more: verified,
// unverified, duplicate and rejected requests (for a long reason, for one
// with control characters, for none), forwards to a target that answers,
// to one (whose name holds an escape) that never does, and one still
// pending, and a request of two days ago, before the default window.
func statsHistory(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	req := func(ago time.Duration, verification, reason string) *store.Request {
		return &store.Request{ReceivedAt: cmdtest.Now.Add(-ago), Method: "POST", Path: "/webhooks", Status: 200, Verification: verification, Reason: reason,
			EventID: "evt", EventType: "pet.adopted", Header: http.Header{}, Body: []byte("{}")}
	}
	const app, down = "localhost:3000", "http://127.0.0.1:3001/hooks/\x1b[2Jpetstore-webhooks-receiver-with-a-long-path"
	var reqs []*store.Request
	var targets [][]string
	for i := range 40 { // one every 80 s, most recent first
		r := req(time.Duration(i)*80*time.Second, "verified", "")
		r.Duplicate = i%10 == 9
		reqs, targets = append(reqs, r), append(targets, []string{app})
	}
	reqs, targets = append(reqs, req(2*time.Minute, "unverified", "no signature"), req(3*time.Minute, "verified", "")), append(targets, []string{app, down}, []string{down})
	reqs, targets = append(reqs, req(48*time.Hour, "verified", "")), append(targets, []string{app})
	long := "signature does not match the secret (checked 2 secrets with the petstore scheme): was the event signed with the secret listen prints?"
	for i, reason := range []string{long, long, long, "timestamp is 6m0s old, more than the tolerance of 5m0s\x1b[31m", ""} {
		reqs, targets = append(reqs, req(time.Duration(i)*7*time.Minute, "rejected", reason)), append(targets, nil)
	}
	fwds, err := st.RecordRequests(ctx, reqs, targets)
	if err != nil {
		t.Fatal(err)
	}
	var batch store.Batch
	for i := range 40 {
		f := fwds[i][0]
		if i == 0 {
			continue // pending
		}
		state := store.Delivered
		if i%8 == 0 {
			state = store.Failed
		}
		batch.Attempts = append(batch.Attempts, store.AttemptRecord{State: state, Attempt: store.ForwardAttempt{ForwardID: f.ID, Attempt: 1, AttemptedAt: cmdtest.Now,
			Status: 200, Latency: time.Duration(i) * 1500 * time.Microsecond, Response: []byte{}}})
	}
	for _, f := range []store.Forward{fwds[40][1], fwds[41][0]} {
		batch.Attempts = append(batch.Attempts, store.AttemptRecord{State: store.Failed, Attempt: store.ForwardAttempt{ForwardID: f.ID, Attempt: 1, AttemptedAt: cmdtest.Now,
			Latency: time.Millisecond, Error: "connection refused", Response: []byte{}}})
	}
	if _, err := st.Commit(ctx, batch); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStatsRenderings(t *testing.T) {
	history := statsHistory(t)
	empty := historyOf(t)
	stats := func(path, format string, since time.Time) func(*cmdutil.Factory) error {
		return func(f *cmdutil.Factory) error {
			return statsRun(t.Context(), &StatsOptions{IO: f.IOStreams, Now: f.Now, History: path, Since: since, Format: format})
		}
	}
	day := cmdtest.Now.Add(-24 * time.Hour)
	assertJSON(t, "stats-json", stats(history, "json", day))
	assertJSON(t, "stats-empty-json", stats(empty, "json", day))
	for _, tt := range []struct {
		name, path string
		since      time.Time
	}{
		{"stats", history, day},
		{"stats-empty", empty, day},
		{"stats-whole-history", history, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if termErr, pipeErr := cmdtest.AssertRenderingsOf(t, tt.name, nil, stats(tt.path, "human", tt.since)); termErr != nil || pipeErr != nil {
				t.Fatal(termErr, pipeErr)
			}
		})
	}
	// Every string from outside is escaped, on a terminal and piped.
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := f.IOStreams.SetColorMode("never"); err != nil {
			t.Fatal(err)
		}
		if err := stats(history, "human", day)(f); err != nil {
			t.Fatal(err)
		}
		out := s.Out.String()
		if strings.Contains(out, "\x1b") || !strings.Contains(out, `\x1b[31m`) || (!terminal && !strings.Contains(out, `\x1b[2J`)) {
			t.Errorf("terminal %v: a target or reason is not escaped:\n%s", terminal, out)
		}
	}
}

func TestStatsFlags(t *testing.T) {
	checkFlags(t, []flagCase[StatsOptions]{
		{name: "defaults", args: []string{"stats"}, want: StatsOptions{History: stateHistory, Since: cmdtest.Now.Add(-24 * time.Hour), Format: "human"}},
		{name: "since and json", args: []string{"stats", "--history", "h.db", "--since", "1h", "--format", "json"},
			want: StatsOptions{History: "h.db", Since: cmdtest.Now.Add(-time.Hour), Format: "json"}},
		{name: "since a day", args: []string{"stats", "--since", "2025-01-01"}, want: StatsOptions{History: stateHistory, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Format: "human"}},
		{name: "whole history", args: []string{"stats", "--since", ""}, want: StatsOptions{History: stateHistory, Format: "human"}},
		{name: "bad since", args: []string{"stats", "--since", "yesterday"}, wantErr: `--since "yesterday": want a duration such as 30m, 2h or 7d, or a time such as 2025-01-06 or 2025-01-06T12:00:00Z`},
		{name: "bad format", args: []string{"stats", "--format", "csv"}, wantErr: `invalid --format "csv": want human or json`},
		{name: "argument", args: []string{"stats", "x"}, wantErr: `events stats takes no arguments, got "x"`},
	}, NewCmdStats, func(o *StatsOptions) StatsOptions { o.IO, o.Now = nil, nil; return *o })
}

func TestStatsWithoutAHistory(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	err := statsRun(t.Context(), &StatsOptions{IO: f.IOStreams, Now: f.Now, History: filepath.Join(t.TempDir(), "none.db"), Format: "human"})
	if err == nil || !strings.Contains(err.Error(), "no history at") {
		t.Errorf("stats of no history: %v", err)
	}
}

package store

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// statsNow is the fixed clock of the stats tests: 20 s into a minute.
var statsNow = time.Date(2025, 1, 6, 12, 30, 20, 0, time.UTC)

func TestStatsOfAKnownHistory(t *testing.T) {
	s := openHistory(t, ":memory:")
	req := func(ago time.Duration, verification, reason string, duplicate bool) *Request {
		return &Request{ReceivedAt: statsNow.Add(-ago), EventID: "e", EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
			Header: http.Header{}, Body: []byte("{}"), Status: 200, Verification: verification, Reason: reason, Duplicate: duplicate}
	}
	const a, b = "localhost:3000", "http://127.0.0.1:3001/hooks"
	reqs := []*Request{
		req(2*time.Hour, "verified", "", false),               // 0: before the window
		req(10*time.Minute, "verified", "", false),            // 1
		req(10*time.Minute-time.Second, "verified", "", true), // 2: a duplicate
		req(time.Minute, "verified", "", false),               // 3
		req(30*time.Second, "unverified", "no signature", false),
		req(59*time.Minute+30*time.Second, "rejected", "signature does not match", false), // in the window, before the last 60 minutes
		req(5*time.Minute, "rejected", "signature does not match", false),
		req(5*time.Minute, "rejected", "", false),
		req(20*time.Second, "", "", false), // answered before verification (405, 413)
	}
	targets := make([][]string, len(reqs))
	targets[0], targets[1], targets[2], targets[3] = []string{a}, []string{a, b}, []string{a}, []string{a}
	fwds, err := s.RecordRequests(ctx, reqs, targets)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []struct {
		fwd     Forward
		attempt int
		status  int
		ms      float64
		state   string
	}{
		{fwds[0][0], 1, 200, 1, Delivered}, // of a request before the window
		{fwds[1][0], 1, 503, 100, Pending},
		{fwds[1][0], 2, 200, 10, Delivered},
		{fwds[1][1], 1, 500, 7, Pending},
		{fwds[2][0], 1, 200, 20, Delivered},
		{fwds[3][0], 1, 0, 5000, Failed}, // no answer: not a latency
	} {
		fa := ForwardAttempt{ForwardID: at.fwd.ID, Attempt: at.attempt, AttemptedAt: statsNow, Status: at.status,
			Latency: time.Duration(at.ms * float64(time.Millisecond)), Response: []byte{}}
		if at.status == 0 {
			fa.Error = "connection refused"
		}
		if err := s.RecordForwardAttempt(ctx, fa, at.state, statsNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}

	st, err := s.Stats(ctx, statsNow.Add(-time.Hour), statsNow)
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != 8 || st.Verified != 3 || st.Unverified != 1 || st.Rejected != 3 || st.Duplicates != 1 || !st.Since.Equal(statsNow.Add(-time.Hour)) {
		t.Errorf("since %s: received %d, verified %d, unverified %d, rejected %d, duplicates %d; want 8, 3, 1, 3, 1",
			st.Since, st.Received, st.Verified, st.Unverified, st.Rejected, st.Duplicates)
	}
	if want := []ReasonCount{{"signature does not match", 2}, {"unknown", 1}}; !slices.Equal(st.RejectedByReason, want) {
		t.Errorf("rejected by reason %+v, want %+v", st.RejectedByReason, want)
	}
	want := []TargetStats{
		{Target: b, Forwards: 1, Pending: 1, Attempts: 1, LatencyMs: Percentiles{7, 7, 7}, Answered: 1},
		{Target: a, Forwards: 3, Delivered: 2, Failed: 1, DeliveryRate: 2.0 / 3, Attempts: 4, LatencyMs: Percentiles{20, 100, 100}, Answered: 3},
	}
	if !slices.Equal(st.Targets, want) {
		t.Errorf("targets\n%+v\nwant\n%+v", st.Targets, want)
	}
	if len(st.PerMinute) != 60 || !st.PerMinute[0].Minute.Equal(time.Date(2025, 1, 6, 11, 31, 0, 0, time.UTC)) ||
		!st.PerMinute[59].Minute.Equal(time.Date(2025, 1, 6, 12, 30, 0, 0, time.UTC)) {
		t.Fatalf("per minute: %d minutes, %+v", len(st.PerMinute), st.PerMinute)
	}
	counts := map[string]int{}
	for _, m := range st.PerMinute {
		if m.Count > 0 {
			counts[m.Minute.Format("15:04")] = m.Count
		}
	}
	// 12:20:20 and 12:20:21; 12:25:20 twice; 12:29:20; 12:29:50 and 12:30:00.
	if want := map[string]int{"12:20": 2, "12:25": 2, "12:29": 2, "12:30": 1}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("per minute %v, want %v", counts, want)
	}

	// A window that holds only the last minute's requests.
	st, err = s.Stats(ctx, statsNow.Add(-40*time.Second), statsNow)
	if err != nil || st.Received != 2 || len(st.Targets) != 0 || len(st.RejectedByReason) != 0 {
		t.Errorf("the last 40s: %+v, %v; want 2 received, no forwards", st, err)
	}
}

func TestStatsOfAnEmptyHistory(t *testing.T) {
	st, err := openHistory(t, ":memory:").Stats(ctx, statsNow.Add(-24*time.Hour), statsNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	prefix := `{"since":"2025-01-05T12:30:20Z","received":0,"verified":0,"unverified":0,"rejected":0,"rejectedByReason":[],"duplicates":0,"targets":[],"perMinute":[{"minute":"2025-01-06T11:31:00Z","count":0},`
	if !strings.HasPrefix(string(b), prefix) || !strings.HasSuffix(string(b), `{"minute":"2025-01-06T12:30:00Z","count":0}]}`) || strings.Count(string(b), `"minute"`) != 60 {
		t.Errorf("an empty history's stats:\n%s\nwant them to start\n%s", b, prefix)
	}
}

func TestTargetStatsJSON(t *testing.T) {
	b, _ := json.Marshal(TargetStats{Target: "localhost:3000", Forwards: 3, Delivered: 2, Failed: 1, DeliveryRate: 0.5, Attempts: 4, LatencyMs: Percentiles{1.2, 3.4, 9.9}, Answered: 3})
	want := `{"target":"localhost:3000","forwards":3,"delivered":2,"failed":1,"pending":0,"deliveryRate":0.5,"attempts":4,"latencyMs":{"p50":1.2,"p95":3.4,"p99":9.9}}`
	if string(b) != want {
		t.Errorf("%s\nwant\n%s", b, want)
	}
}

func TestPercentilesAreByNearestRank(t *testing.T) {
	values := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}
	for _, tc := range []struct {
		n    int
		want Percentiles
	}{
		{0, Percentiles{}},
		{1, Percentiles{1, 1, 1}},
		{2, Percentiles{1, 2, 2}},
		{10, Percentiles{5, 10, 10}},
		{100, Percentiles{50, 95, 99}},
		{1000, Percentiles{500, 950, 990}},
		{101, Percentiles{51, 96, 100}},
	} {
		if got := percentiles(values(tc.n)); got != tc.want {
			t.Errorf("percentiles of 1..%d = %+v, want %+v", tc.n, got, tc.want)
		}
	}
}

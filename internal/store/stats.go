package store

import (
	"context"
	"time"
)

// HistoryStats are the figures of the requests received in a window:
// `events stats --format json` prints them and the inspector's /api/stats
// answers them.
type HistoryStats struct {
	Since      time.Time `json:"since"`
	Received   int       `json:"received"`
	Verified   int       `json:"verified"`
	Unverified int       `json:"unverified"`
	Rejected   int       `json:"rejected"`
	// RejectedByReason counts the rejected by reason, most first, at most
	// MaxReasons of them.
	RejectedByReason []ReasonCount `json:"rejectedByReason"`
	Duplicates       int           `json:"duplicates"`
	Targets          []TargetStats `json:"targets"` // by name
	// PerMinute counts the requests of each of the last 60 minutes, oldest
	// first, the last the minute holding now, whatever the window.
	PerMinute []MinuteCount `json:"perMinute"`
}

// ReasonCount is how many requests were rejected for one reason.
type ReasonCount struct {
	Reason string `json:"reason"` // "unknown" when none was recorded
	Count  int    `json:"count"`
}

// TargetStats are the forwards to one target of the requests in the
// window, and their attempts.
type TargetStats struct {
	Target    string `json:"target"`
	Forwards  int    `json:"forwards"`
	Delivered int    `json:"delivered"`
	Failed    int    `json:"failed"`
	Pending   int    `json:"pending"`
	// DeliveryRate is Delivered of the finished forwards; 0 when none is.
	DeliveryRate float64 `json:"deliveryRate"`
	Attempts     int     `json:"attempts"`
	// LatencyMs is over the attempts the target answered: Answered of them.
	LatencyMs Percentiles `json:"latencyMs"`
	Answered  int         `json:"-"`
}

// Percentiles are nearest-rank percentiles; 0 of no values.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// MinuteCount is how many requests were received in one minute.
type MinuteCount struct {
	Minute time.Time `json:"minute"`
	Count  int       `json:"count"`
}

// MaxReasons is the most reasons HistoryStats.RejectedByReason lists.
const MaxReasons = 20

// Stats are the figures of the requests received from since to now. A
// forward and its attempts count with their request, whenever made.
func (s *Store) Stats(ctx context.Context, since, now time.Time) (HistoryStats, error) {
	st := HistoryStats{Since: since.UTC(), RejectedByReason: []ReasonCount{}, Targets: []TargetStats{}}
	from, to := formatTime(since), formatTime(now)
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(verification = 'verified'), 0), COALESCE(SUM(verification = 'unverified'), 0),
		COALESCE(SUM(verification = 'rejected'), 0), COALESCE(SUM(duplicate), 0)
		FROM requests WHERE received_at BETWEEN ? AND ?`, from, to).Scan(&st.Received, &st.Verified, &st.Unverified, &st.Rejected, &st.Duplicates)
	if err != nil {
		return st, err
	}

	rows, err := s.db.QueryContext(ctx, `SELECT CASE reason WHEN '' THEN 'unknown' ELSE reason END AS why, COUNT(*) FROM requests
		WHERE received_at BETWEEN ? AND ? AND verification = 'rejected' GROUP BY why ORDER BY 2 DESC, 1 LIMIT ?`, from, to, MaxReasons)
	if err != nil {
		return st, err
	}
	reasons, err := collect(rows, func(sc scanner) (ReasonCount, error) {
		var r ReasonCount
		return r, sc.Scan(&r.Reason, &r.Count)
	})
	if err != nil {
		return st, err
	}
	st.RejectedByReason = append(st.RejectedByReason, reasons...)

	if st.Targets, err = s.targetStats(ctx, from, to); err != nil {
		return st, err
	}
	st.PerMinute, err = s.perMinute(ctx, now)
	return st, err
}

// targetStats are the forwards of the requests received between from and
// to, by target.
func (s *Store) targetStats(ctx context.Context, from, to string) ([]TargetStats, error) {
	const window = `FROM forwards f JOIN requests r ON r.id = f.request_id WHERE r.received_at BETWEEN ? AND ?`
	rows, err := s.db.QueryContext(ctx, `SELECT f.target, COUNT(*), COALESCE(SUM(f.state = 'delivered'), 0), COALESCE(SUM(f.state = 'failed'), 0),
		COALESCE(SUM(f.state = 'pending'), 0), COALESCE(SUM(f.attempts), 0) `+window+` GROUP BY f.target ORDER BY f.target`, from, to)
	if err != nil {
		return nil, err
	}
	targets, err := collect(rows, func(sc scanner) (TargetStats, error) {
		var t TargetStats
		err := sc.Scan(&t.Target, &t.Forwards, &t.Delivered, &t.Failed, &t.Pending, &t.Attempts)
		if finished := t.Delivered + t.Failed; finished > 0 {
			t.DeliveryRate = float64(t.Delivered) / float64(finished)
		}
		return t, err
	})
	if err != nil || len(targets) == 0 {
		return []TargetStats{}, err
	}
	// The latencies of the answered attempts, sorted, target by target.
	rows, err = s.db.QueryContext(ctx, `SELECT f.target, a.latency_ms FROM forward_attempts a JOIN forwards f ON f.id = a.forward_id
		JOIN requests r ON r.id = f.request_id WHERE r.received_at BETWEEN ? AND ? AND a.status > 0 ORDER BY f.target, a.latency_ms`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byTarget := map[string]*TargetStats{}
	for i := range targets {
		byTarget[targets[i].Target] = &targets[i]
	}
	var current string
	var latencies []float64
	done := func() {
		if t := byTarget[current]; t != nil {
			t.LatencyMs, t.Answered = percentiles(latencies), len(latencies)
		}
	}
	for rows.Next() {
		var target string
		var ms float64
		if err := rows.Scan(&target, &ms); err != nil {
			return nil, err
		}
		if target != current {
			done()
			current, latencies = target, latencies[:0]
		}
		latencies = append(latencies, ms)
	}
	done()
	return targets, rows.Err()
}

// percentiles of sorted values, by nearest rank: the value at rank
// ceil(p/100 × n), counting from 1.
func percentiles(sorted []float64) Percentiles {
	at := func(p int) float64 {
		if len(sorted) == 0 {
			return 0
		}
		rank := (p*len(sorted) + 99) / 100
		return sorted[max(rank, 1)-1]
	}
	return Percentiles{P50: at(50), P95: at(95), P99: at(99)}
}

// perMinute counts the requests of each of the 60 minutes up to the one
// holding now, oldest first.
func (s *Store) perMinute(ctx context.Context, now time.Time) ([]MinuteCount, error) {
	last := now.UTC().Truncate(time.Minute)
	first := last.Add(-59 * time.Minute)
	minutes := make([]MinuteCount, 60)
	for i := range minutes {
		minutes[i].Minute = first.Add(time.Duration(i) * time.Minute)
	}
	// A stored time's first 16 characters are its minute (timeLayout, UTC).
	rows, err := s.db.QueryContext(ctx, `SELECT substr(received_at, 1, 16) AS minute, COUNT(*) FROM requests
		WHERE received_at >= ? AND received_at < ? GROUP BY minute`, formatTime(first), formatTime(last.Add(time.Minute)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var minute string
		var n int
		if err := rows.Scan(&minute, &n); err != nil {
			return nil, err
		}
		t, err := time.Parse("2006-01-02T15:04", minute)
		if i := int(t.Sub(first) / time.Minute); err == nil && i >= 0 && i < len(minutes) {
			minutes[i].Count = n
		}
	}
	return minutes, rows.Err()
}

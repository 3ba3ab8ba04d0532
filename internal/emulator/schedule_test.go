package emulator

import (
	"context"
	"testing"
	"time"
)

func TestDescribeSchedule(t *testing.T) {
	for _, tc := range []struct {
		schedule []time.Duration
		want     string
	}{
		{DefaultSchedule, "the first attempt at once, then retries after 1m, 5m, 30m and 1h"},
		{[]time.Duration{0, 100 * time.Millisecond, 90 * time.Second}, "the first attempt at once, then retries after 100ms and 1m30s"},
		{[]time.Duration{time.Second, 2 * time.Hour}, "the first attempt after 1s, then retries after 2h"},
		{[]time.Duration{0}, "a single attempt at once"},
	} {
		if got := DescribeSchedule(tc.schedule); got != tc.want {
			t.Errorf("DescribeSchedule(%v) = %q, want %q", tc.schedule, got, tc.want)
		}
	}
}

// The default schedule as described: the first attempt at once, and when it
// fails, the first retry after a minute (what the log says: retry in 1m0s).
func TestDefaultScheduleFirstAttemptAtOnceFirstRetryAfterAMinute(t *testing.T) {
	api, _ := newAPI(t)
	tg := newTarget(t, 500)
	register(t, api, tg.URL, "order.created")
	logs := make(chan AttemptLog, 1)
	api.Engine.OnAttempt = func(l AttemptLog) { logs <- l }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go api.Engine.Run(ctx)
	if w := call(t, api, "POST", "/v1/events", `{"eventType":"order.created"}`); w.Code != 202 {
		t.Fatalf("events: %d %s", w.Code, w.Body)
	}
	select {
	case l := <-logs:
		if l.Attempt.Attempt != 1 || l.Of != 5 || !l.Retrying || l.RetryIn != time.Minute {
			t.Fatalf("first attempt: %+v", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no attempt within 5s of the event: the first attempt is not at once")
	}
}

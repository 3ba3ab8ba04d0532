package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// patience is how long a test waits for something before it fails.
const patience = 10 * time.Second

// output is what a process or a server wrote, safe for concurrent use: as
// cmd.Stdout or cmd.Stderr it holds everything once cmd.Wait returns, and a
// test can wait for its lines to hold a condition without polling.
type output struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed at the next Write
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.written != nil {
		close(o.written)
		o.written = nil
	}
	return o.b.Write(p)
}

// String is everything written so far.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// lines returns the whole lines written so far, and a channel closed at the
// next Write.
func (o *output) lines() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.written == nil {
		o.written = make(chan struct{})
	}
	s := o.b.String()
	return s[:strings.LastIndex(s, "\n")+1], o.written
}

type outcome int

const (
	holds    outcome = iota // the condition held
	ended                   // end was closed first, and the condition did not hold then
	timedOut                // neither in time
)

// await waits until cond holds for the whole lines written so far, checking
// again at each write, for up to within. Once end is closed (the writer has
// stopped: its process has exited) it checks one last time; a nil end never
// closes.
func (o *output) await(end <-chan struct{}, within time.Duration, cond func(lines string) bool) outcome {
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	for {
		lines, written := o.lines()
		if cond(lines) {
			return holds
		}
		select {
		case <-written:
		case <-end:
			if lines, _ := o.lines(); cond(lines) {
				return holds
			}
			return ended
		case <-timeout.C:
			return timedOut
		}
	}
}

// waitFor fails the test unless cond comes to hold for the whole lines
// written, within patience.
func (o *output) waitFor(t *testing.T, what string, cond func(lines string) bool) {
	t.Helper()
	if o.await(nil, patience, cond) != holds {
		t.Fatalf("after %s: %s; written:\n%s", patience, what, o)
	}
}

var _ io.Writer = (*output)(nil)

// A process's output is whole once Wait returns, its last line unfinished
// included, and a test waiting for a line gets it without polling.
func TestOutputHoldsAllOnceWaitReturns(t *testing.T) {
	out := &output{}
	cmd := exec.Command("sh", "-c", `i=0; while [ $i -lt 2000 ]; do i=$((i+1)); echo "line $i"; done; printf unfinished`)
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	out.waitFor(t, "line 1000", func(lines string) bool { return strings.Contains(lines, "line 1000\n") })
	<-exited
	if got := out.String(); strings.Count(got, "\n") != 2000 || !strings.HasSuffix(got, "line 2000\nunfinished") {
		t.Fatalf("after Wait: %d lines, ending %q", strings.Count(got, "\n"), got[max(len(got)-30, 0):])
	}
	if lines, _ := out.lines(); !strings.HasSuffix(lines, "line 2000\n") {
		t.Fatalf("whole lines end %q", lines[max(len(lines)-30, 0):])
	}
	if got := out.await(exited, patience, func(lines string) bool { return strings.Contains(lines, "unfinished") }); got != ended {
		t.Fatalf("waiting for an unfinished line of an ended process: %v, want ended", got)
	}
}

// Writers and waiters at once (run with -race): each waiter sees its line.
func TestOutputWritersAndWaitersAtOnce(t *testing.T) {
	out := &output{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { fmt.Fprintf(out, "writer %d\n", i) })
		wg.Go(func() {
			if got := out.await(nil, patience, func(lines string) bool { return strings.Contains(lines, fmt.Sprintf("writer %d\n", i)) }); got != holds {
				t.Errorf("waiting for writer %d: %v", i, got)
			}
		})
	}
	wg.Wait()
	if n := strings.Count(out.String(), "\n"); n != 50 {
		t.Fatalf("%d lines, want 50", n)
	}
}

// A condition that never holds times out in the given time, not patience.
func TestOutputAwaitTimesOut(t *testing.T) {
	out := &output{}
	start := time.Now()
	if got := out.await(nil, 10*time.Millisecond, func(string) bool { return false }); got != timedOut || time.Since(start) > patience/2 {
		t.Fatalf("await: %v after %s, want timedOut", got, time.Since(start))
	}
}

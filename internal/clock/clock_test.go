package clock

import (
	"slices"
	"testing"
	"time"
)

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func fired(t Timer) bool {
	select {
	case <-t.C():
		return true
	default:
		return false
	}
}

func TestFakeTimerFiresOnlyOnceTheClockPassesItsDeadline(t *testing.T) {
	f := NewFake(start)
	tm := f.NewTimer(time.Second)
	f.Advance(999 * time.Millisecond)
	if fired(tm) {
		t.Fatal("fired before its deadline")
	}
	f.Advance(time.Millisecond)
	select {
	case at := <-tm.C():
		if !at.Equal(start.Add(time.Second)) {
			t.Errorf("fired with %v, want its deadline", at)
		}
	default:
		t.Fatal("did not fire at its deadline")
	}
	if f.Waiting() != 0 {
		t.Errorf("a fired timer still waits: %d", f.Waiting())
	}
}

func TestFakeTimerStopAndReset(t *testing.T) {
	f := NewFake(start)
	tm := f.NewTimer(time.Second)
	if !tm.Stop() {
		t.Error("Stop of a set timer reported it had fired")
	}
	f.Advance(time.Hour)
	if fired(tm) {
		t.Error("a stopped timer fired")
	}
	if tm.Reset(time.Minute) {
		t.Error("Reset of a stopped timer reported it active")
	}
	f.Advance(time.Minute)
	if !fired(tm) {
		t.Error("a reset timer did not fire")
	}
	if tm.Reset(0); !fired(tm) {
		t.Error("a timer reset to 0 did not fire at once")
	}
}

func TestFakeBlockUntilReturnsOnceTheTimersAreSet(t *testing.T) {
	f := NewFake(start)
	done := make(chan struct{})
	go func() {
		<-f.NewTimer(time.Minute).C()
		close(done)
	}()
	f.BlockUntil(1)
	f.Advance(time.Minute)
	<-done
	if got := f.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Errorf("Now = %v", got)
	}
}

func TestFakeNeverGoesBack(t *testing.T) {
	f := NewFake(start)
	f.Set(start.Add(-time.Hour))
	if !f.Now().Equal(start) {
		t.Errorf("Now = %v, want %v", f.Now(), start)
	}
}

func TestRealTimerFires(t *testing.T) {
	tm := Real().NewTimer(0)
	<-tm.C()
	if Real().Now().IsZero() {
		t.Error("Real().Now() is zero")
	}
}

func TestFakeBlockUntilTimersWaitsForATimerAtThatTime(t *testing.T) {
	f := NewFake(start)
	f.NewTimer(time.Second) // another deadline does not end the wait
	done := make(chan struct{})
	go func() {
		<-f.NewTimer(time.Minute).C()
		close(done)
	}()
	f.BlockUntilTimers(func(deadlines []time.Time) bool { return slices.ContainsFunc(deadlines, start.Add(time.Minute).Equal) })
	f.Set(start.Add(time.Minute))
	<-done
}

// Stop discards a value fired and not yet received, as time.Timer does
// since Go 1.23.
func TestFakeStopDiscardsAFiredValue(t *testing.T) {
	f := NewFake(start)
	tm := f.NewTimer(time.Second)
	f.Advance(time.Second)
	if tm.Stop() {
		t.Error("Stop of a fired timer reported it active")
	}
	if fired(tm) {
		t.Error("a value fired before Stop was still received")
	}
}

package event

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Ids made within one millisecond sort in the order they were made.
func TestUUIDv7SortsInCreationOrderWithinAMillisecond(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	ids := make([]string, 10_000)
	for i := range ids {
		ids[i] = NewUUIDv7(now.Add(time.Duration(i%1000) * time.Nanosecond)) // all in one millisecond
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("id %d %s sorts before or with id %d %s, made before it", i, ids[i], i-1, ids[i-1])
		}
	}
	assertUUIDv7s(t, ids, now)
}

// Made at once by many goroutines in one millisecond, ids are distinct and
// each goroutine's sort in the order it made them.
func TestUUIDv7SortsInCreationOrderAcrossGoroutines(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	const goroutines, each = 8, 1250
	made := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range made {
		wg.Go(func() {
			for range each {
				made[g] = append(made[g], NewUUIDv7(now))
			}
		})
	}
	wg.Wait()
	var all []string
	for g, ids := range made {
		if !slices.IsSorted(ids) {
			t.Errorf("goroutine %d's ids do not sort in the order it made them", g)
		}
		all = append(all, ids...)
	}
	slices.Sort(all)
	if n := len(slices.Compact(slices.Clone(all))); n != goroutines*each {
		t.Fatalf("%d distinct ids of %d", n, goroutines*each)
	}
	assertUUIDv7s(t, all, now)
}

// An id takes the time it is given, also one earlier than the last id's,
// and sorts by it.
func TestUUIDv7TakesTheTimeItIsGiven(t *testing.T) {
	later := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	earlier := later.Add(-time.Millisecond)
	a, b := NewUUIDv7(later), NewUUIDv7(earlier)
	assertUUIDv7s(t, []string{a}, later)
	assertUUIDv7s(t, []string{b}, earlier)
	if b >= a {
		t.Fatalf("%s (a millisecond earlier) sorts after %s", b, a)
	}
}

// assertUUIDv7s checks the version and variant bits and the time of each id.
func assertUUIDv7s(t *testing.T, ids []string, at time.Time) {
	t.Helper()
	for _, id := range ids {
		if !uuidV7.MatchString(id) {
			t.Fatalf("%q is not a UUIDv7 (version 7, variant 10)", id)
		}
		if ms, _ := strconv.ParseInt(strings.ReplaceAll(id[:13], "-", ""), 16, 64); ms != at.UnixMilli() {
			t.Fatalf("%s: timestamp bits %d, want %d", id, ms, at.UnixMilli())
		}
	}
}

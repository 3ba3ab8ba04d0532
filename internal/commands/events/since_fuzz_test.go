package events

import (
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
)

func TestSinceRefusesTrailingGarbage(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"7dx", "7d7d", "+7d", "-1d", " 7d", "99999999999999999999d", "9999999d"} {
		if got, err := parseSince(s, now); cmdutil.CodeOf(err) != cmdutil.ExitUsage {
			t.Errorf("parseSince(%q) = %v, %v; want a usage error", s, got, err)
		}
	}
	if got, err := parseSince("7d", now); err != nil || !got.Equal(now.AddDate(0, 0, -7)) {
		t.Fatalf("7d = %v, %v", got, err)
	}
}

func FuzzSince(f *testing.F) {
	for _, s := range []string{"", "1h", "30m", "7d", "0d", "7dx", "2025-01-06", "2025-01-06T12:00:00Z", "-1h", "1e9h", "9223372036854775807ns", "99999d"} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSince(s, now)
		if err != nil {
			if cmdutil.CodeOf(err) != cmdutil.ExitUsage {
				t.Fatalf("parseSince(%q): %v", s, err)
			}
			return
		}
		if s != "" && got.IsZero() {
			t.Fatalf("parseSince(%q) = zero time", s)
		}
		if got.After(now) && !isTime(s) { // a duration never reaches past now
			t.Fatalf("parseSince(%q) = %v, after now", s, got)
		}
	})
}

// isTime reports whether s is a time, which may be after now, rather than a
// duration back from now. time.Parse takes a one-digit hour ("T0:00:00Z"),
// so the length of s does not tell.
func isTime(s string) bool {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

package emulator

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseSchedule: a schedule that parses has one delay per part, none
// negative, each what time.ParseDuration reads; a bad one is named in a
// one-line usage error.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0s,1m,5m,30m,1h", "0s, 250ms,1s", "", ",", "soon", "-1s", "1h,-0s", "2562047h47m16.854775807s", "2562048h",
		"1e3s", "1.5h", "0", "5", "1s\n2s", " 1s ", "1µs,1us", "9223372036854775807ns", strings.Repeat("0s,", 100) + "0s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSchedule(s)
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r\x1b") || !strings.HasPrefix(msg, "--retry-schedule: ") {
				t.Fatalf("parseSchedule(%q): error %q", s, msg)
			}
			return
		}
		parts := strings.Split(s, ",")
		if len(got) != len(parts) {
			t.Fatalf("parseSchedule(%q) = %v: %d delays for %d parts", s, got, len(got), len(parts))
		}
		for i, d := range got {
			want, err := time.ParseDuration(strings.TrimSpace(parts[i]))
			if d < 0 || err != nil || d != want {
				t.Fatalf("parseSchedule(%q)[%d] = %s, want %s (%v)", s, i, d, want, err)
			}
		}
	})
}

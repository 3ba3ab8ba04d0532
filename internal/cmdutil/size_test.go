package cmdutil

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1048576": 1 << 20, "500MB": 500e6, "500 mb": 500e6, "2GiB": 2 << 30, "64KiB": 64 << 10, "10b": 10, "1TB": 1e12} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1", "1.5GB", "12XB", "9999999TiB", "1 2"} {
		if n, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", bad, n)
		}
	}
	for n, want := range map[int64]string{1 << 30: "1GiB", 1500: "1500B", 0: "0B", 3 << 10: "3KiB", 2e6: "2MB", 500e6: "500MB", 1e12: "1TB", 4e6: "4MB", 4096e3: "4000KiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

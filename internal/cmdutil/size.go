package cmdutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the units ParseSize knows: SI (KB = 1000) and binary (KiB = 1024).
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize reads a size in bytes: a whole number, optionally followed by
// B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024),
// in any case: 1048576, 500MB, 2GiB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(t)
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("bad size %q: want a whole number of bytes, or one with a unit such as 500MB or 2GiB", s)
	}
	if n > math.MaxInt64/unit {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * unit, nil
}

// FormatSize writes n in the largest unit that divides it, binary or SI, as
// it was most likely given: 1GiB, 2MB, 1500B.
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"KB", 1e3}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%dB", n)
}

// SizeFlag is a flag value for a size (ParseSize). Given, when set, keeps
// the text as it was given, for messages that quote it.
type SizeFlag struct {
	Bytes *int64
	Given *string
}

// HasUnit reports whether a size's text names a unit: 10 is bytes without
// saying so, 10B and 10MB say what they mean.
func HasUnit(s string) bool { return strings.TrimLeft(strings.TrimSpace(s), "0123456789") != "" }

func (f SizeFlag) String() string {
	if f.Bytes == nil {
		return ""
	}
	return FormatSize(*f.Bytes)
}

func (f SizeFlag) Set(s string) error {
	n, err := ParseSize(s)
	if err == nil {
		*f.Bytes = n
		if f.Given != nil {
			*f.Given = s
		}
	}
	return err
}

func (f SizeFlag) Type() string { return "size" }

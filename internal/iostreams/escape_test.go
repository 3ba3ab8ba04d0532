package iostreams

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want, lines string }{
		{"pet.adopted", "pet.adopted", "pet.adopted"},
		{"", "", ""},
		{"é ✓ 日本 🐈 a\\b", "é ✓ 日本 🐈 a\\b", "é ✓ 日本 🐈 a\\b"},
		{"a\x1b[2Jb", `a\x1b[2Jb`, `a\x1b[2Jb`},
		{"x\n23:59:59 --> verified", `x\n23:59:59 --> verified`, "x\n23:59:59 --> verified"},
		{"cr\rtab\tnul\x00bel\x07del\x7f", `cr\rtab\tnul\x00bel\x07del\x7f`, `cr\rtab\tnul\x00bel\x07del\x7f`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`, `\x1b]0;title\x07`},
		{"csi\xc2\x9b2J nel\u0085", `csi\u009b2J nel\u0085`, `csi\u009b2J nel\u0085`},
		{"bad\xff\xfe utf8 \xc2", `bad\xff\xfe utf8 \xc2`, `bad\xff\xfe utf8 \xc2`},
		{"gpj.\u202eexe", `gpj.\u202eexe`, `gpj.\u202eexe`},
		{"\u2066\u2069\u200e\u200f\u061c\u2028\u2029", `\u2066\u2069\u200e\u200f\u061c\u2028\u2029`, `\u2066\u2069\u200e\u200f\u061c\u2028\u2029`},
		// invisible format characters: a type that looks like another
		{"pet.adopted\u200b", `pet.adopted\u200b`, `pet.adopted\u200b`},
		{"\u200c\u200d\u2060\ufeff\u00ad\u180e", `\u200c\u200d\u2060\ufeff\u00ad\u180e`, `\u200c\u200d\u2060\ufeff\u00ad\u180e`},
		{"tag\U000e0041", `tag\U000e0041`, `tag\U000e0041`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := EscapeLines(tt.in); got != tt.lines {
			t.Errorf("EscapeLines(%q) = %q, want %q", tt.in, got, tt.lines)
		}
	}
}

// shownUnsafe is the fuzz oracle, independent of unsafeRune: what no
// escaped text may hold (a line feed only where keepNewlines).
func shownUnsafe(r rune, keepNewlines bool) bool {
	if r == '\n' {
		return !keepNewlines
	}
	return unicode.IsControl(r) || // C0, DEL and C1
		unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Bidi_Control)
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"plain", "a\x1b[2J\n", "\xc2\x9b", "\xff", "\u202e", "\u2028", "\u061c", "é 日本 🐈"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		safe := utf8.ValidString(s)
		for _, keep := range []bool{false, true} {
			out := escape(s, keep)
			if !utf8.ValidString(out) {
				t.Fatalf("%q escaped to %q, not UTF-8", s, out)
			}
			for _, r := range out {
				if shownUnsafe(r, keep) {
					t.Fatalf("%q escaped to %q, which holds %U", s, out, r)
				}
			}
			if safe && !strings.ContainsFunc(s, func(r rune) bool { return shownUnsafe(r, keep) }) && out != s {
				t.Fatalf("%q, which is safe to show, escaped to %q", s, out)
			}
		}
	})
}

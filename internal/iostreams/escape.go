package iostreams

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape makes text from outside (the network, files, other processes) safe
// to print: control characters are shown escaped instead of being sent to
// the terminal, so that no request can move the cursor, clear the screen,
// set the window title or print a line of its own. C0 controls and DEL become
// \n, \r, \t or \x1b; C1 controls, the Unicode line separators and every
// invisible format character (bidirectional overrides, zero-width spaces and
// joiners, the byte order mark, soft hyphens: unicode.Cf, which would let
// "pet.adopted\u200b" pass for pet.adopted) become \u009b, \u2028, \u202e,
// \u200b; bytes that are not UTF-8 become \xff. Everything else is kept.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape that keeps line feeds, for text shown as several
// lines (a body under a request): the caller indents each line.
func EscapeLines(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	i := 0
	for i < len(s) && (s[i] >= 0x20 && s[i] < 0x7f || s[i] == '\n' && keepNewlines) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c < 0x7f, c == '\n' && keepNewlines:
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		case unsafeRune(r):
			prefix, shift := `\u`, 12
			if r > 0xffff { // a tag character, U+E0041: \U000e0041
				prefix, shift = `\U`, 28
			}
			b.WriteString(prefix)
			for ; shift >= 0; shift -= 4 {
				b.WriteByte(hex[(r>>shift)&0xF])
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports the runes beyond ASCII that a terminal interprets, that
// reorder or break a line, or that show nothing: C1 controls, the line and
// paragraph separators and the format characters (bidirectional ones too).
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || // C1 controls, such as CSI U+009B
		r == 0x2028 || r == 0x2029 || // line and paragraph separators
		unicode.Is(unicode.Cf, r)
}

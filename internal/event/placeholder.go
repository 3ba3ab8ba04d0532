package event

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Placeholders documents the syntax that fixtures may use inside JSON strings.
// Each send replaces them with fresh values.
var Placeholders = []struct{ Syntax, Meaning string }{
	{"{{uuid}}", "a new UUIDv7, like the event ids"},
	{"{{id:PREFIX}}", "PREFIX_ and 16 random letters and digits: pet_fYrZzCW9E1WIOyGw"},
	{"{{now}}", "the send time, RFC 3339 in UTC"},
	{"{{today}}", "the send date, YYYY-MM-DD in UTC"},
	{"{{digits:N}}", "N random decimal digits (1 to 32), like a card's last4"},
}

// Generator makes the fresh values of one event.
type Generator struct {
	Now time.Time
	// Rand, when not nil, is read for the random parts of ids and digits
	// in place of crypto/rand, so that a test can make the same event
	// twice; the UUIDs made from it do not count up within a millisecond.
	Rand io.Reader
}

// ExpandString replaces each {{name}} or {{name:arg}} in s. Text that does not
// have that shape is left as it is; a well-formed but unknown name is an error.
func (g Generator) ExpandString(s string) (string, error) {
	out, err := g.AppendExpanded(nil, s)
	return string(out), err
}

// AppendExpanded appends s to dst with its placeholders replaced, as
// ExpandString does.
func (g Generator) AppendExpanded(dst []byte, s string) ([]byte, error) {
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			return append(dst, s...), nil
		}
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			return append(dst, s...), nil
		}
		inner := s[start+2 : start+2+end]
		name, arg, hasArg := strings.Cut(inner, ":")
		if !isPlaceholderName(name) {
			dst = append(dst, s[:start+2]...)
			s = s[start+2:]
			continue
		}
		dst = append(dst, s[:start]...)
		var err error
		if dst, err = g.appendValue(dst, name, arg, hasArg); err != nil {
			return nil, fmt.Errorf("placeholder {{%s}}: %w", inner, err)
		}
		s = s[start+2+end+2:]
	}
}

func isPlaceholderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func (g Generator) appendValue(dst []byte, name, arg string, hasArg bool) ([]byte, error) {
	switch name {
	case "uuid", "now", "today":
		if hasArg {
			return nil, fmt.Errorf("%s takes no argument", name)
		}
	}
	switch name {
	case "uuid":
		if g.Rand != nil {
			return append(dst, uuidFrom(g.Now, g.Rand)...), nil
		}
		return append(dst, NewUUIDv7(g.Now)...), nil
	case "now":
		return g.Now.UTC().AppendFormat(dst, time.RFC3339), nil
	case "today":
		return g.Now.UTC().AppendFormat(dst, time.DateOnly), nil
	case "id":
		if arg == "" {
			return nil, fmt.Errorf("id needs a prefix, as in {{id:pet}}")
		}
		return appendRandom(append(append(dst, arg...), '_'), g.random(), alphanumeric, 16), nil
	case "digits":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 32 {
			return nil, fmt.Errorf("digits takes a count from 1 to 32, as in {{digits:4}}")
		}
		return appendRandom(dst, g.random(), "0123456789", n), nil
	}
	return nil, fmt.Errorf("unknown placeholder (known: %s)", knownSyntax())
}

func knownSyntax() string {
	names := make([]string, len(Placeholders))
	for i, p := range Placeholders {
		names[i] = p.Syntax
	}
	return strings.Join(names, ", ")
}

// NewID returns prefix, "_" and 16 random letters and digits.
func NewID(prefix string) string {
	return string(appendRandom([]byte(prefix+"_"), rand.Reader, alphanumeric, 16))
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g Generator) random() io.Reader {
	if g.Rand != nil {
		return g.Rand
	}
	return rand.Reader
}

// appendRandom appends n characters of alphabet (at most 256) drawn
// uniformly from r. It reads the bytes crypto/rand.Int would for each
// character (one byte each, masked to the bits of the alphabet's largest
// index, and again when the value is out of range), so that a test's source
// makes the same string; but it reads them n at a time and without big.Int.
func appendRandom(dst []byte, r io.Reader, alphabet string, n int) []byte {
	mask := byte(1)<<bits.Len(uint(len(alphabet)-1)) - 1
	var buf [32]byte
	for want := len(dst) + n; len(dst) < want; {
		chunk := buf[:min(want-len(dst), len(buf))]
		if _, err := io.ReadFull(r, chunk); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms, nor a test's source
		}
		for _, b := range chunk {
			if k := b & mask; int(k) < len(alphabet) {
				dst = append(dst, alphabet[k])
			}
		}
	}
	return dst
}

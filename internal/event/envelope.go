// Package event holds the Petstore event envelope: tolerant parsing of what
// arrives, and building what is sent from fixtures.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Envelope is the part of an event that every Petstore event has. Data is
// left as raw JSON.
type Envelope struct {
	ID        string
	Type      string
	Timestamp string
	Data      json.RawMessage
	Shape
}

// Shape is what the scan of a body saw on the way that a parser stricter
// than encoding/json may refuse (jq 1.6, Python's json): how deeply its
// arrays and objects nest, and whether a string holds the escape of a lone
// surrogate (\ud800 to \udfff not in a high-low pair).
type Shape struct {
	Depth         int
	LoneSurrogate bool
}

// ScanShape is the Shape of valid JSON, and false for what is not valid.
func ScanShape(body []byte) (Shape, bool) {
	sc := jsonScanner{b: body}
	_, valid := sc.document(nil)
	return sc.shape, valid
}

// ErrNoType is returned for a JSON object with no event type.
var ErrNoType = errors.New("event has no type: want an eventType or type field")

// ParseEnvelope reads an envelope in any spelling found in Petstore material:
// id or eventId, eventType or type, timestamp or created_at. It runs on
// every request `listen` receives, so one pass over the body both validates
// it and picks out the top-level fields, instead of a reflective decode.
func ParseEnvelope(body []byte) (Envelope, error) {
	var top envelopeFields
	sc := jsonScanner{b: body}
	isObject, valid := sc.document(&top)
	if !valid {
		if len(bytes.TrimSpace(body)) == 0 {
			return Envelope{}, errors.New("body is empty: send the event as a JSON object")
		}
		var v any
		return Envelope{}, fmt.Errorf("body is not JSON: %s", jsonErrorText(json.Unmarshal(body, &v)))
	}
	if !isObject {
		return Envelope{}, errors.New("body is JSON but not an object")
	}
	var env Envelope
	var err error
	if env.Type, err = firstString(false, field{"eventType", top.eventType}, field{"type", top.typ}); err != nil {
		return Envelope{}, err
	}
	if env.Type == "" {
		return Envelope{}, ErrNoType
	}
	if env.ID, err = firstString(true, field{"id", top.id}, field{"eventId", top.eventID}); err != nil {
		return Envelope{}, err
	}
	if env.Timestamp, err = firstString(false, field{"timestamp", top.timestamp}, field{"created_at", top.createdAt}); err != nil {
		return Envelope{}, err
	}
	env.Data = top.data
	env.Shape = sc.shape
	return env, nil
}

// envelopeFields are the raw values of the top-level fields ParseEnvelope
// looks at; a key given twice keeps its last value, as with encoding/json.
type envelopeFields struct {
	id, eventID, eventType, typ, timestamp, createdAt, data json.RawMessage
}

func (f *envelopeFields) set(quotedKey, value []byte) {
	key := quotedKey[1 : len(quotedKey)-1]
	if bytes.IndexByte(key, '\\') >= 0 {
		var unquoted string
		_ = json.Unmarshal(quotedKey, &unquoted) // a valid string: it unquotes
		key = []byte(unquoted)
	}
	switch string(key) {
	case "id":
		f.id = value
	case "eventId":
		f.eventID = value
	case "eventType":
		f.eventType = value
	case "type":
		f.typ = value
	case "timestamp":
		f.timestamp = value
	case "created_at":
		f.createdAt = value
	case "data":
		f.data = value
	}
}

// maxDepth is how deeply encoding/json lets arrays and objects nest.
const maxDepth = 10000

// jsonScanner accepts exactly what json.Valid accepts (a fuzz test compares
// them), in one pass and without allocating.
type jsonScanner struct {
	b     []byte
	i     int
	depth int
	shape Shape
}

// document scans the whole body, handing the members of a top-level object
// to top.
func (s *jsonScanner) document(top *envelopeFields) (isObject, valid bool) {
	s.space()
	isObject = s.i < len(s.b) && s.b[s.i] == '{'
	if isObject && top != nil {
		valid = s.object(top)
	} else {
		valid = s.value()
	}
	s.space()
	return isObject, valid && s.i == len(s.b)
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *jsonScanner) at(c byte) bool { return s.i < len(s.b) && s.b[s.i] == c }

func (s *jsonScanner) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.object(nil)
	case '[':
		return s.array()
	case '"':
		return s.string()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

// object scans an object, handing its members to members when not nil.
func (s *jsonScanner) object(members *envelopeFields) bool {
	return s.container('}', func() bool {
		keyStart := s.i
		if !s.at('"') || !s.string() {
			return false
		}
		key := s.b[keyStart:s.i]
		s.space()
		if !s.at(':') {
			return false
		}
		s.i++
		s.space()
		valueStart := s.i
		if !s.value() {
			return false
		}
		if members != nil {
			members.set(key, s.b[valueStart:s.i])
		}
		return true
	})
}

func (s *jsonScanner) array() bool { return s.container(']', s.value) }

// container scans an object or an array from its opening bracket to close,
// with member scanning each member.
func (s *jsonScanner) container(close byte, member func() bool) bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	s.shape.Depth = max(s.shape.Depth, s.depth)
	s.i++
	s.space()
	if s.at(close) {
		s.i++
		s.depth--
		return true
	}
	for {
		s.space()
		if !member() {
			return false
		}
		s.space()
		switch {
		case s.at(','):
			s.i++
		case s.at(close):
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// string scans a string: no control characters, only JSON's escapes. Like
// encoding/json it does not check that the bytes are UTF-8.
func (s *jsonScanner) string() bool {
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			s.i++
			if s.i >= len(s.b) {
				return false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if s.i+4 >= len(s.b) || !isHex(s.b[s.i+1]) || !isHex(s.b[s.i+2]) || !isHex(s.b[s.i+3]) || !isHex(s.b[s.i+4]) {
					return false
				}
				if s.b[s.i+1]|0x20 == 'd' && s.b[s.i+2] >= '8' { // a hex digit 8-f
					s.surrogate()
				}
				s.i += 4
			default:
				return false
			}
		}
	}
	return false
}

// surrogate looks at the escape of a surrogate whose u is at s.i: a high one
// followed by the escape of a low one is a pair, and s.i moves to the low
// one; anything else is a lone surrogate.
func (s *jsonScanner) surrogate() {
	b, i := s.b, s.i
	high := b[i+2]|0x20 <= 'b' // 8, 9, a or b
	if high && i+10 < len(b) && b[i+5] == '\\' && b[i+6] == 'u' && b[i+7]|0x20 == 'd' {
		if low := b[i+8] | 0x20; 'c' <= low && low <= 'f' && isHex(b[i+9]) && isHex(b[i+10]) {
			s.i += 6
			return
		}
	}
	s.shape.LoneSurrogate = true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func (s *jsonScanner) literal(word string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() bool {
	if s.at('-') {
		s.i++
	}
	switch {
	case s.at('0'):
		s.i++
	case s.i < len(s.b) && '1' <= s.b[s.i] && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.at('.') {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.at('e') || s.at('E') {
		s.i++
		if s.at('+') || s.at('-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits scans one or more digits.
func (s *jsonScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

type field struct {
	name  string
	value json.RawMessage
}

// firstString returns the first field present, as a string. With
// allowNumber a number is taken as its text: generic material sends numeric ids.
func firstString(allowNumber bool, fields ...field) (string, error) {
	for _, f := range fields {
		v := f.value
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		if v[0] == '"' {
			if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
				return string(v[1 : len(v)-1]), nil // no escapes: the bytes are the string
			}
			var s string
			if err := json.Unmarshal(v, &s); err == nil {
				return s, nil
			}
		}
		if allowNumber && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
			return string(v), nil
		}
		return "", fmt.Errorf("field %q must be a string", f.name)
	}
	return "", nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

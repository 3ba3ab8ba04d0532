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
}

// ErrNoType is returned for a JSON object with no event type.
var ErrNoType = errors.New("event has no type: want an eventType or type field")

// ParseEnvelope reads an envelope in any spelling found in Petstore material:
// id or eventId, eventType or type, timestamp or created_at. It runs on
// every request `listen` receives, so it validates the body in one pass and
// then picks the top-level fields out with a light scan instead of a
// reflective decode.
func ParseEnvelope(body []byte) (Envelope, error) {
	if !json.Valid(body) {
		var v any
		return Envelope{}, fmt.Errorf("body is not JSON: %s", jsonErrorText(json.Unmarshal(body, &v)))
	}
	top := topLevelFields(body)
	if top == nil {
		return Envelope{}, errors.New("body is JSON but not an object")
	}
	var env Envelope
	var err error
	if env.Type, err = firstString(false, field{"eventType", top["eventType"]}, field{"type", top["type"]}); err != nil {
		return Envelope{}, err
	}
	if env.Type == "" {
		return Envelope{}, ErrNoType
	}
	if env.ID, err = firstString(true, field{"id", top["id"]}, field{"eventId", top["eventId"]}); err != nil {
		return Envelope{}, err
	}
	if env.Timestamp, err = firstString(false, field{"timestamp", top["timestamp"]}, field{"created_at", top["created_at"]}); err != nil {
		return Envelope{}, err
	}
	env.Data = top["data"]
	return env, nil
}

// envelopeKeys are the top-level fields ParseEnvelope looks at.
var envelopeKeys = map[string]bool{"id": true, "eventId": true, "eventType": true, "type": true, "timestamp": true, "created_at": true, "data": true}

// topLevelFields returns the raw values of the envelope keys of a JSON
// object, the last one winning as with encoding/json, or nil when the valid
// JSON document b is not an object.
func topLevelFields(b []byte) map[string]json.RawMessage {
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return nil
	}
	out := map[string]json.RawMessage{}
	i++
	for {
		i = skipSpace(b, i)
		if b[i] == '}' {
			return out
		}
		keyEnd := skipString(b, i)
		key := string(b[i+1 : keyEnd-1])
		if strings.IndexByte(key, '\\') >= 0 {
			_ = json.Unmarshal(b[i:keyEnd], &key) // valid JSON: it unquotes
		}
		i = skipSpace(b, keyEnd) + 1 // the colon
		i = skipSpace(b, i)
		valueEnd := skipValue(b, i)
		if envelopeKeys[key] {
			out[key] = b[i:valueEnd]
		}
		i = skipSpace(b, valueEnd)
		if b[i] == ',' {
			i++
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at b[i].
func skipString(b []byte, i int) int {
	for i++; b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// skipValue returns the index just past the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
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

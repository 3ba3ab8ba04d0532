// Package event holds the Petstore event envelope: tolerant parsing of what
// arrives, and building what is sent from fixtures.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
// id or eventId, eventType or type, timestamp or created_at.
func ParseEnvelope(body []byte) (Envelope, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && trimmed[0] != '{' && json.Valid(trimmed) {
			return Envelope{}, errors.New("body is JSON but not an object")
		}
		return Envelope{}, fmt.Errorf("body is not JSON: %s", jsonErrorText(err))
	}
	var env Envelope
	var err error
	if env.Type, err = firstString(raw, false, "eventType", "type"); err != nil {
		return Envelope{}, err
	}
	if env.Type == "" {
		return Envelope{}, ErrNoType
	}
	if env.ID, err = firstString(raw, true, "id", "eventId"); err != nil {
		return Envelope{}, err
	}
	if env.Timestamp, err = firstString(raw, false, "timestamp", "created_at"); err != nil {
		return Envelope{}, err
	}
	env.Data = raw["data"]
	return env, nil
}

// firstString returns the first of keys present, as a string. With
// allowNumber a number is taken as its text: generic material sends numeric ids.
func firstString(raw map[string]json.RawMessage, allowNumber bool, keys ...string) (string, error) {
	for _, k := range keys {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			return s, nil
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil && allowNumber {
			return n.String(), nil
		}
		return "", fmt.Errorf("field %q must be a string", k)
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

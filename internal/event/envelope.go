// Package event holds the Petstore event envelope: tolerant parsing of what
// arrives, and building what is sent from fixtures.
package event

import (
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
	// Field names match case-insensitively, which only adds to the tolerance.
	var raw struct {
		ID        json.RawMessage `json:"id"`
		EventID   json.RawMessage `json:"eventId"`
		EventType json.RawMessage `json:"eventType"`
		Type      json.RawMessage `json:"type"`
		Timestamp json.RawMessage `json:"timestamp"`
		CreatedAt json.RawMessage `json:"created_at"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return Envelope{}, errors.New("body is JSON but not an object")
		}
		return Envelope{}, fmt.Errorf("body is not JSON: %s", jsonErrorText(err))
	}
	var env Envelope
	var err error
	if env.Type, err = firstString(false, field{"eventType", raw.EventType}, field{"type", raw.Type}); err != nil {
		return Envelope{}, err
	}
	if env.Type == "" {
		return Envelope{}, ErrNoType
	}
	if env.ID, err = firstString(true, field{"id", raw.ID}, field{"eventId", raw.EventID}); err != nil {
		return Envelope{}, err
	}
	if env.Timestamp, err = firstString(false, field{"timestamp", raw.Timestamp}, field{"created_at", raw.CreatedAt}); err != nil {
		return Envelope{}, err
	}
	env.Data = raw.Data
	return env, nil
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

package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/petstoreapi/petstore-webhooks/internal/jsonenc"
)

// Object is a JSON object that keeps its keys in the order they were written,
// so an event leaves the tool laid out as its fixture was.
type Object struct {
	keys   []string
	values map[string]any
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{values: map[string]any{}} }

// Get returns the value under key.
func (o *Object) Get(key string) (any, bool) {
	v, ok := o.values[key]
	return v, ok
}

// Set stores value under key, appending the key when it is new.
func (o *Object) Set(key string, value any) {
	if _, ok := o.values[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.values[key] = value
}

// Delete removes key and reports whether it was there.
func (o *Object) Delete(key string) bool {
	if _, ok := o.values[key]; !ok {
		return false
	}
	delete(o.values, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
	return true
}

// Keys returns the keys in order.
func (o *Object) Keys() []string { return o.keys }

// MaxJSONDepth is how deeply the arrays and objects of an event may nest,
// and MaxJSONSize how many bytes of JSON are read: a sender builds nothing
// that `listen`, with its default --max-body, would not take.
const (
	MaxJSONDepth = 64
	MaxJSONSize  = 1 << 20
)

// LimitError is JSON beyond MaxJSONDepth or MaxJSONSize.
type LimitError struct{ msg string }

func (e *LimitError) Error() string { return e.msg }

// DecodeJSON parses one JSON value into nil, bool, json.Number, string,
// []any or *Object. Trailing data after the value is an error, and so is
// input beyond MaxJSONSize or MaxJSONDepth (a *LimitError).
func DecodeJSON(data []byte) (any, error) {
	if len(data) > MaxJSONSize {
		return nil, &LimitError{fmt.Sprintf("JSON of %d bytes is larger than the limit of %d bytes", len(data), MaxJSONSize)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("empty input: expected a JSON value")
		}
		return nil, err
	}
	t, isDelim := tok.(json.Delim)
	if !isDelim {
		return tok, nil
	}
	if depth++; depth > MaxJSONDepth {
		return nil, &LimitError{fmt.Sprintf("JSON nested deeper than the limit of %d levels", MaxJSONDepth)}
	}
	switch t {
	case '{':
		obj := NewObject()
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec, depth)
			if err != nil {
				return nil, err
			}
			obj.Set(kt.(string), v)
		}
		_, err := dec.Token()
		return obj, err
	case '[':
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec, depth)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	return nil, fmt.Errorf("unexpected %q", t)
}

// EncodeJSON writes v compactly, keys in order, with a final newline: these
// are the bytes sent and stored, whose size grows with the input's and not
// with its depth. Indent lays them out for a person.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Indent lays out encoded JSON with two spaces per level, for display only;
// what is not valid JSON is returned as it is.
func Indent(body []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(body), "", "  "); err != nil {
		return body
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func encodeValue(buf *bytes.Buffer, v any) error {
	return encodeValueWith(buf, v, func(string) bool { return false })
}

// encodeValueWith encodes v, handing each string value (not key) to slot
// first: a string slot took is not written.
func encodeValueWith(buf *bytes.Buffer, v any, slot func(string) bool) error {
	switch t := v.(type) {
	case *Object:
		buf.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			if err := encodeValueWith(buf, t.values[k], slot); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValueWith(buf, e, slot); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case string:
		if !slot(t) {
			writeString(buf, t)
		}
	case json.Number:
		buf.WriteString(t.String())
	case nil:
		buf.WriteString("null")
	case bool:
		if t {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	default:
		return fmt.Errorf("cannot encode %T as JSON", v)
	}
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	buf.Write(jsonenc.AppendString(buf.AvailableBuffer(), s))
}

// Merge deep-merges src over dst: objects merge key by key, anything else replaces.
func Merge(dst, src any) any {
	d, dok := dst.(*Object)
	s, sok := src.(*Object)
	if !dok || !sok {
		return src
	}
	for _, k := range s.keys {
		old, _ := d.Get(k)
		d.Set(k, Merge(old, s.values[k]))
	}
	return d
}

// Clone deep-copies a decoded JSON value.
func Clone(v any) any {
	switch t := v.(type) {
	case *Object:
		c := NewObject()
		for _, k := range t.keys {
			c.Set(k, Clone(t.values[k]))
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = Clone(e)
		}
		return c
	}
	return v
}

package event

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/jsonenc"
)

// Override sets one path of the event to a value.
type Override struct {
	Path  []string
	Value any
}

// ParseOverride reads PATH=VALUE. VALUE is JSON when it parses as JSON, else
// the string as written.
func ParseOverride(s string) (Override, error) {
	p, v, ok := strings.Cut(s, "=")
	if !ok {
		return Override{}, fmt.Errorf("override %q: want PATH=VALUE", s)
	}
	path, err := ParsePath(p)
	if err != nil {
		return Override{}, fmt.Errorf("override %q: %w", s, err)
	}
	value, err := DecodeJSON([]byte(v))
	var le *LimitError
	if errors.As(err, &le) {
		return Override{}, fmt.Errorf("override %q: %w", p, err)
	}
	if err != nil {
		value = v
	}
	return Override{Path: path, Value: value}, nil
}

// EditError is an edit that does not fit the fixture: the user's input is at fault.
type EditError struct{ Err error }

func (e *EditError) Error() string { return e.Err.Error() }
func (e *EditError) Unwrap() error { return e.Err }

// Edits change a fixture before it is sent, applied in this order.
type Edits struct {
	Merge     any // deep-merged over the fixture (--data)
	Overrides []Override
	Removes   [][]string
}

// Build turns a fixture into the bytes of one event: a fresh id and
// timestamp, the edits, then fresh placeholder values. It leaves edits as
// they were, so that they can build the next event.
func Build(fixture []byte, edits Edits, g Generator) ([]byte, Envelope, error) {
	t, err := Compile(fixture, edits)
	if err != nil {
		return nil, Envelope{}, err
	}
	return t.Build(g)
}

// Template is a fixture with its edits applied, ready to make many events:
// its JSON is encoded once, and each event only fills in the strings that
// hold placeholders.
type Template struct {
	literals [][]byte // literals[i] comes before slots[i]; one more literal ends the event
	slots    []string // string values holding "{{", expanded for each event
	size     int
}

// Compile decodes fixture, makes its id and timestamp placeholders, and
// applies edits (which it leaves as they were).
func Compile(fixture []byte, edits Edits) (*Template, error) {
	v, err := DecodeJSON(fixture)
	var le *LimitError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("fixture is not valid JSON: %w", err)
	}
	root, ok := v.(*Object)
	if !ok {
		return nil, fmt.Errorf("fixture must be a JSON object")
	}
	root.Set(presentKey(root, "id", "eventId"), "{{uuid}}")
	root.Set(presentKey(root, "timestamp", "created_at"), "{{now}}")
	if edits.Merge != nil {
		if _, ok := edits.Merge.(*Object); !ok {
			return nil, &EditError{fmt.Errorf("--data must hold a JSON object")}
		}
		Merge(root, Clone(edits.Merge))
	}
	for _, o := range edits.Overrides {
		if _, err := SetPath(root, o.Path, Clone(o.Value)); err != nil {
			return nil, &EditError{fmt.Errorf("--override %s: %w", strings.Join(o.Path, "."), err)}
		}
	}
	for _, p := range edits.Removes {
		if _, err := RemovePath(root, p); err != nil {
			return nil, &EditError{fmt.Errorf("--remove %s: %w", strings.Join(p, "."), err)}
		}
	}
	var buf bytes.Buffer
	t := &Template{}
	err = encodeValueWith(&buf, root, func(s string) bool {
		if !strings.Contains(s, "{{") {
			return false
		}
		t.literals = append(t.literals, bytes.Clone(buf.Bytes()))
		t.slots = append(t.slots, s)
		buf.Reset()
		return true
	})
	if err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	t.literals = append(t.literals, buf.Bytes())
	for _, l := range t.literals {
		t.size += len(l)
	}
	return t, nil
}

// Build makes one event: the template's bytes with fresh placeholder
// values, in the order they appear.
func (t *Template) Build(g Generator) ([]byte, Envelope, error) {
	body := make([]byte, 0, t.size+64*len(t.slots))
	var scratch [128]byte
	for i, s := range t.slots {
		body = append(body, t.literals[i]...)
		expanded, err := g.AppendExpanded(scratch[:0], s)
		if err != nil {
			return nil, Envelope{}, err
		}
		if plain(expanded) {
			body = append(append(append(body, '"'), expanded...), '"')
		} else {
			body = jsonenc.AppendString(body, string(expanded))
		}
	}
	body = append(body, t.literals[len(t.slots)]...)
	env, err := ParseEnvelope(body)
	if err != nil {
		return nil, Envelope{}, err
	}
	return body, env, nil
}

// presentKey returns the first key the object has, else the first one given.
func presentKey(o *Object, keys ...string) string {
	for _, k := range keys {
		if _, ok := o.Get(k); ok {
			return k
		}
	}
	return keys[0]
}

// plain reports bytes that a JSON string holds as they are: printable ASCII
// but the quote and the backslash (ids, times and digits are).
func plain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

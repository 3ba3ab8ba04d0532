package event

import (
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var uuidV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewUUIDv7(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	a, b := NewUUIDv7(now), NewUUIDv7(now)
	if !uuidV7.MatchString(a) || a == b {
		t.Fatalf("ids %q, %q: want two distinct UUIDv7", a, b)
	}
	ms, _ := strconv.ParseInt(strings.ReplaceAll(a[:13], "-", ""), 16, 64)
	if ms != now.UnixMilli() {
		t.Fatalf("timestamp bits = %d, want %d", ms, now.UnixMilli())
	}
}

func TestJSONRoundTripKeepsOrder(t *testing.T) {
	in := `{"z":1,"a":{"y":[1,2.50,{"k":null}],"b":true},"m":"<é>","e":{},"l":[]}`
	v, err := DecodeJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := EncodeJSON(v)
	if want := in + "\n"; string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	pretty := `{
  "z": 1,
  "a": {
    "y": [
      1,
      2.50,
      {
        "k": null
      }
    ],
    "b": true
  },
  "m": "<é>",
  "e": {},
  "l": []
}
`
	if got := Indent(out); string(got) != pretty {
		t.Fatalf("Indent:\n%s\nwant\n%s", got, pretty)
	}
}

// What is sent and stored is compact: its size follows the input's, not its
// depth (two spaces a level made 20 KB nested 9 990 deep into 200 MB).
func TestEncodeJSONIsCompactAtAnyDepth(t *testing.T) {
	in := strings.Repeat(`{"a":[`, MaxJSONDepth/2) + "1" + strings.Repeat("]}", MaxJSONDepth/2)
	v, err := DecodeJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := EncodeJSON(v); string(out) != in+"\n" {
		t.Fatalf("encoded %d bytes from %d", len(out), len(in))
	}
}

func TestDecodeJSONLimits(t *testing.T) {
	deep := strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1)
	large := `"` + strings.Repeat("x", MaxJSONSize) + `"`
	for in, want := range map[string]string{
		deep:  "JSON nested deeper than the limit of 64 levels",
		large: fmt.Sprintf("JSON of %d bytes is larger than the limit of 1048576 bytes", len(large)),
	} {
		_, err := DecodeJSON([]byte(in))
		var le *LimitError
		if !errors.As(err, &le) || err.Error() != want {
			t.Errorf("DecodeJSON(%.20q...) = %v, want %q", in, err, want)
		}
	}
	if _, err := DecodeJSON([]byte(deep[1 : len(deep)-1])); err != nil {
		t.Errorf("%d levels refused: %v", MaxJSONDepth, err)
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	for _, in := range []string{"", "{", `{"a":1} x`, `[1,]`} {
		if _, err := DecodeJSON([]byte(in)); err == nil {
			t.Errorf("DecodeJSON(%q) accepted", in)
		}
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"data.order.items.0.quantity", []string{"data", "order", "items", "0", "quantity"}, false},
		{`data.a\.b`, []string{"data", "a.b"}, false},
		{`a\\b`, []string{`a\b`}, false},
		{"", nil, true},
		{"a..b", nil, true},
		{"a.", nil, true},
		{`a\b`, nil, true},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if (err != nil) != tt.err || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("ParsePath(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestSetAndRemovePath(t *testing.T) {
	doc := func() any {
		v, _ := DecodeJSON([]byte(`{"data":{"items":[{"q":1},{"q":2}],"s":"x"}}`))
		return v
	}
	encode := func(v any) string {
		b, _ := EncodeJSON(v)
		return strings.Join(strings.Fields(string(b)), "")
	}
	tests := []struct {
		name   string
		op     func(v any) (any, error)
		want   string
		errMsg string
	}{
		{"set nested index", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "1", "q"}, "9") }, `{"data":{"items":[{"q":1},{"q":"9"}],"s":"x"}}`, ""},
		{"append", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "2"}, nil) }, `{"data":{"items":[{"q":1},{"q":2},null],"s":"x"}}`, ""},
		{"create objects", func(v any) (any, error) { return SetPath(v, []string{"data", "new", "deep"}, true) }, `{"data":{"items":[{"q":1},{"q":2}],"s":"x","new":{"deep":true}}}`, ""},
		{"index out of range", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "5"}, 1) }, "", "index 5 is out of range (length 2)"},
		{"into a string", func(v any) (any, error) { return SetPath(v, []string{"data", "s", "x"}, 1) }, "", `cannot set "x" inside a string`},
		{"remove field", func(v any) (any, error) { return RemovePath(v, []string{"data", "s"}) }, `{"data":{"items":[{"q":1},{"q":2}]}}`, ""},
		{"remove element", func(v any) (any, error) { return RemovePath(v, []string{"data", "items", "0"}) }, `{"data":{"items":[{"q":2}],"s":"x"}}`, ""},
		{"remove missing", func(v any) (any, error) { return RemovePath(v, []string{"data", "nope"}) }, "", `no field "nope"`},
		{"remove bad index", func(v any) (any, error) { return RemovePath(v, []string{"data", "items", "x"}) }, "", `"x" is not an array index`},
		{"signed index", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "+0"}, 1) }, "", `"+0" is not an array index`},
		{"negative zero index", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "-0", "q"}, 1) }, "", `"-0" is not an array index`},
		{"leading zero index", func(v any) (any, error) { return SetPath(v, []string{"data", "items", "00", "q"}, 1) }, "", `"00" is not an array index`},
		{"leading zero remove", func(v any) (any, error) { return RemovePath(v, []string{"data", "items", "01"}) }, "", `"01" is not an array index`},
		{"plus sign as an object key", func(v any) (any, error) { return SetPath(v, []string{"data", "+0"}, "1") }, `{"data":{"items":[{"q":1},{"q":2}],"s":"x","+0":"1"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := doc()
			_, err := tt.op(v)
			if tt.errMsg != "" {
				if err == nil || err.Error() != tt.errMsg {
					t.Fatalf("err = %v, want %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(v); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestExpandString(t *testing.T) {
	g := Generator{Now: time.Date(2025, 1, 6, 12, 30, 0, 0, time.UTC)}
	tests := []struct {
		in      string
		match   string
		errPart string
	}{
		{"{{now}}", `^2025-01-06T12:30:00Z$`, ""},
		{"born {{today}}!", `^born 2025-01-06!$`, ""},
		{"{{id:pet}}", `^pet_[A-Za-z0-9]{16}$`, ""},
		{"{{digits:4}}", `^[0-9]{4}$`, ""},
		{"{{uuid}}", uuidV7.String(), ""},
		{"{{ not a placeholder }} {{Upper}} {{", `^\{\{ not a placeholder \}\} \{\{Upper\}\} \{\{$`, ""},
		{"{{nope}}", "", "placeholder {{nope}}: unknown placeholder (known: {{uuid}}, {{id:PREFIX}}"},
		{"{{id}}", "", "id needs a prefix"},
		{"{{digits:99}}", "", "digits takes a count from 1 to 32"},
		{"{{now:x}}", "", "now takes no argument"},
	}
	for _, tt := range tests {
		got, err := g.ExpandString(tt.in)
		if tt.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("ExpandString(%q) err = %v, want %q", tt.in, err, tt.errPart)
			}
			continue
		}
		if err != nil || !regexp.MustCompile(tt.match).MatchString(got) {
			t.Errorf("ExpandString(%q) = %q, %v; want match %s", tt.in, got, err, tt.match)
		}
	}
}

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		body string
		want Envelope
		err  string
	}{
		{`{"id":"e1","eventType":"pet.adopted","timestamp":"t","data":{"a":1}}`, Envelope{ID: "e1", Type: "pet.adopted", Timestamp: "t", Data: []byte(`{"a":1}`)}, ""},
		{`{"eventId":"e2","type":"order.created","created_at":"t2"}`, Envelope{ID: "e2", Type: "order.created", Timestamp: "t2"}, ""},
		{`{"id":42,"type":"x"}`, Envelope{ID: "42", Type: "x"}, ""},
		{`{"id":"e"}`, Envelope{}, "event has no type: want an eventType or type field"},
		{`{"eventType":7}`, Envelope{}, `field "eventType" must be a string`},
		{`[1]`, Envelope{}, "body is JSON but not an object"},
		{`{"id":`, Envelope{}, "body is not JSON: unexpected end of JSON input at byte 6"},
		{"", Envelope{}, "body is empty: send the event as a JSON object"},
		{" \r\n", Envelope{}, "body is empty: send the event as a JSON object"},
		{`not json`, Envelope{}, "body is not JSON: invalid character 'o' in literal null (expecting 'u') at byte 2"},
	}
	for _, tt := range tests {
		got, err := ParseEnvelope([]byte(tt.body))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseEnvelope(%s) err = %v, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil || got.ID != tt.want.ID || got.Type != tt.want.Type || got.Timestamp != tt.want.Timestamp || string(got.Data) != string(tt.want.Data) {
			t.Errorf("ParseEnvelope(%s) = %+v, %v", tt.body, got, err)
		}
	}
}

func TestBuild(t *testing.T) {
	fixture := []byte(`{"id":"old","eventType":"order.created","timestamp":"old","data":{"order":{"id":"{{id:ord}}","items":[{"quantity":1}]},"note":"keep"}}`)
	merge, _ := DecodeJSON([]byte(`{"data":{"order":{"currency":"EUR"}}}`))
	qty, _ := ParseOverride("data.order.items.0.quantity=3")
	name, _ := ParseOverride("data.customer.name=Ada Lovelace")
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	body, env, err := Build(fixture, Edits{Merge: merge, Overrides: []Override{qty, name}, Removes: [][]string{{"data", "note"}}}, Generator{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !uuidV7.MatchString(env.ID) || env.Type != "order.created" || env.Timestamp != "2025-01-06T12:00:00Z" {
		t.Fatalf("envelope = %+v", env)
	}
	want := regexp.MustCompile(`^\{"id":"` + env.ID + `","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":\{"order":\{"id":"ord_[A-Za-z0-9]{16}","items":\[\{"quantity":3\}\],"currency":"EUR"\},"customer":\{"name":"Ada Lovelace"\}\}\}$`)
	if compact := strings.Join(strings.Fields(string(body)), ""); !want.MatchString(strings.ReplaceAll(compact, "AdaLovelace", "Ada Lovelace")) {
		t.Fatalf("body = %s", body)
	}
	_, env2, _ := Build(fixture, Edits{}, Generator{Now: now})
	if env2.ID == env.ID {
		t.Fatal("two builds share an event id")
	}
}

func TestBuildErrors(t *testing.T) {
	fixture := []byte(`{"eventType":"x","data":{"s":"v"}}`)
	bad, _ := ParseOverride("data.s.deeper=1")
	tests := []struct {
		fixture string
		edits   Edits
		err     string
	}{
		{`[1]`, Edits{}, "fixture must be a JSON object"},
		{`{`, Edits{}, "fixture is not valid JSON"},
		{string(fixture), Edits{Overrides: []Override{bad}}, `--override data.s.deeper: cannot set "deeper" inside a string`},
		{string(fixture), Edits{Removes: [][]string{{"data", "x"}}}, `--remove data.x: no field "x"`},
		{string(fixture), Edits{Merge: "str"}, "--data must hold a JSON object"},
		{`{"eventType":"x","data":"{{bogus}}"}`, Edits{}, "placeholder {{bogus}}"},
		{`{"data":{}}`, Edits{}, "event has no type"},
	}
	for _, tt := range tests {
		_, _, err := Build([]byte(tt.fixture), tt.edits, Generator{Now: time.Now()})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Build(%s) err = %v, want %q", tt.fixture, err, tt.err)
		}
	}
}

func TestParseOverride(t *testing.T) {
	o, err := ParseOverride(`data.tags=["a","b"]`)
	if err != nil || len(o.Value.([]any)) != 2 {
		t.Fatalf("JSON value: %+v, %v", o, err)
	}
	o, _ = ParseOverride("data.name=x=y")
	if o.Value != "x=y" {
		t.Fatalf("string value = %v", o.Value)
	}
	if _, err := ParseOverride("novalue"); err == nil {
		t.Fatal("accepted an override without =")
	}
}

func TestBuildLeavesEditsForTheNextEvent(t *testing.T) {
	fixture := []byte(`{"eventType":"x","data":{}}`)
	merge, _ := DecodeJSON([]byte(`{"data":{"a":"{{uuid}}"}}`))
	o, _ := ParseOverride(`data.b={"id":"{{uuid}}"}`)
	edits := Edits{Merge: merge, Overrides: []Override{o}}
	first, _, _ := Build(fixture, edits, Generator{Now: time.Now()})
	second, _, _ := Build(fixture, edits, Generator{Now: time.Now()})
	ids := regexp.MustCompile(`"([0-9a-f-]{36})"`)
	a, b := ids.FindAllString(string(first), -1), ids.FindAllString(string(second), -1)
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("ids: %v %v", a, b)
	}
	for i := range a {
		if a[i] == b[i] {
			t.Fatalf("two builds share %s:\n%s\n%s", a[i], first, second)
		}
	}
}

func TestTheScanTellsTheDepthAndLoneSurrogatesOfABody(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Shape
	}{
		{`{"id":"e1","eventType":"t"}`, Shape{Depth: 1}},
		{`{"eventType":"t","data":[{"a":"[[[{{{"},[]]}`, Shape{Depth: 3}},
		{`{"eventType":"t","data":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, Shape{Depth: 301}},
		{`{"eventType":"t","x":"\ud83d\ude00 \uD83D\uDE00 \u00e9 \ufffd"}`, Shape{Depth: 1}},
		{`{"eventType":"t","x":"\udc00\ud800"}`, Shape{Depth: 1, LoneSurrogate: true}},
		{`{"eventType":"t","x":"\ud800"}`, Shape{Depth: 1, LoneSurrogate: true}},
		{`{"eventType":"t","x":"\ud800\u0041"}`, Shape{Depth: 1, LoneSurrogate: true}},
		{`{"eventType":"t","x":"\uDFFF"}`, Shape{Depth: 1, LoneSurrogate: true}},
		{`{"eventType":"t","x":"\\ud800"}`, Shape{Depth: 1}}, // an escaped backslash, then text
	} {
		env, err := ParseEnvelope([]byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if env.Shape != tc.want {
			t.Errorf("%.60s: shape %+v, want %+v", tc.body, env.Shape, tc.want)
		}
		if shape, ok := ScanShape([]byte(tc.body)); !ok || shape != tc.want {
			t.Errorf("%.60s: ScanShape %+v %v", tc.body, shape, ok)
		}
	}
	if _, ok := ScanShape([]byte(`[1,`)); ok {
		t.Error("ScanShape took invalid JSON")
	}
}

// A Generator given a source of random bytes makes the same event from the
// same bytes (what lets `fixtures show` and `trigger` have golden files),
// and its UUIDs are still version 7 at its time.
func TestGeneratorWithARandomSourceIsRepeatable(t *testing.T) {
	fixture := []byte(`{"eventType":"pet.adopted","data":{"pet":"{{id:pet}}","last4":"{{digits:4}}","ref":"{{uuid}}"}}`)
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	build := func(seed byte) string {
		body, _, err := Build(fixture, Edits{}, Generator{Now: now, Rand: mathrand.NewChaCha8([32]byte{seed})})
		if err != nil {
			t.Fatal(err)
		}
		return string(body)
	}
	a, b, other := build(1), build(1), build(2)
	if a != b || a == other {
		t.Fatalf("same source:\n%s\n%s\nanother:\n%s", a, b, other)
	}
	env, err := ParseEnvelope([]byte(a))
	if err != nil || !uuidV7.MatchString(env.ID) || !strings.HasPrefix(env.ID, "01943b7c-7600-") {
		t.Fatalf("id %q (%v): want a UUIDv7 of %s", env.ID, err, now)
	}
}

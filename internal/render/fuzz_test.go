package render

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

func FuzzAppendRequestLine(f *testing.F) {
	f.Add("POST", "/webhooks", "X-Api-Key", "k", `{"id":"e1","eventType":"pet.adopted"}`, "e1", "pet.adopted", "", 200, true)
	f.Add("GET", "/x\x1b[2J\n", "X-Odd\xff", "\xc2\x9b\u2028<&>", "{\n \"a\" : [1, 2.5e3, \"\xff\xfe\", \"\u2028\"]\n}", "e\xff", "t\x00", "bad \"x\"", 401, true)
	f.Add("PUT", "", "", "", `{"a":"\xc2\x9b"} trailing`, "", "", "", 405, true)
	f.Add("POST", "/webhooks", "A", "b", "{\"id\":\"\xff\"}", "\xff", "", "", 200, true)
	f.Add("POST", "/webhooks", "Cookie", "s=1", `"just a string"`, "", "", "", 400, true)
	f.Add("POST", "/webhooks", "A", "b", `{"x":"\udc00\ud800","y":"\ud83d\ude00","z":"\uD800\u0041"}`, "", "t", "", 200, true)
	f.Add("POST", "/webhooks", "A", "b", strings.Repeat(`{"a":[`, 40)+strings.Repeat("]}", 40), "", "t", "", 200, true)
	f.Fuzz(func(t *testing.T, method, path, hk, hv, body, id, typ, reason string, status int, parsed bool) {
		r := receiver.Request{ReceivedAt: at, Method: method, Path: path, Header: http.Header{hk: {hv}, "Content-Type": {"application/json"}},
			Body: []byte(body), Status: status, Verification: receiver.Verified, Reason: reason}
		shape, valid := event.ScanShape(r.Body)
		if parsed && valid { // the receiver's Event comes with a body that parsed
			r.Event = &event.Envelope{ID: id, Type: typ, Shape: shape}
		}
		line := AppendRequestLine(nil, r)
		if len(line) == 0 || line[len(line)-1] != '\n' || bytes.IndexByte(line, '\n') != len(line)-1 {
			t.Fatalf("not one line: %q", line)
		}
		if !utf8.Valid(line) || !json.Valid(line) {
			t.Fatalf("not valid JSON: %q", line)
		}
		// Strict parsers (jq 1.6, Python) take it too: the event in the
		// line's object nests at most event.MaxJSONDepth deep.
		if got, _ := event.ScanShape(line); got.Depth > event.MaxJSONDepth+1 || got.LoneSurrogate {
			t.Fatalf("strict parsers refuse it (%+v): %q", got, line)
		}
		// What encoding/json makes of the same request, where the body is
		// the event only when it is JSON.
		ref := NewRequestJSON(r)
		switch {
		case r.Event == nil:
			ref.Event = json.RawMessage("null")
		case shape.Depth > event.MaxJSONDepth || shape.LoneSurrogate:
			ref.Event, ref.Body = json.RawMessage("null"), body
			if v, err := event.DecodeJSON(r.Body); err == nil {
				again, _ := event.EncodeJSON(v)
				ref.Event, ref.Body = again, ""
			}
		}
		var want bytes.Buffer
		if err := JSONLine(&want, ref); err != nil {
			t.Fatal(err)
		}
		var got, wanted map[string]any
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want.Bytes(), &wanted); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wanted) {
			t.Fatalf("decodes differently:\n got %s\nwant %s", line, want.Bytes())
		}
	})
}

// appendCompact trusts that its input is valid JSON and makes what
// json.Compact makes of it, byte for byte.
func FuzzAppendCompactIsJSONCompact(f *testing.F) {
	for _, s := range []string{`{"a": 1}`, "{\n \"a\" : [1, 2.5e3, \"x \\\" y\\\\\", \"\u2028\"]\n}\n", `" a\\"`, `[ ]`, "\t\"\xff \"\r\n", `{"k":"\\\\"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, in); err != nil {
			t.Fatal(err)
		}
		if got := appendCompact([]byte("prefix"), in); string(got) != "prefix"+want.String() {
			t.Fatalf("%q: got %q, want %q", in, got[6:], want.Bytes())
		}
	})
}

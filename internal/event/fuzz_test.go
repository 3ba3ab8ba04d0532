package event

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"data.order.items.0.quantity", `a\.b`, "", "..", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs, err := ParsePath(s)
		if err != nil {
			return
		}
		// Re-escaping the segments gives back an equivalent path.
		esc := make([]string, len(segs))
		for i, seg := range segs {
			if seg == "" {
				t.Fatalf("ParsePath(%q) returned an empty segment", s)
			}
			esc[i] = strings.NewReplacer(`\`, `\\`, ".", `\.`).Replace(seg)
		}
		again, err := ParsePath(strings.Join(esc, "."))
		if err != nil || strings.Join(again, "\x00") != strings.Join(segs, "\x00") {
			t.Fatalf("round trip of %q: %q, %v", s, again, err)
		}
	})
}

func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []string{`{"id":"1","eventType":"pet.adopted","data":{}}`, `{"type":"x"}`, `[]`, `{`, `{"eventId":1,"type":"a"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := ParseEnvelope(body)
		if err == nil && env.Type == "" {
			t.Fatalf("accepted %q without a type", body)
		}
	})
}

func FuzzExpandString(f *testing.F) {
	for _, s := range []string{"{{uuid}}", "a {{id:pet}} b", "{{", "}}{{now}}", "{{digits:4}}{{today}}"} {
		f.Add(s)
	}
	g := Generator{Now: time.Unix(0, 0)}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := g.ExpandString(s)
		if err == nil && !strings.Contains(s, "{{") && out != s {
			t.Fatalf("changed %q without placeholders into %q", s, out)
		}
	})
}

func FuzzDecodeEncodeJSON(f *testing.F) {
	f.Add([]byte(`{"b":1,"a":[true,null,"x"]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := DecodeJSON(in)
		if err != nil {
			return
		}
		out, err := EncodeJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := DecodeJSON(out)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", out, err)
		}
		out2, _ := EncodeJSON(v2)
		if string(out) != string(out2) {
			t.Fatalf("encoding is not stable: %q vs %q", out, out2)
		}
	})
}

// referenceEnvelope is ParseEnvelope written the plain way, to check the fast one.
func referenceEnvelope(body []byte) (Envelope, bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil || raw == nil {
		return Envelope{}, false
	}
	str := func(allowNumber bool, keys ...string) (string, bool) {
		for _, k := range keys {
			v, ok := raw[k]
			if !ok || string(v) == "null" {
				continue
			}
			var s string
			if json.Unmarshal(v, &s) == nil {
				return s, true
			}
			var n json.Number
			if allowNumber && json.Unmarshal(v, &n) == nil {
				return string(v), true
			}
			return "", false
		}
		return "", true
	}
	typ, ok1 := str(false, "eventType", "type")
	id, ok2 := str(true, "id", "eventId")
	ts, ok3 := str(false, "timestamp", "created_at")
	if !ok1 || !ok2 || !ok3 || typ == "" {
		return Envelope{}, false
	}
	return Envelope{ID: id, Type: typ, Timestamp: ts, Data: raw["data"]}, true
}

func FuzzParseEnvelopeMatchesReference(f *testing.F) {
	for _, s := range []string{`{"id":"1","eventType":"pet.adopted","data":{"a":[1,{"b":"}"}]}}`, `{"type":"x","type":"y"}`,
		`{"\u0069d":"e","type":"t"}`, ` {"eventId": 12, "type": "t", "data": null} `, `[]`, `"s"`, `{"type":"x","id":true}`, "{\"type\":\"\xff\",\"id\":\"a\xc3\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ParseEnvelope(body)
		want, ok := referenceEnvelope(body)
		if (err == nil) != ok {
			t.Fatalf("%q: fast err %v, reference ok %v", body, err, ok)
		}
		if ok && (got.ID != want.ID || got.Type != want.Type || got.Timestamp != want.Timestamp || string(got.Data) != string(want.Data)) {
			t.Fatalf("%q: fast %+v, reference %+v", body, got, want)
		}
	})
}

func FuzzScannerAcceptsWhatJSONValidAccepts(f *testing.F) {
	for _, s := range []string{``, ` `, `0`, `-0.5e+7`, `01`, `1.`, `-`, `"\u00e9\/"`, `"\u00g0"`, "\"\x01\"", "\"\xff\"",
		`[1,]`, `{"a":1,}`, `{"a" 1}`, `[[[]]]`, `tru`, `nulls`, `{} {}`, ` {"a":[{"b":null}]} `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sc := jsonScanner{b: b}
		_, valid := sc.document(&envelopeFields{})
		if valid != json.Valid(b) {
			t.Fatalf("%q: scanner says valid=%v, json.Valid says %v", b, valid, !valid)
		}
	})
}

func TestScannerNestingLimitIsEncodingJSONs(t *testing.T) {
	for _, depth := range []int{maxDepth, maxDepth + 1} {
		b := []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		sc := jsonScanner{b: b}
		if _, valid := sc.document(&envelopeFields{}); valid != json.Valid(b) {
			t.Fatalf("depth %d: scanner valid=%v, json.Valid %v", depth, valid, json.Valid(b))
		}
	}
}

package event

import (
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

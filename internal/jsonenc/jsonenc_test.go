package jsonenc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"
)

func encodingJSON(t *testing.T, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s\n\t\x00", "\u2028\u2029", "\xff\xfe", "é<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s))+"\n", encodingJSON(t, s); got != want {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
	})
}

func TestAppendHeaderIsWhatEncodingJSONMakes(t *testing.T) {
	headers := []http.Header{
		{},
		{"Content-Type": {"application/json"}},
		{"X-B": {"2", "two"}, "X-A": {"<1> & \"one\"\n"}, "X-Empty": {}, "X-Nil": nil, "Ünïcode": {"\xff"}},
	}
	many := http.Header{}
	for _, k := range []string{"Z", "Y", "X", "W", "V", "U", "T", "S", "R", "Q", "P", "O", "N", "M", "L", "K", "J", "I"} {
		many[k] = []string{k}
	}
	for _, h := range append(headers, many) {
		got := string(AppendHeader(nil, h)) + "\n"
		if want := encodingJSON(t, h); got != want {
			t.Errorf("got %s want %s", got, want)
		}
	}
}

func FuzzAppendHeader(f *testing.F) {
	f.Add("Content-Type", "application/json", "X-A", "1", "2")
	f.Add("X-Odd\xff", "\x1b[2J\n\u2028", "", "<&>", "\xc2\x9b")
	f.Add("a", "", "A", "\"\\", "\x00")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, v3 string) {
		h := http.Header{k1: {v1}, k2: {v2, v3}}
		got := AppendHeader(nil, h)
		if !utf8.Valid(got) || !json.Valid(got) {
			t.Fatalf("%q: not valid JSON: %s", h, got)
		}
		if want := encodingJSON(t, h); string(got)+"\n" != want {
			t.Fatalf("%q:\n got %s\nwant %s", h, got, want)
		}
	})
}

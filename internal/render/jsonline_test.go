package render

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

func TestAppendRequestLineMatchesTheEncoder(t *testing.T) {
	odd := http.Header{"X-Odd": {"tab\there \"quoted\" back\\slash <html> & \u2028 é \x01 \xff"}, "Authorization": {"Bearer t"}, "A": {"1", "2"}}
	reqs := []receiver.Request{
		req(200, receiver.Verified, "", false),
		req(401, receiver.Rejected, "signature does not match \"the\" secret", true),
		{ReceivedAt: at, Method: "GET", Path: "/x\ty", Status: 405, Header: odd},
		{ReceivedAt: at, Method: "POST", Path: "/webhooks", Status: 200, Verification: receiver.Unverified, Header: odd,
			Body: []byte("{\n  \"id\" : \"e\\u00e9\",\n \"type\":\"t\", \"data\": [1, 2.50, \"<x>\"]\n}\n"), Event: &event.Envelope{ID: "eé", Type: "t"}},
	}
	for i, r := range reqs {
		var want bytes.Buffer
		if err := JSONLine(&want, NewRequestJSON(r)); err != nil {
			t.Fatal(err)
		}
		if got := AppendRequestLine(nil, r); string(got) != want.String() {
			t.Errorf("request %d:\n got %s\nwant %s", i, got, want.String())
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s\n\t\x00", "\u2028\u2029", "\xff\xfe", "é<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		JSONLine(&want, s)
		if got := string(appendJSONString(nil, s)) + "\n"; got != want.String() {
			t.Fatalf("%q: got %s want %s", s, got, want.String())
		}
	})
}

package inspector

import (
	"net/http"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// hostileBody has what a shell or printf would read differently.
const hostileBody = "{\"a\":\"it's $HOME `id` \\\\ %s %%\"}\n\x00\x01\r\t\xff\xc3\xa9 !x \u202e\n"

func hostileRequest(t *testing.T, cfg Config) {
	t.Helper()
	if _, err := cfg.History.RecordRequests(ctx, []*store.Request{{ReceivedAt: testNow, Method: "POST", Path: "/webhooks",
		Header: http.Header{"Content-Type": {"application/json"}, "X-Quote": {`it's "$(id)"`}, "X-Odd": {"caf\xc3\xa9\u202e"},
			"X-Api-Key": {"k"}, "Connection": {"close"}, "X-Petstore-Signature": {"sha256=ab"}},
		Body: []byte(hostileBody), Status: 200, Verification: "verified"}}, [][]string{nil}); err != nil {
		t.Fatal(err)
	}
}

func TestCommandsGolden(t *testing.T) {
	cfg := testConfig(t)
	hostileRequest(t, cfg)
	base := serve(t, New(cfg))
	for _, tt := range []struct{ name, path string }{
		{"curl-event", "/api/events/1/curl"},
		{"curl-hostile", "/api/events/4/curl?to=http://user:pw@localhost:9/x"},
		{"trigger-event", "/api/events/1/trigger?to=3001"},
		{"trigger-hostile", "/api/events/4/trigger"},
	} {
		resp, body := get(t, base+tt.path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("%s: %s %s", tt.path, resp.Status, body)
		}
		if strings.Contains(string(body), "pw@") || strings.Contains(string(body), "hunter2") {
			t.Errorf("%s shows a credential:\n%s", tt.path, body)
		}
		golden.Assert(t, tt.name+".sh", body)
	}
	if resp, _ := get(t, base+"/api/events/1/curl?to=pet.*=3000"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a glob target: %s, want 400", resp.Status)
	}
}

func TestBashWord(t *testing.T) {
	for in, want := range map[string]string{
		"plain":      "'plain'",
		"it's":       `'it'\''s'`,
		"a\tb":       `$'a\x09b'`,
		"\xff!'\\":   `$'\xff\x21\'\\'`,
		"é":          "'é'",
		"\u202eevil": `$'\xe2\x80\xaeevil'`,
		"$HOME `id`": "'$HOME `id`'",
	} {
		if got := bashWord(in); got != want {
			t.Errorf("bashWord(%q) = %s, want %s", in, got, want)
		}
	}
}

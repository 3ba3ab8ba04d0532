package render

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

var at = time.Date(2025, 1, 6, 12, 0, 0, 0, time.Local)

func req(status int, verification, reason string, dup bool) receiver.Request {
	return receiver.Request{ReceivedAt: at, Method: "POST", Path: "/webhooks", Status: status, Verification: verification, Reason: reason, Duplicate: dup,
		Header: http.Header{"Authorization": {"Bearer tok"}, "X-Petstore-Signature": {"sha256=ab"}},
		Body:   []byte(`{"id":"e1","eventType":"pet.adopted"}`), Event: &event.Envelope{ID: "e1", Type: "pet.adopted"}}
}

func TestRequestLine(t *testing.T) {
	notFound := receiver.Request{ReceivedAt: at, Method: "GET", Path: "/x", Status: 404}
	tests := []struct {
		name          string
		r             receiver.Request
		piped, styled string
	}{
		{"verified", req(200, receiver.Verified, "", false),
			"12:00:00\t-->\tpet.adopted\te1\tverified\t-",
			"12:00:00  -->  pet.adopted           e1         ✓ verified"},
		{"verified by another scheme", func() receiver.Request { r := req(200, receiver.Verified, "", false); r.Scheme = "stripe"; return r }(),
			"12:00:00\t-->\tpet.adopted\te1\tverified\t(stripe)",
			"12:00:00  -->  pet.adopted           e1         ✓ verified (stripe)"},
		{"duplicate", req(200, receiver.Verified, "", true),
			"12:00:00\t-->\tpet.adopted\te1\tverified\tduplicate",
			"12:00:00  -->  pet.adopted           e1         ✓ verified duplicate"},
		{"rejected", req(401, receiver.Rejected, "signature does not match the secret", false),
			"12:00:00\t-->\tpet.adopted\te1\t401 rejected\tsignature does not match the secret",
			"12:00:00  -->  pet.adopted           e1         ✗ 401 rejected\n               signature does not match the secret"},
		{"unverified", req(200, receiver.Unverified, "X-Petstore-Signature header missing", false),
			"12:00:00\t-->\tpet.adopted\te1\tunverified\t(X-Petstore-Signature header missing)",
			"12:00:00  -->  pet.adopted           e1         ! unverified\n               X-Petstore-Signature header missing"},
		{"unverified duplicate", req(200, receiver.Unverified, "X-Petstore-Signature header missing", true),
			"12:00:00\t-->\tpet.adopted\te1\tunverified\t(X-Petstore-Signature header missing) duplicate",
			"12:00:00  -->  pet.adopted           e1         ! unverified duplicate\n               X-Petstore-Signature header missing"},
		{"not found", notFound,
			"12:00:00\t-->\tGET /x\t-\t404 not found\t-",
			"12:00:00  -->  GET /x                -          ✗ 404 not found"},
	}
	ios, _, _, _ := iostreams.Test()
	plain := ios.OutStyles()
	ios.SetTTY(false, true, false)
	colored := ios.OutStyles()
	forced, _, _, _ := iostreams.Test() // piped, --color always
	_ = forced.SetColorMode("always")
	for _, tt := range tests {
		// Layout follows the terminal, colour the colour decision.
		// every piped line has six fields
		if got := RequestLine(forced.OutStyles(), false, tt.r); !strings.Contains(got, "\x1b[") || stripANSI(got) != tt.piped || strings.Count(got, "\t") != 5 {
			t.Errorf("%s piped with --color always: %q", tt.name, got)
		}
		if got := RequestLine(plain, false, tt.r); got != tt.piped {
			t.Errorf("%s piped:\n got %q\nwant %q", tt.name, got, tt.piped)
		}
		if got := RequestLine(plain, true, tt.r); got != tt.styled {
			t.Errorf("%s terminal without colour:\n got %q\nwant %q", tt.name, got, tt.styled)
		}
		got := RequestLine(colored, true, tt.r)
		if !strings.Contains(got, "\x1b[") || stripANSI(got) != tt.styled {
			t.Errorf("%s terminal in colour: %q", tt.name, got)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestRequestLineJSONMasksCredentials(t *testing.T) {
	got := string(AppendRequestLine(nil, req(200, receiver.Verified, "", false)))
	want := `{"kind":"request","receivedAt":"` + at.UTC().Format(time.RFC3339Nano) + `","eventId":"e1","eventType":"pet.adopted","status":200,"verification":"verified","duplicate":false,"method":"POST","path":"/webhooks","headers":{"Authorization":"****","X-Petstore-Signature":"sha256=ab"},"event":{"id":"e1","eventType":"pet.adopted"}}` + "\n"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestRequestDetail(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	got := RequestDetail(ios.OutStyles(), req(200, receiver.Verified, "", false))
	want := "    Authorization: ****\n    X-Petstore-Signature: sha256=ab\n    {\n      \"id\": \"e1\",\n      \"eventType\": \"pet.adopted\"\n    }\n"
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func TestSensitiveHeaders(t *testing.T) {
	masked := []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "x-api-key", "API_KEY", "X-Auth-Token",
		"X-Webhook-Secret", "X-Password", "X-Passwd", "X-Session-Id", "Apikey", "Private-Token", "X-Gitlab-Token", "WWW-Authenticate"}
	visible := []string{"Content-Type", "User-Agent", "X-Petstore-Signature", "Stripe-Signature", "X-Hub-Signature-256", "Webhook-Signature",
		"webhook-signature", "X-Slack-Signature", "Svix-Signature", "X-Shopify-Hmac-Sha256", "X-Webhook-Signature", "Webhook-Id",
		"Webhook-Timestamp", "X-Slack-Request-Timestamp", "Keep-Alive", "Accept", "K", "", "\xff\xfe"}
	for _, name := range masked {
		if !Sensitive(name) {
			t.Errorf("%q is shown", name)
		}
	}
	for _, name := range visible {
		if Sensitive(name) {
			t.Errorf("%q is masked", name)
		}
	}
	h := http.Header{"X-Api-Key": {"sk_live_1"}, "X-Petstore-Signature": {"sha256=ab"}}
	if got := string(AppendRequestLine(nil, receiver.Request{ReceivedAt: at, Header: h})); !strings.Contains(got, `"headers":{"X-Api-Key":"****","X-Petstore-Signature":"sha256=ab"}`) {
		t.Errorf("json line: %s", got)
	}
	if got := RequestDetail(testStyles(), receiver.Request{Header: h}); got != "    X-Api-Key: ****\n    X-Petstore-Signature: sha256=ab\n" {
		t.Errorf("detail: %q", got)
	}
}

func testStyles() *iostreams.Styles {
	ios, _, _, _ := iostreams.Test()
	return ios.OutStyles()
}

func TestRequestDetailShowsTheStartOfALargeBody(t *testing.T) {
	body := []byte(`{"data":"` + strings.Repeat("a", 10<<20) + `"}`)
	got := RequestDetail(testStyles(), receiver.Request{Body: body})
	want := "    " + `{"data":"` + strings.Repeat("a", MaxShownBody-9) + "\n    … " + fmt.Sprint(len(body)-MaxShownBody) + " more bytes (see events show)\n"
	if got != want {
		t.Errorf("got %d bytes ending %q, want %d ending %q", len(got), got[max(0, len(got)-60):], len(want), want[len(want)-60:])
	}
}

// Indenting adds two spaces a level to every line: 20 KB of brackets nested
// 9999 deep would take 200 MB (and 8 at once ran listen -v out of memory).
func TestVerboseShowsADeeplyNestedBodyAsItCame(t *testing.T) {
	st := testStyles()
	for _, depth := range []int{event.MaxJSONDepth + 1, 9999} {
		deep := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		got := RequestDetail(st, receiver.Request{Method: "POST", Body: []byte(deep)})
		if got != "    "+deep+"\n" {
			t.Fatalf("depth %d: %d bytes shown for a body of %d: %.200s", depth, len(got), len(deep), got)
		}
	}
	in := strings.Repeat("[", event.MaxJSONDepth) + strings.Repeat("]", event.MaxJSONDepth)
	if got := RequestDetail(st, receiver.Request{Method: "POST", Body: []byte(in)}); !strings.Contains(got, "\n"+strings.Repeat(" ", 4+2*(event.MaxJSONDepth-1))+"[]\n") {
		t.Fatalf("a body %d deep is not indented: %.300s", event.MaxJSONDepth, got)
	}
}

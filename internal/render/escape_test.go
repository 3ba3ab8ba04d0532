package render

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

const forged = "pet.adopted\x1b[2J\x1b]0;pwned\x07\n23:59:59 -->  pet.adopted  e2  ✓ verified"

const forgedEscaped = `pet.adopted\x1b[2J\x1b]0;pwned\x07\n23:59:59 -->  pet.adopted  e2  ✓ verified`

// hostile is a request whose every outside string tries to reach the terminal.
func hostile() receiver.Request {
	return receiver.Request{ReceivedAt: at, Method: "POST", Path: "/webhooks\x1b[2J\n", Status: 401, Verification: receiver.Rejected,
		Reason: "bad signature \"\x1b[31m\"",
		Header: http.Header{"X-Evil\x1b": {"csi\xc2\x9b2J \xff\u202e"}, "Authorization": {"Bearer tok"}},
		Body:   []byte("{\"eventType\":\"x\xc2\x9by\xff\u202e\\u001b\"}"), Event: &event.Envelope{ID: "e1\x1b[K\u202e", Type: forged}}
}

func TestRequestLineEscapesOutsideText(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	st := ios.OutStyles()
	r := hostile()
	wantPiped := "12:00:00\t-->\t" + forgedEscaped + "\te1\\x1b[K\\u202e\t401 rejected\tbad signature \"\\x1b[31m\""
	if got := RequestLine(st, false, r); got != wantPiped {
		t.Errorf("piped:\n got %q\nwant %q", got, wantPiped)
	}
	// Cut to their columns, escaped values cannot wrap the line.
	wantTerm := "12:00:00  -->  pet.adopted\\x1b[2J\\…  …[K\\u202e  ✗ 401 rejected\n               bad signature \"\\x1b[31m\""
	if got := RequestLine(st, true, r); got != wantTerm {
		t.Errorf("terminal:\n got %q\nwant %q", got, wantTerm)
	}
	// The short id cuts the id, then escapes it: no escape is cut in half.
	r.Event.ID = "evt_0123456789\u200b\u00ad"
	if got := RequestLine(st, true, r); !strings.Contains(got, "  …\\u00ad    ✗ 401") {
		t.Errorf("terminal, invisible characters at the id's end:\n got %q", got)
	}
	r.Event = nil
	if got := RequestLine(st, false, r); !strings.Contains(got, "\tPOST /webhooks\\x1b[2J\\n\t") {
		t.Errorf("path not escaped: %q", got)
	}
}

func TestRequestDetailEscapesOutsideText(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	r := hostile()
	want := "    Authorization: ****\n    X-Evil\\x1b: csi\\u009b2J \\xff\\u202e\n" +
		"    {\n      \"eventType\": \"x\\u009by\\xff\\u202e\\u001b\"\n    }\n"
	if got := RequestDetail(ios.OutStyles(), r); got != want {
		t.Errorf("JSON body:\n got %q\nwant %q", got, want)
	}
	r.Body = []byte("not json\x1b[2J\r\nline two\xc2\x9b")
	want = "    Authorization: ****\n    X-Evil\\x1b: csi\\u009b2J \\xff\\u202e\n    not json\\x1b[2J\\r\n    line two\\u009b\n"
	if got := RequestDetail(ios.OutStyles(), r); got != want {
		t.Errorf("text body:\n got %q\nwant %q", got, want)
	}
}

func TestForwardLineEscapesOutsideText(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	r := relay.Result{
		Request: &store.Request{EventID: "e1\x1b[2J", EventType: "pet.adopted", Method: "POST\n"},
		Forward: store.Forward{Target: "http://localhost:3000", State: store.Failed},
		Attempt: store.ForwardAttempt{Attempt: 1, AttemptedAt: at, Latency: time.Millisecond, Error: "dial \x1b[31m", Response: []byte("oops\x1b[2J\n\xc2\x9bsecond line")},
	}
	want := "12:00:00\t<--\terror: dial \\x1b[31m\tPOST\\n\thttp://localhost:3000\t1.0ms\te1\\x1b[2J\tfailed after 1 attempt"
	if got := ForwardLine(ios.OutStyles(), false, r); got != want {
		t.Errorf("piped:\n got %q\nwant %q", got, want)
	}
	want = "    oops\\x1b[2J\n    \\u009bsecond line\n"
	if got := ForwardDetail(r); got != want {
		t.Errorf("detail:\n got %q\nwant %q", got, want)
	}
}

package render

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// RequestJSON is the shape of a request line, written the plain way with
// encoding/json: the reference AppendRequestLine is checked against.
type RequestJSON struct {
	Kind         string            `json:"kind"`
	ReceivedAt   string            `json:"receivedAt"`
	EventID      string            `json:"eventId"`
	EventType    string            `json:"eventType"`
	Status       int               `json:"status"`
	Verification string            `json:"verification"`
	Scheme       string            `json:"scheme,omitempty"`
	Reason       string            `json:"reason,omitempty"`
	Duplicate    bool              `json:"duplicate"`
	Method       string            `json:"method"`
	Path         string            `json:"path"`
	Headers      map[string]string `json:"headers"`
	Event        json.RawMessage   `json:"event"`
	Body         string            `json:"body,omitempty"` // when the event cannot be embedded
}

// NewRequestJSON fills a RequestJSON from a received request.
func NewRequestJSON(r receiver.Request) RequestJSON {
	j := RequestJSON{Kind: "request", ReceivedAt: r.ReceivedAt.UTC().Format(time.RFC3339Nano), Status: r.Status, Verification: r.Verification, Scheme: r.Scheme,
		Reason: r.Reason, Duplicate: r.Duplicate, Method: r.Method, Path: r.Path, Headers: map[string]string{}, Event: json.RawMessage("null")}
	if r.Event != nil {
		// The body parsed as an event, so it is valid JSON; the encoder
		// compacts it onto the one line.
		j.EventID, j.EventType, j.Event = r.Event.ID, r.Event.Type, r.Body
	}
	for k := range r.Header {
		j.Headers[k] = HeaderValue(r.Header, k)
	}
	return j
}

func TestAppendRequestLineMatchesTheEncoder(t *testing.T) {
	odd := http.Header{"X-Odd": {"tab\there \"quoted\" back\\slash <html> & \u2028 é \x01 \xff"}, "Authorization": {"Bearer t"}, "A": {"1", "2"}}
	reqs := []receiver.Request{
		req(200, receiver.Verified, "", false),
		{ReceivedAt: at, Method: "POST", Path: "/webhooks", Status: 200, Verification: receiver.Verified, Scheme: "stripe"},
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

// received is what the receiver hands the printer for body.
func received(t *testing.T, body string) receiver.Request {
	t.Helper()
	env, err := event.ParseEnvelope([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return receiver.Request{ReceivedAt: at, Method: "POST", Path: "/webhooks", Status: 200, Verification: receiver.Unverified, Body: []byte(body), Event: &env}
}

// jq 1.6 refuses JSON nested more than 256 deep and lone surrogates; Python
// recurses once a level.
func TestARequestLineHoldsNothingStrictParsersRefuse(t *testing.T) {
	deep := strings.Repeat("[", 300) + strings.Repeat("]", 300)
	for _, tc := range []struct{ body, event string }{
		{`{"eventType":"t","x":"\udc00\ud800","y":"\ud83d\ude00"}`, `{"eventType":"t","x":"��","y":"😀"}`},
		{`{"eventType":"t","z":1,"a":["\ud800"]}`, `{"eventType":"t","z":1,"a":["�"]}`},
		{`{"eventType":"t","data":` + deep + `}`, `null,"body":"{\"eventType\":\"t\",\"data\":` + deep + `}"`},
		{`{"eventType":"t","x":"\ud83d\ude00"}`, `{"eventType":"t","x":"\ud83d\ude00"}`}, // a pair: as it came
	} {
		line := string(AppendRequestLine(nil, received(t, tc.body)))
		if !strings.HasSuffix(line, `,"event":`+tc.event+"}\n") {
			t.Errorf("%.50s: line %s", tc.body, line)
		}
		if shape, ok := event.ScanShape([]byte(line)); !ok || shape.Depth > event.MaxJSONDepth+1 || shape.LoneSurrogate {
			t.Errorf("%.50s: line %+v %v", tc.body, shape, ok)
		}
	}
}

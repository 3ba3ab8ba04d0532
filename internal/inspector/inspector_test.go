package inspector

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

var ctx = context.Background()

const (
	testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testToken  = "0123456789abcdef0123456789abcdef"
)

var testNow = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

// eventBody is the body of request 1: an event, pretty-printed.
const eventBody = "{\n  \"id\": \"evt_01\",\n  \"type\": \"order.created\",\n  \"data\": {\"order\": {\"id\": \"ord_1\", \"total\": 12.5}}\n}\n"

// testHistory records three requests: 1 verified and delivered to
// localhost:3000 after a failed attempt, 2 rejected with a body that is no
// JSON, 3 a body that is not UTF-8 and holds <script>.
func testHistory(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenHistory(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	signed, err := signature.Petstore.Sign(signature.Payload{Body: []byte(eventBody)}, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	h1 := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer hunter2"}, "X-Trace": {"a", "b"}}
	for k, v := range signed {
		h1[k] = v
	}
	reqs := []*store.Request{
		{ReceivedAt: testNow.Add(-3 * time.Minute), EventID: "evt_01", EventType: "order.created", Method: "POST", Path: "/webhooks",
			Header: h1, Body: []byte(eventBody), Status: 200, Verification: "verified", Scheme: "petstore"},
		{ReceivedAt: testNow.Add(-2 * time.Minute), Method: "POST", Path: "/webhooks",
			Header: http.Header{"Content-Type": {"application/json"}, "X-Petstore-Signature": {"sha256=00"}},
			Body:   []byte("{\n  \"a\": 1,\n  \"b\": é\n}"), Status: 401, Verification: "rejected", Reason: "mismatch"},
		{ReceivedAt: testNow.Add(-1 * time.Minute), EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<script>alert(1)</script>\xff"), Status: 200, Verification: "unverified"},
	}
	fwds, err := st.RecordRequests(ctx, reqs, [][]string{{"http://localhost:3000"}, nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	f := fwds[0][0]
	attempts := []store.AttemptRecord{
		{Attempt: store.ForwardAttempt{ForwardID: f.ID, Attempt: 1, AttemptedAt: testNow.Add(-3 * time.Minute), Status: 503, Latency: 1200 * time.Microsecond, Response: []byte("busy")},
			State: store.Pending, Next: testNow.Add(-2 * time.Minute)},
		{Attempt: store.ForwardAttempt{ForwardID: f.ID, Attempt: 2, AttemptedAt: testNow.Add(-2 * time.Minute), Status: 200, Latency: 3400 * time.Microsecond, Response: []byte("ok"),
			ResponseHeader: http.Header{"Content-Type": {"text/plain"}, "Set-Cookie": {"session=s3cr3t"}}},
			State: store.Delivered},
	}
	for _, a := range attempts {
		if err := st.RecordForwardAttempt(ctx, a.Attempt, a.State, a.Next); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func mustTarget(t *testing.T, s string) relay.Target {
	t.Helper()
	target, err := relay.ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// testConfig is listen's inspector over testHistory.
func testConfig(t *testing.T) Config {
	return Config{History: testHistory(t), Mode: "listen", Targets: []relay.Target{mustTarget(t, "localhost:3000")},
		Schemes: []signature.Scheme{signature.Petstore}, Secrets: []string{testSecret}, Now: func() time.Time { return testNow },
		Token: testToken, Version: "1.2.3"}
}

// serve serves s on a free port of 127.0.0.1 and returns its base URL.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// post sends v as JSON the way the page does: same origin, with the token.
func post(t *testing.T, base, path string, v any) (*http.Response, []byte) {
	t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Origin", base)
	req.Header.Set("X-Inspector-Token", testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestAnswersGolden(t *testing.T) {
	base := serve(t, New(testConfig(t)))
	tests := []struct{ name, path string }{
		{"list", "/api/events"},
		{"list-page", "/api/events?limit=2"},
		{"list-next-page", "/api/events?limit=2&before=2"},
		{"list-filtered", "/api/events?verification=verified&target=http://localhost:3000&q=ORD_1&type=order.*"},
		{"event-verified", "/api/events/1"},
		{"event-invalid-json", "/api/events/2"},
		{"event-not-utf8", "/api/events/3"},
		{"info", "/api/info"},
		{"stats", "/api/stats?since=1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, base+tt.path)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%s: %s %s, %s", tt.path, resp.Status, resp.Header.Get("Content-Type"), body)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, tt.name+".json", pretty.Bytes())
		})
	}
}

func TestEventDetail(t *testing.T) {
	base := serve(t, New(testConfig(t)))
	var ev struct {
		Headers   []render.HeaderField
		Body      *string
		JSON      jsonCheck
		Signature signatureJSON
	}
	_, body := get(t, base+"/api/events/1")
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), testSecret) {
		t.Errorf("the detail shows a credential or the secret: %s", body)
	}
	signed, _ := signature.Petstore.Sign(signature.Payload{Body: []byte(eventBody)}, testSecret)
	want := signed.Get("X-Petstore-Signature")[:len("sha256=")+12] + "…"
	if ev.Signature.Expected != want || ev.Signature.Header != "X-Petstore-Signature" {
		t.Errorf("signature = %+v, want expected %s in X-Petstore-Signature", ev.Signature, want)
	}
	_, body = get(t, base+"/api/events/2")
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.JSON.Valid || ev.JSON.Line != 3 || ev.JSON.Column != 8 {
		t.Errorf("json = %+v, want invalid at line 3, column 8 (the é)", ev.JSON)
	}
	// A body holding markup is JSON text, never anything else.
	_, body = get(t, base+"/api/events/3")
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Body != nil || !strings.Contains(string(body), `"bodyBase64":"PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pv8="`) {
		t.Errorf("a body that is not UTF-8: body %v, want null and its base64: %s", ev.Body, body)
	}
	resp, raw := get(t, base+"/api/events/3/body")
	if !bytes.Equal(raw, []byte("<script>alert(1)</script>\xff")) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("body download: %q, %v", raw, resp.Header)
	}
	resp, _ = get(t, base+"/api/events/99")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown request: %s, want 404", resp.Status)
	}
}

func TestScriptInABodyIsJSONText(t *testing.T) {
	cfg := testConfig(t)
	body := `{"name":"<script>alert(1)</script><img src=x onerror=alert(2)>"}`
	if _, err := cfg.History.RecordRequests(ctx, []*store.Request{{ReceivedAt: testNow, Method: "POST", Path: "/webhooks",
		Header: http.Header{"X-Evil": {"<b>bold</b>"}}, Body: []byte(body), Status: 200, Verification: "verified"}}, [][]string{nil}); err != nil {
		t.Fatal(err)
	}
	base := serve(t, New(cfg))
	resp, answer := get(t, base+"/api/events/4")
	var ev struct{ Body string }
	if err := json.Unmarshal(answer, &ev); err != nil || ev.Body != body {
		t.Fatalf("body = %q, %v; want the body as text", ev.Body, err)
	}
	if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v: want JSON that no browser sniffs as HTML", resp.Header)
	}
}

func TestListBadParameters(t *testing.T) {
	base := serve(t, New(testConfig(t)))
	for _, q := range []string{"verification=maybe", "state=lost", "status=abc", "before=-1", "limit=0", "type=a,,b["} {
		resp, body := get(t, base+"/api/events?"+q)
		var e errorJSON
		if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(body, &e) != nil || e.Error == "" || strings.Contains(e.Error, "\n") {
			t.Errorf("%s: %s %s, want 400 and a one-line error", q, resp.Status, body)
		}
	}
	// Past the most a page holds, a page holds the most.
	if resp, _ := get(t, base+"/api/events?limit=100000"); resp.StatusCode != http.StatusOK {
		t.Errorf("limit=100000: %s", resp.Status)
	}
}

func TestLineColumn(t *testing.T) {
	for _, tt := range []struct {
		body         string
		line, column int
	}{
		{"", 1, 1},
		{"{", 1, 1},
		{"{\"a\":x}", 1, 6},
		{"[1,\n2,\n  ]", 3, 3},
		{"{\"é\": }", 1, 7},
	} {
		c := checkJSON([]byte(tt.body))
		if c.Valid || c.Line != tt.line || c.Column != tt.column {
			t.Errorf("%q: %+v, want line %d column %d", tt.body, c, tt.line, tt.column)
		}
	}
}

func TestCutDigest(t *testing.T) {
	for in, want := range map[string]string{
		"sha256=" + strings.Repeat("ab", 32):              "sha256=abababababab…",
		"t=1700000000,v1=" + strings.Repeat("c", 64):      "t=1700000000,v1=cccccccccccc…",
		"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=": "v1,K5oZfzN95Z9U…",
		"short": "",
	} {
		if got := cutDigest(in); got != want {
			t.Errorf("cutDigest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListen(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:4040", "192.168.1.2:4040", "example.com:4040", ":4040", "4040"} {
		if _, err := Listen(addr, true); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("Listen(%q) = %v, want a one-line error", addr, err)
		}
	}
	taken, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	if _, err := Listen(addr, false); err == nil {
		t.Errorf("Listen(%s) without fallback on a port taken: no error", addr)
	}
	ln, err := Listen(addr, true)
	if err != nil {
		t.Fatalf("fallback after a port taken: %v", err)
	}
	defer ln.Close()
	if ln.Addr().String() == addr {
		t.Errorf("fallback listened on the port taken")
	}
}

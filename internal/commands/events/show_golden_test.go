package events

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// TestShowRenderings: a verified event with a full-length signature, a
// forward delivered at its second attempt (the first answered 503 with a
// body, and the app's answers are shown), and one that failed without an
// answer; and a rejected request with its reason.
func TestShowRenderings(t *testing.T) {
	signature := "sha256=" + strings.Repeat("9f2c0e4b", 8)
	longName := "X-" + strings.Repeat("Very-Long-Header-Name-", 4) // 90 columns
	header := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Petstore-Webhooks/1.0"}, "X-Petstore-Signature": {signature},
		longName: {"its value"}}
	body := `{"id":"019b4132-70aa-764f-b315-e2803d882a24","type":"order.status_changed","data":{"order":{"id":"ord_1","status":"shipped"}}}`
	verified := &store.Request{ReceivedAt: cmdtest.Now.Add(123 * time.Millisecond), Method: "POST", Path: "/webhooks", Status: 200, Verification: "verified", Scheme: "petstore",
		EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "order.status_changed", Header: header, Body: []byte(body)}
	rejected := &store.Request{ReceivedAt: cmdtest.Now, Method: "POST", Path: "/webhooks", Status: 401, Verification: "rejected",
		Reason: "signature does not match the secret (checked 2 secrets with the petstore scheme)", EventID: "019b4132-70aa-764f-b315-e2803d882a25",
		EventType: "pet.adopted", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)}
	history := historyOf(t)
	st, err := store.OpenHistory(history)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fwds, err := st.RecordRequests(ctx, []*store.Request{verified, rejected},
		[][]string{{"http://127.0.0.1:3000/webhooks", "http://127.0.0.1:3001/hooks/petstore"}, nil})
	if err != nil {
		t.Fatal(err)
	}
	attempts := []struct {
		fw    int64
		a     store.ForwardAttempt
		state string
	}{
		{fwds[0][0].ID, store.ForwardAttempt{Attempt: 1, AttemptedAt: cmdtest.Now, Status: 503, Latency: 12 * time.Millisecond,
			Response:       []byte(`{"error":"database is starting","retry":true}` + "\x1b[2J"),
			ResponseHeader: http.Header{"Retry-After": {"1"}, "Set-Cookie": {"session=s3cret", "id=2"}, "X-Note": {"db\x1b[2J"}}}, store.Pending},
		{fwds[0][0].ID, store.ForwardAttempt{Attempt: 2, AttemptedAt: cmdtest.Now.Add(time.Second), Status: 200, Latency: 2300 * time.Microsecond,
			Response: []byte(`{"ok":true}`), ResponseHeader: http.Header{"Content-Type": {"application/json"}}}, store.Delivered},
		{fwds[0][1].ID, store.ForwardAttempt{Attempt: 1, AttemptedAt: cmdtest.Now, Latency: 300 * time.Microsecond,
			Error: "dial tcp 127.0.0.1:3001: connect: connection refused", Response: []byte{}}, store.Failed},
	}
	for _, a := range attempts {
		a.a.ForwardID = a.fw
		if err := st.RecordForwardAttempt(ctx, a.a, a.state, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	show := func(ref, format string) func(*cmdutil.Factory) error {
		return func(f *cmdutil.Factory) error {
			return showRun(t.Context(), &ShowOptions{IO: f.IOStreams, History: history, Ref: ref, Format: format})
		}
	}
	for _, tt := range []struct{ name, ref, format string }{
		{"show", "1", "human"},
		{"show-rejected", "2", "human"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if termErr, pipeErr := cmdtest.AssertRenderingsOf(t, tt.name, nil, show(tt.ref, tt.format)); termErr != nil || pipeErr != nil {
				t.Fatal(termErr, pipeErr)
			}
		})
	}
	assertJSON(t, "show-json", show("019b4132-70aa-764f-b315-e2803d882a24", "json"))
	// an app's answer that sets a cookie does not show it
	jf, js := cmdtest.Factory(t, nil)
	if err := show("1", "json")(jf); err != nil || strings.Contains(js.Out.String(), "s3cret") || !strings.Contains(js.Out.String(), `"responseHeaders":[{"name":"Retry-After"`) {
		t.Errorf("show --format json (%v) shows a credential of the app's answer, or not its headers:\n%s", err, js.Out)
	}
	// header values are data to copy: whole on a terminal too
	f, s := cmdtest.Factory(t, nil)
	f.IOStreams.SetTTY(false, true, true)
	if err := show("1", "human")(f); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"X-Petstore-Signature: " + signature + "\n", longName + ": its value\n"} {
		if !strings.Contains(golden.Plain(s.Out.String()), "\n"+line) {
			t.Errorf("a header is not shown whole on a terminal: %q\n%s", line, s.Out)
		}
	}
	for _, answer := range []string{`{"error":"database is starting","retry":true}\x1b[2J`, `{"ok":true}`} {
		if !strings.Contains(s.Out.String(), answer) {
			t.Errorf("the app's answer %s is not shown, escaped:\n%s", answer, s.Out)
		}
	}
}

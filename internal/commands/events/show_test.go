package events

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestShowSaysHowMuchOfARejectedBodyIsKept(t *testing.T) {
	kept := &store.Request{ReceivedAt: cmdtest.Now, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: bytes.Repeat([]byte("x"), 64<<10), BodySize: 1 << 20, Status: 401}
	history := historyOf(t, kept)

	f, s := cmdtest.Factory(t, nil)
	if err := cmdtest.Run(NewCmdEvents(f), "show", "1", "--history", history); err != nil {
		t.Fatal(err)
	}
	if want := "\n(first 64 KiB of 1048576 bytes: the history keeps no more of a rejected request)\n"; !strings.HasSuffix(s.Out.String(), want) {
		t.Fatalf("show ends %q, want %q", s.Out.String()[s.Out.Len()-120:], want)
	}
	s.Out.Reset()
	if err := cmdtest.Run(NewCmdEvents(f), "show", "1", "--history", history, "--format", "json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Out.String(), `"bodySize":1048576,`) {
		t.Fatalf("show --format json: %.200s", s.Out)
	}
	// What is left of the body is not the request that arrived: resend
	// refuses rather than send its first 64 KiB as if it were.
	err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", "127.0.0.1:9")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != "only the first 65536 of the 1048576 bytes of request 1's body were kept (it was rejected): it cannot be sent again as it arrived" {
		t.Fatalf("resend: %v (exit %d)", err, cmdutil.CodeOf(err))
	}
}

// A browser's GET is recorded, but it is no event to send to an app.
func TestResendRefusesARequestThatWasNoEvent(t *testing.T) {
	get := &store.Request{ReceivedAt: cmdtest.Now, Method: "GET", Path: "/webhooks", Header: http.Header{}, Body: []byte{}, Status: 405}
	history := historyOf(t, get)
	f, _ := cmdtest.Factory(t, nil)
	err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", "127.0.0.1:9")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != "request 1 was a GET answered 405, not an event: there is nothing to resend" {
		t.Fatalf("resend: %v (exit %d)", err, cmdutil.CodeOf(err))
	}
}

// Anyone may send an unsigned request carrying the id of a real event: it is
// answered 401 and recorded. The event id then names the verified request,
// and a rejected one is never signed with the forward secret.
func TestAForgedCopyOfAnEventIsNeitherShownNorSignedForIt(t *testing.T) {
	real := &store.Request{ReceivedAt: cmdtest.Now, EventID: "evt_1", EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{},
		Body: []byte(`{"id":"evt_1","data":"real"}`), Status: 200, Verification: "verified"}
	forged := &store.Request{ReceivedAt: cmdtest.Now, EventID: "evt_1", EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{},
		Body: []byte(`{"id":"evt_1","data":"refund to attacker"}`), Status: 401, Verification: "rejected", Reason: "no X-Petstore-Signature header"}
	history := historyOf(t, real, forged)

	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_FORWARD_SECRET": "whsec_app"})
	if err := cmdtest.Run(NewCmdEvents(f), "show", "evt_1", "--history", history, "--format", "json"); err != nil || !strings.Contains(s.Out.String(), `real`) {
		t.Fatalf("show evt_1: %v\n%s", err, s.Out)
	}
	err := cmdtest.Run(NewCmdEvents(f), "resend", "2", "--history", history, "--to", "127.0.0.1:9")
	want := "request 2 failed verification (no X-Petstore-Signature header): it is not signed again with the forward secret, which would vouch for what nobody signed; resend it without one"
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != want {
		t.Fatalf("resend 2: %v (exit %d)", err, cmdutil.CodeOf(err))
	}
}

// Indenting adds two spaces a level to every line: 20 KB of brackets nested
// 9999 deep would print 200 MB.
func TestShowPrintsADeeplyNestedBodyAsItCame(t *testing.T) {
	deep := strings.Repeat("[", 9999) + strings.Repeat("]", 9999)
	shallow := `{"a":[1,{"b":2}]}`
	var reqs []*store.Request
	for _, body := range []string{deep, shallow} {
		reqs = append(reqs, &store.Request{ReceivedAt: cmdtest.Now, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte(body), Status: 400})
	}
	history := historyOf(t, reqs...)

	f, s := cmdtest.Factory(t, nil)
	if err := cmdtest.Run(NewCmdEvents(f), "show", "1", "--history", history); err != nil {
		t.Fatal(err)
	}
	if got := s.Out.String(); len(got) > len(deep)+1000 || !strings.Contains(got, "\n"+deep+"\n") {
		t.Fatalf("show prints %d bytes for a body of %d: %.300s", len(got), len(deep), got)
	}
	s.Out.Reset()
	if err := cmdtest.Run(NewCmdEvents(f), "show", "2", "--history", history); err != nil {
		t.Fatal(err)
	}
	if want := "\n{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ]\n}\n"; !strings.Contains(s.Out.String(), want) {
		t.Fatalf("a shallow body is not indented:\n%s", s.Out.String())
	}
}

// historyOf is a history file holding reqs, numbered from 1 in order.
func historyOf(t *testing.T, reqs ...*store.Request) string {
	t.Helper()
	history := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(history)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.RecordRequests(context.Background(), reqs, make([][]string, len(reqs))); err != nil {
		t.Fatal(err)
	}
	return history
}

// The short id that listen and events list print names the event in show and
// resend; an end that several ids share names their # numbers.
func TestShowAndResendTakeTheShortID(t *testing.T) {
	var reqs []*store.Request
	for _, id := range []string{"019b4132-70aa-764f-b315-e280eb0c3480", "019b4132-70aa-764f-b315-e28011113480"} {
		reqs = append(reqs, &store.Request{ReceivedAt: cmdtest.Now, EventID: id, EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{},
			Body: []byte(`{"id":"` + id + `"}`), Status: 200, Verification: "verified"})
	}
	history := historyOf(t, reqs...)
	f, s := cmdtest.Factory(t, nil)
	for _, ref := range []string{"eb0c3480", "…eb0c3480"} {
		s.Out.Reset()
		if err := cmdtest.Run(NewCmdEvents(f), "show", ref, "--history", history, "--format", "json"); err != nil || !strings.Contains(s.Out.String(), `"number":1,`) {
			t.Errorf("show %s: %v\n%s", ref, err, s.Out)
		}
	}
	err := cmdtest.Run(NewCmdEvents(f), "resend", "…3480", "--history", history, "--to", "127.0.0.1:9")
	want := `several events' ids end with "3480" (#2, #1): give more of the id, or the number in the # column of 'petstore-webhooks events list'`
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != want {
		t.Errorf("resend …3480: %v (exit %d), want exit 2 and\n%s", err, cmdutil.CodeOf(err), want)
	}
}

// The line an empty result prints on a terminal fits 80 columns, the
// history's path whole.
func TestListSaysNothingMatchesWithin80Columns(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := strings.Repeat("long-directory-name/", 3)
	os.MkdirAll(dir, 0o700)
	history := filepath.Join(dir, "history.db") // 70 columns
	st, err := store.OpenHistory(history)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{{"--status", "failed"}, nil} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, true, true)
		if err := cmdtest.Run(NewCmdEvents(f), append([]string{"list", "--history", history}, args...)...); err != nil {
			t.Fatal(err)
		}
		golden.AssertFits(t, s.Out.String(), 80)
		if !strings.Contains(s.Out.String(), "\n"+history) {
			t.Errorf("%v: the path is not whole on its own line:\n%s", args, s.Out)
		}
	}
}

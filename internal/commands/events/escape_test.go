package events

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// hostileHistory records a request whose every outside string carries
// terminal controls, with one forward attempt, and returns the file.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func hostileHistory(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	req := &store.Request{ReceivedAt: cmdtest.Now, Method: "POST", Path: "/webhooks", Status: 401, Verification: "rejected",
		Reason: "bad \x1b[31m", EventID: "e1\x1b[2J", EventType: "pet.adopted\n23:59:59 verified\u202e",
		Header: http.Header{"X-Evil": {"a\xc2\x9bb\xff"}, "X-Api-Key": {"sk_live_123"}},
		Body:   []byte("{\"a\":\"\xc2\x9b\xff\\u001b\"}")}
	fwds, err := st.RecordRequests(context.Background(), []*store.Request{req}, [][]string{{"http://app\x1b.test/"}})
	if err != nil {
		t.Fatal(err)
	}
	a := store.ForwardAttempt{ForwardID: fwds[0][0].ID, Attempt: 1, AttemptedAt: cmdtest.Now, Latency: time.Millisecond, Error: "dial \x1b[K", Response: []byte{}}
	if err := st.RecordForwardAttempt(context.Background(), a, store.Failed, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestListAndShowEscapeOutsideText(t *testing.T) {
	path := hostileHistory(t)
	for _, tty := range []bool{false, true} {
		f, out := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, tty, false)
		if err := cmdtest.Run(NewCmdEvents(f), "list", "--history", path); err != nil {
			t.Fatal(err)
		}
		if got := sgr.ReplaceAllString(out.Out.String(), ""); strings.ContainsAny(got, "\x1b\u202e") || !strings.Contains(got, `e1\x1b[2J`) ||
			!strings.Contains(got, `pet.adopted\n23:59:59 verifie`) { // elided to fit on a terminal
			t.Errorf("list (terminal %v):\n%q", tty, got)
		}
		out.Out.Reset()
		if err := cmdtest.Run(NewCmdEvents(f), "show", "1", "--history", path); err != nil {
			t.Fatal(err)
		}
		got := sgr.ReplaceAllString(out.Out.String(), "") // the colours are ours
		for _, want := range []string{`pet.adopted\n23:59:59 verified\u202e e1\x1b[2J`, `(bad \x1b[31m)`, `X-Evil: a\u009bb`,
			"X-Api-Key: ****", `"\u009b\xff\u001b"`, `forward to http://app\x1b.test/: failed`, `dial \x1b[K`} {
			if !strings.Contains(got, want) {
				t.Errorf("show (terminal %v) lacks %s:\n%s", tty, want, got)
			}
		}
		if strings.ContainsAny(got, "\x1b\u202e\u009b") {
			t.Errorf("show (terminal %v) holds a control: %q", tty, got)
		}
	}
}

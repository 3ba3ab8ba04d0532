package events

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// --timeout is listen's deadline for the whole run; the time one target has
// to answer is --forward-timeout in listen and in resend alike.
func TestResendForwardTimeout(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client hang up
		<-r.Context().Done()
	}))
	defer silent.Close()
	history := historyOf(t, &store.Request{ReceivedAt: cmdtest.Now, EventID: "evt_1", EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
		Header: http.Header{}, Body: []byte(`{"id":"evt_1"}`), Status: 200, Verification: "verified"})
	for _, tt := range []struct {
		flag, wantStderr string
	}{
		{"--forward-timeout", ""},
		{"--timeout", "warning: --timeout is now --forward-timeout; the old name will go away\n"},
	} {
		f, s := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", silent.URL, tt.flag, "50ms", "--format", "json")
		if cmdutil.CodeOf(err) != cmdutil.ExitUnreachable || !strings.Contains(s.Out.String(), "no answer within 50ms") || s.Err.String() != tt.wantStderr {
			t.Errorf("resend %s 50ms: %v (exit %d), stdout %q, stderr %q; want exit 4, no answer within 50ms, stderr %q", tt.flag, err, cmdutil.CodeOf(err), s.Out, s.Err, tt.wantStderr)
		}
	}
	f, _ := cmdtest.Factory(t, nil)
	err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", silent.URL, "--forward-timeout", "0s")
	cmdtest.AssertUsageError(t, err, "--forward-timeout must be positive, got 0s")
}

// events list filters with --events, as listen does, with listen's globs;
// --type is the old name.
func TestListEventsFilter(t *testing.T) {
	var reqs []*store.Request
	for _, typ := range []string{"pet.adopted", "order.created", "pet/x", ""} {
		reqs = append(reqs, &store.Request{ReceivedAt: cmdtest.Now, EventType: typ, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200})
	}
	history := historyOf(t, reqs...)
	for _, tt := range []struct {
		args             []string
		want, wantStderr string
	}{
		{[]string{"--events", "pet.*"}, "1\tpet.adopted\n", ""},
		{[]string{"--events", "*"}, "2\torder.created\n1\tpet.adopted\n", ""}, // * does not run over /; untyped requests are no events
		{[]string{"--events", "order.*, pet.adopted"}, "2\torder.created\n1\tpet.adopted\n", ""},
		{[]string{"--type", "pet.*"}, "1\tpet.adopted\n", "warning: --type is now --events; the old name will go away\n"},
		// a glob that matches no known type (a typo) is warned of, and still used
		{[]string{"--events", "pet/*,pet.adoptd"}, "3\tpet/x\n", "warning: --events pet/* matches no known event type\n" +
			"warning: --events pet.adoptd matches no known event type (did you mean pet.adopted?)\n"},
	} {
		f, s := cmdtest.Factory(t, nil)
		if err := cmdtest.Run(NewCmdEvents(f), append([]string{"list", "--history", history}, tt.args...)...); err != nil {
			t.Fatalf("list %v: %v", tt.args, err)
		}
		var got strings.Builder
		for _, line := range strings.Split(strings.TrimSuffix(s.Out.String(), "\n"), "\n") {
			if cols := strings.Split(line, "\t"); len(cols) > 3 && cols[0] != "#" { // the number and the type
				got.WriteString(cols[0] + "\t" + cols[3] + "\n")
			}
		}
		if got.String() != tt.want || s.Err.String() != tt.wantStderr {
			t.Errorf("list %v = %q, stderr %q; want %q, %q", tt.args, got.String(), s.Err, tt.want, tt.wantStderr)
		}
	}
	f, _ := cmdtest.Factory(t, nil)
	cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdEvents(f), "list", "--history", history, "--events", "pet.["), `--events: bad glob "pet.["`)
}

// prune deletes only when asked on a terminal and answered yes, or with --yes.
func TestPruneAsksOrNeedsYes(t *testing.T) {
	old := &store.Request{ReceivedAt: cmdtest.Now.Add(-48 * time.Hour), EventType: "pet.adopted", Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200}
	// on a terminal the question wraps at 80 columns
	question := "Delete the requests received before " + cmdtest.Now.Add(-24*time.Hour).Local().Format("2006-01-02 15:04:05") + " (those with a forward\npending stay)? [y/N] "
	for _, tt := range []struct {
		name          string
		terminal      bool
		args          []string
		answer        string
		wantCode      cmdutil.ExitCode
		wantAsked     bool
		wantRemaining int
	}{
		{"no terminal", false, nil, "", cmdutil.ExitUsage, false, 1},
		{"no terminal, --yes", false, []string{"--yes"}, "", cmdutil.ExitOK, false, 0},
		{"answered n", true, nil, "n\n", cmdutil.ExitFailure, true, 1},
		{"answered y", true, nil, "y\n", cmdutil.ExitOK, true, 0},
		{"terminal, -y", true, []string{"-y"}, "", cmdutil.ExitOK, false, 0},
	} {
		history := historyOf(t, old)
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(tt.terminal, tt.terminal, tt.terminal)
		s.In.WriteString(tt.answer)
		err := cmdtest.Run(NewCmdEvents(f), append([]string{"prune", "--older-than", "24h", "--history", history}, tt.args...)...)
		st, _ := store.OpenHistory(history)
		rows, _ := st.ListRequests(t.Context(), store.RequestFilter{})
		st.Close()
		if cmdutil.CodeOf(err) != tt.wantCode || strings.Contains(s.Err.String(), question) != tt.wantAsked || len(rows) != tt.wantRemaining {
			t.Errorf("%s: %v (exit %d), stderr %q, %d left; want exit %d, asked %v, %d left", tt.name, err, cmdutil.CodeOf(err), s.Err, len(rows), tt.wantCode, tt.wantAsked, tt.wantRemaining)
		}
	}
}

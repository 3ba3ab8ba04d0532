package events

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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

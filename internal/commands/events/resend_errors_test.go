package events

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// The closing error of a resend names the targets that failed (it said
// "1 of 1 targets could not be reached"), credentials masked.
func TestResendErrorNamesTheTargets(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	gone := l.Addr().String()
	l.Close()
	teapot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer teapot.Close()
	history := historyOf(t, &store.Request{ReceivedAt: cmdtest.Now, EventID: "evt_1", EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
		Header: http.Header{}, Body: []byte(`{"id":"evt_1"}`), Status: 200, Verification: "verified"})
	for _, tt := range []struct {
		to, want string
		code     cmdutil.ExitCode
	}{
		{"http://user:hunter2@" + gone + "/hooks", "1 of 1 targets could not be reached: http://user:****@" + gone + "/hooks", cmdutil.ExitUnreachable},
		{teapot.URL, "1 of 1 targets answered outside 2xx: " + teapot.URL, cmdutil.ExitNon2xx},
	} {
		f, _ := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", tt.to)
		if err == nil || err.Error() != tt.want || cmdutil.CodeOf(err) != tt.code {
			t.Errorf("resend --to %s: %v (exit %d); want %q (exit %d)", tt.to, err, cmdutil.CodeOf(err), tt.want, tt.code)
		}
	}
}

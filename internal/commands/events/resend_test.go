package events

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// apps answers a forward as the host it is sent to says: ok.test 200,
// teapot.test 418, anything else cannot be reached.
type apps struct{}

func (apps) RoundTrip(r *http.Request) (*http.Response, error) {
	status := map[string]int{"ok.test": http.StatusOK, "teapot.test": http.StatusTeapot}[r.URL.Host]
	if status == 0 {
		return nil, errors.New("connection refused")
	}
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

// latency is a forward's latency, which the wall clock measures.
var latency = regexp.MustCompile(`[0-9.]+(µs|ms|s)\b`)

// TestResendRun: Options → exact stdout and stderr, on a terminal and
// piped, in testdata/resend-NAME.{terminal,piped}.golden with the latency
// masked as LAT; and the closing error.
func TestResendRun(t *testing.T) {
	event := func() *store.Request {
		return &store.Request{ReceivedAt: cmdtest.Now, EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "pet.adopted", Method: "POST", Path: "/webhooks",
			Header: http.Header{}, Body: []byte(`{"id":"evt_1"}`), Status: 200, Verification: "verified"}
	}
	target := func(s string) *relay.Target {
		tg, err := relay.ParseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		return &tg
	}
	for _, tt := range []struct {
		name        string
		to          *relay.Target
		forwardedTo []string // where listen forwarded the event
		format      string
		wantErr     string
		wantCode    cmdutil.ExitCode
	}{
		{name: "to", to: target("http://ok.test/hooks"), format: "human"},
		{name: "every-target-once", forwardedTo: []string{"http://ok.test/a", "http://teapot.test/b", "http://ok.test/a"}, format: "human",
			wantErr: "1 of 2 targets answered outside 2xx: http://teapot.test/b", wantCode: cmdutil.ExitNon2xx},
		{name: "unreachable", to: target("gone.test:81"), format: "json",
			wantErr: "1 of 1 targets could not be reached: http://gone.test:81", wantCode: cmdutil.ExitUnreachable},
		{name: "never-forwarded", format: "human", wantErr: "event 1 was never forwarded: say where with --to", wantCode: cmdutil.ExitUsage},
		{name: "credentials-not-kept", forwardedTo: []string{"http://u:****@ok.test/"}, format: "human",
			wantErr: "event 1 was forwarded to http://u:****@ok.test/, whose credentials are not kept: say where with --to", wantCode: cmdutil.ExitUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, terminal := range []bool{true, false} {
				history := filepath.Join(t.TempDir(), "history.db")
				st, err := store.OpenHistory(history)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.RecordRequests(t.Context(), []*store.Request{event()}, [][]string{tt.forwardedTo}); err != nil {
					t.Fatal(err)
				}
				st.Close()
				f, s := cmdtest.Factory(t, nil)
				f.IOStreams.SetTTY(false, terminal, terminal)
				f.IOStreams.SetColorMode(map[bool]string{true: "always", false: "never"}[terminal])
				err = resendRun(t.Context(), &ResendOptions{IO: f.IOStreams, Client: &http.Client{Transport: apps{}}, Now: f.Now, History: history, Ref: "1",
					To: tt.to, Forwarding: cmdutil.Forwarding{Timeout: 5e9}, Format: tt.format})
				got := maskLatency(string(cmdtest.Rendered(s)))
				golden.Assert(t, "resend-"+tt.name+map[bool]string{true: ".terminal", false: ".piped"}[terminal], []byte(got))
				if terminal && tt.format == "human" {
					golden.AssertFits(t, got, render.TerminalWidth)
				}
				if cmdutil.CodeOf(err) != tt.wantCode || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
					t.Errorf("terminal %v: %v (exit %d), want %q (exit %d)", terminal, err, cmdutil.CodeOf(err), tt.wantErr, tt.wantCode)
				}
			}
		})
	}
}

// maskLatency replaces the latencies, which the wall clock measures, by
// LAT, in the human lines and in JSON.
func maskLatency(s string) string {
	s = regexp.MustCompile(`"latencyMs":[0-9.e-]+`).ReplaceAllString(s, `"latencyMs":LAT`)
	return latency.ReplaceAllString(s, "LAT")
}

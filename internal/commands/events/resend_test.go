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

// TestResendRun: Options → exact stdout and the closing error, on a
// terminal and piped; the latency is masked as LAT.
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
		name            string
		to              *relay.Target
		forwardedTo     []string // where listen forwarded the event
		format          string
		terminal, piped string
		wantErr         string
		wantCode        cmdutil.ExitCode
	}{
		{name: "to", to: target("http://ok.test/hooks"), format: "human",
			terminal: "12:00:00  <--  200 OK                …3d882a24  LAT  ok.test/hooks\n",
			piped:    "12:00:00\t<--\t200 OK\tPOST\thttp://ok.test/hooks\tLAT\t019b4132-70aa-764f-b315-e2803d882a24\t-\n"},
		{name: "every target once", forwardedTo: []string{"http://ok.test/a", "http://teapot.test/b", "http://ok.test/a"}, format: "human",
			terminal: "12:00:00  <--  200 OK                …3d882a24  LAT  ok.test/a\n" +
				"12:00:00  <--  418 I'm a teapot      …3d882a24  LAT  teapot.test/b\n               failed after 1 attempt\n",
			piped: "12:00:00\t<--\t200 OK\tPOST\thttp://ok.test/a\tLAT\t019b4132-70aa-764f-b315-e2803d882a24\t-\n" +
				"12:00:00\t<--\t418 I'm a teapot\tPOST\thttp://teapot.test/b\tLAT\t019b4132-70aa-764f-b315-e2803d882a24\tfailed after 1 attempt\n",
			wantErr: "1 of 2 targets answered outside 2xx: http://teapot.test/b", wantCode: cmdutil.ExitNon2xx},
		{name: "unreachable", to: target("gone.test:81"), format: "json",
			terminal: `{"kind":"forward","attemptedAt":"2025-01-06T12:00:00Z","eventId":"019b4132-70aa-764f-b315-e2803d882a24","eventType":"pet.adopted","method":"POST","target":"http://gone.test:81","attempt":1,"status":0,"latencyMs":LAT,"error":"connection refused","state":"failed"}` + "\n",
			wantErr:  "1 of 1 targets could not be reached: http://gone.test:81", wantCode: cmdutil.ExitUnreachable},
		{name: "never forwarded", format: "human", wantErr: "event 1 was never forwarded: say where with --to", wantCode: cmdutil.ExitUsage},
		{name: "credentials not kept", forwardedTo: []string{"http://u:****@ok.test/"}, format: "human",
			wantErr: "event 1 was forwarded to http://u:****@ok.test/, whose credentials are not kept: say where with --to", wantCode: cmdutil.ExitUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.piped == "" {
				tt.piped = tt.terminal
			}
			for _, terminal := range []bool{true, false} {
				history := filepath.Join(t.TempDir(), "history.db")
				st, err := store.OpenHistory(history)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.RecordRequests(t.Context(), []*store.Request{event()}, [][]string{tt.forwardedTo}, nil); err != nil {
					t.Fatal(err)
				}
				st.Close()
				f, s := cmdtest.Factory(t, nil)
				f.IOStreams.SetTTY(false, terminal, terminal)
				err = resendRun(t.Context(), &ResendOptions{IO: f.IOStreams, Client: &http.Client{Transport: apps{}}, Now: f.Now, History: history, Ref: "1",
					To: tt.to, Forwarding: cmdutil.Forwarding{Timeout: 5e9}, Format: tt.format})
				want := map[bool]string{true: tt.terminal, false: tt.piped}[terminal]
				got := latency.ReplaceAllString(golden.Plain(s.Out.String()), "LAT")
				if tt.format == "json" {
					got = regexp.MustCompile(`"latencyMs":[0-9.e-]+`).ReplaceAllString(s.Out.String(), `"latencyMs":LAT`)
				}
				if got != want || s.Err.Len() != 0 || cmdutil.CodeOf(err) != tt.wantCode || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
					t.Errorf("terminal %v: %v (exit %d)\n%s--- stderr\n%s--- want %q (exit %d)\n%s", terminal, err, cmdutil.CodeOf(err), got, s.Err, tt.wantErr, tt.wantCode, want)
				}
			}
		})
	}
}

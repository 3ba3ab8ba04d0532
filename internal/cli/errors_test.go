package cli

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// closedPort is a port on 127.0.0.1 that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// With nothing listening, trigger says so once, and how to start listen,
// instead of "could not reach the receiver" after a dial error per event.
func TestTriggerWithNothingListening(t *testing.T) {
	addr := closedPort(t)
	env := cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test", "PETSTORE_LISTEN_ADDR": addr}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trigger", "pet.adopted"},
			"Error: nothing is listening at " + addr + " (connection refused): start 'petstore-webhooks listen' in another terminal, or set --url\n"},
		{[]string{"trigger", "pet.adopted", "--count", "200", "--concurrency", "8"},
			"Error: nothing is listening at " + addr + " (200 of 200 deliveries refused): start 'petstore-webhooks listen' in another terminal, or set --url\n"},
		{[]string{"trigger", "pet.adopted", "--url", "http://" + addr + "/hooks"},
			"Error: nothing is listening at " + addr + " (connection refused): start 'petstore-webhooks listen --addr " + addr + " --path /hooks' in another terminal, or set --url\n"},
	}
	for _, tt := range tests {
		_, stderr, code := run(t, env, tt.args...)
		if code != cmdutil.ExitUnreachable || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr\n%s\nwant exit 4 and\n%s", tt.args, code, stderr, tt.want)
		}
	}
}

// A port in use names the flag (and for listen the setting) that moves it,
// in one sentence.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	env := cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test", "PETSTORE_EMULATOR_API_KEY": "k"}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"listen", "--no-history", "--addr", addr},
			"Error: " + addr + " is in use by another program: choose another with --addr (or 'petstore-webhooks config set listen_addr HOST:PORT')\n"},
		{[]string{"emulator", "--db", ":memory:", "--addr", addr},
			"Error: " + addr + " is in use by another program: choose another with --addr\n"},
	}
	for _, tt := range tests {
		_, stderr, code := run(t, env, tt.args...)
		if code != cmdutil.ExitFailure || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr\n%s\nwant exit 1 and\n%s", tt.args, code, stderr, tt.want)
		}
	}
}

// Declining the delete prompt is not an error: one line says what was kept.
func TestDeclinedDeleteKeepsTheWebhook(t *testing.T) {
	env := cmdtest.Env{"PETSTORE_API_KEY": "k", "PETSTORE_API_BASE": "http://" + closedPort(t) + "/v1"}
	_, stderr, code := runWith(t, env, func(f *cmdutil.Factory, s cmdtest.Streams) {
		f.IOStreams.SetTTY(true, true, true)
		s.In.WriteString("n\n")
	}, "delete", "wh_1")
	if want := "Delete webhook wh_1? It stops receiving events. [y/N] Kept wh_1; nothing deleted.\n"; stderr != want || code != cmdutil.ExitFailure {
		t.Fatalf("exit %d, stderr %q, want exit 1 and %q", code, stderr, want)
	}
}

// Not found is said once, with where to look, and exits 6, for a webhook and
// for an event of the history.
func TestNotFoundIsOneLine(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"title":"Not Found","status":404,"detail":"no webhook with id wh_nope"}`)
	}))
	defer api.Close()
	history := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(history)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := cmdtest.Env{"PETSTORE_API_KEY": "k", "PETSTORE_API_BASE": api.URL + "/v1"}
	huge, cut := "\x1b"+strings.Repeat("x", 100000), strings.Repeat("x", 59)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"get", "wh_nope"}, "Error: webhook wh_nope not found (404): 'petstore-webhooks list' shows the webhooks\n"},
		{[]string{"delete", "wh_nope", "--yes"}, "Error: webhook wh_nope not found (404): 'petstore-webhooks list' shows the webhooks\n"},
		{[]string{"events", "show", "evt_nope", "--history", history}, "Error: no event \"evt_nope\" in the history: give an event id, its end, or the number in the # column of 'petstore-webhooks events list'\n"},
		{[]string{"events", "resend", "42", "--history", history, "--to", "3000"}, "Error: no event \"42\" in the history: give an event id, its end, or the number in the # column of 'petstore-webhooks events list'\n"},
		// a huge argument is repeated escaped and cut to 64 columns
		{[]string{"events", "show", huge, "--history", history}, "Error: no event \"\\x1b" + cut + "…\" in the history: give an event id, its end, or the number in the # column of 'petstore-webhooks events list'\n"},
		{[]string{"get", huge}, "Error: webhook \\x1b" + cut + "… not found (404): 'petstore-webhooks list' shows the webhooks\n"},
	}
	for _, tt := range tests {
		_, stderr, code := run(t, env, tt.args...)
		if code != cmdutil.ExitNotFound || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr\n%s\nwant exit 6 and\n%s", tt.args, code, stderr, tt.want)
		}
	}
}

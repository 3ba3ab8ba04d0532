package cli

import (
	"net"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
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

package trigger

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
)

// The hint after a refused connection is a listen command that receives at
// --url, pasted as it is: a path of its own (/ when the URL has none), the
// port the URL implies, and what the shell would otherwise read as syntax
// quoted.
func TestNothingListeningHint(t *testing.T) {
	const start, end = "nothing is listening at ", " (connection refused): start '"
	for _, tt := range []struct{ url, want string }{
		{"http://127.0.0.1:20199/webhooks", start + "127.0.0.1:20199" + end + "petstore-webhooks listen --addr 127.0.0.1:20199' in another terminal, or set --url"},
		{"http://127.0.0.1:20199", start + "127.0.0.1:20199" + end + "petstore-webhooks listen --addr 127.0.0.1:20199 --path /' in another terminal, or set --url"},
		{"http://127.0.0.1:20199/hooks", start + "127.0.0.1:20199" + end + "petstore-webhooks listen --addr 127.0.0.1:20199 --path /hooks' in another terminal, or set --url"},
		{"http://localhost/webhooks", start + "localhost:80" + end + "petstore-webhooks listen --addr localhost:80' in another terminal, or set --url"},
		{"https://localhost/webhooks", start + "localhost:443" + end + "petstore-webhooks listen --addr localhost:443' in another terminal, or set --url"},
		{"http://[::1]:3000/webhooks", start + "[::1]:3000" + end + `petstore-webhooks listen --addr "[::1]:3000"' in another terminal, or set --url`},
		{"http://127.0.0.1:20199/it's", start + "127.0.0.1:20199" + end + `petstore-webhooks listen --addr 127.0.0.1:20199 --path "/it's"' in another terminal, or set --url`},
		{"http://127.0.0.1:20199/a$b", start + "127.0.0.1:20199" + end + `petstore-webhooks listen --addr 127.0.0.1:20199 --path "/a\$b"' in another terminal, or set --url`},
	} {
		opts := &Options{URL: tt.url, Config: func() (*config.Config, error) { return &config.Config{ListenAddr: "127.0.0.1:8080"}, nil }}
		err := nothingListening(opts, sender.Summary{Sent: 1, ConnErrors: 1, Refused: 1})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.url, err, tt.want)
		}
	}
}

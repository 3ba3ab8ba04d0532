//go:build tools

package inspector

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
)

// With -tags tools, the curl command runs: bash and curl deliver the exact
// bytes and headers that were received.
func TestCurlCommandDeliversTheExactBytes(t *testing.T) {
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: -tags tools needs it", tool)
		}
	}
	var got received
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = received{r.Method, r.Header.Clone(), body}
	}))
	defer app.Close()
	cfg := testConfig(t)
	hostileRequest(t, cfg)
	base := serve(t, New(cfg))
	for _, n := range []string{"1", "4"} {
		_, command := get(t, base+"/api/events/"+n+"/curl?to="+app.URL+"/hook")
		out, err := exec.Command("bash", "-c", string(command)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s\n%s: %v\n%s", command, out, err, out)
		}
		req, _ := cfg.History.GetRequest(ctx, map[string]int64{"1": 1, "4": 4}[n])
		if !bytes.Equal(got.body, req.Body) {
			t.Errorf("request %s: the app received %q, want %q", n, got.body, req.Body)
		}
		for name, values := range req.Header {
			switch name {
			case "Authorization", "X-Api-Key", "Connection":
				if got.header.Get(name) != "" {
					t.Errorf("request %s: %s was sent", n, name)
				}
			default:
				if !equalValues(got.header.Values(name), values) {
					t.Errorf("request %s: %s = %q, want %q", n, name, got.header.Values(name), values)
				}
			}
		}
		for _, own := range []string{"Accept", "User-Agent", "Expect"} {
			if got.header.Get(own) != "" {
				t.Errorf("request %s: curl sent its own %s", n, own)
			}
		}
	}
}

func equalValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package webhooks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hostileAPI answers every call with strings that carry terminal controls.
func hostileAPI(t *testing.T) string {
	hook := `{"id":"wh_1\u001b[2J","url":"http://x.test/\u001b]0;t\u0007","events":["pet.\u009b"],"status":"active\u202e","secret":"whsec_\u001b[K12345678","createdAt":"2025-01-06T12:00:00Z"}`
	delivery := `{"eventId":"e1\u001b[K","eventType":"pet.adopted\n12:00:00 ok","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":0,"latencyMs":1,"error":"dial \u001b[31m","url":"http://y\u001b.test/"}`
	return fakeAPI(t, []string{hook}, delivery)
}

// fakeAPI answers a list with hooks, a get with the first, and deliveries
// and test calls with delivery; it returns its base URL.
func fakeAPI(t *testing.T, hooks []string, delivery string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/deliveries"):
			io.WriteString(w, `{"data":[`+delivery+`]}`)
		case strings.HasSuffix(r.URL.Path, "/test"):
			io.WriteString(w, delivery)
		case r.URL.Path == "/v1/webhooks":
			io.WriteString(w, `{"data":[`+strings.Join(hooks, ",")+`],"nextCursor":null}`)
		default:
			io.WriteString(w, hooks[0])
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func TestWebhookRenderingsEscapeOutsideText(t *testing.T) {
	base := hostileAPI(t)
	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"list"}, []string{`wh_1\x1b[2J`, `http://x.test/\x1b]0;t\x07`, `pet.\u009b`, `active\u202e`}},
		{[]string{"get", "wh_1"}, []string{`wh_1\x1b[2J`, `http://x.test/\x1b]0;t\x07`, `pet.\u009b`, `active\u202e`}},
		{[]string{"deliveries", "wh_1"}, []string{`e1\x1b[K`, `pet.adopted\n12:00:00 ok`, `dial \x1b[31m`}},
		{[]string{"test", "wh_1"}, []string{`e1\x1b[K`, `pet.adopted\n12:00:00 ok`, `dial \x1b[31m`, `http://y\x1b.test/`}},
	} {
		cmd := map[string]func() run{
			"list":       func() run { return cli(t, base, list, c.args[1:]...) },
			"get":        func() run { return cli(t, base, get, c.args[1:]...) },
			"deliveries": func() run { return cli(t, base, deliveries, c.args[1:]...) },
			"test":       func() run { return cli(t, base, test, c.args[1:]...) },
		}[c.args[0]]
		r := cmd()
		out := r.out + r.err
		for _, want := range c.wants {
			if !strings.Contains(out, want) {
				t.Errorf("%v lacks %s:\n%q", c.args, want, out)
			}
		}
		if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
			t.Errorf("%v holds a control: %q", c.args, out)
		}
	}
}

package inspector

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	base := serve(t, New(testConfig(t)))
	u, _ := url.Parse(base)
	port := u.Port()
	replay := base + "/api/events/1/replay"
	tests := []struct {
		name, method, url, host string
		header                  map[string]string
		want                    int
	}{
		{"the page", "GET", base + "/", "", nil, 200},
		{"localhost", "GET", base + "/api/info", "localhost:" + port, nil, 200},
		{"[::1]", "GET", base + "/api/info", "[::1]:" + port, nil, 200},
		{"a rebound host name", "GET", base + "/", "evil.example:" + port, nil, 403},
		{"a rebound host name, the API", "GET", base + "/api/events", "evil.example:" + port, nil, 403},
		{"another port", "GET", base + "/api/info", "127.0.0.1:1", nil, 403},
		{"no port", "GET", base + "/api/info", "localhost", nil, 403},
		{"replay from the page", "POST", replay, "", map[string]string{"Origin": base, "X-Inspector-Token": testToken, "Content-Type": "application/json"}, 200},
		{"no Origin", "POST", replay, "", map[string]string{"X-Inspector-Token": testToken, "Content-Type": "application/json"}, 403},
		{"a foreign Origin", "POST", replay, "", map[string]string{"Origin": "https://evil.example", "X-Inspector-Token": testToken, "Content-Type": "application/json"}, 403},
		{"Origin null", "POST", replay, "", map[string]string{"Origin": "null", "X-Inspector-Token": testToken, "Content-Type": "application/json"}, 403},
		{"no token", "POST", replay, "", map[string]string{"Origin": base, "Content-Type": "application/json"}, 403},
		{"a wrong token", "POST", replay, "", map[string]string{"Origin": base, "X-Inspector-Token": testToken[1:] + "0", "Content-Type": "application/json"}, 403},
		{"text/plain", "POST", replay, "", map[string]string{"Origin": base, "X-Inspector-Token": testToken, "Content-Type": "text/plain"}, 403},
		{"a form", "POST", replay, "", map[string]string{"Origin": base, "X-Inspector-Token": testToken, "Content-Type": "application/x-www-form-urlencoded"}, 403},
		{"a preflight", "OPTIONS", replay, "", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, 403},
		{"a same-origin OPTIONS", "OPTIONS", replay, "", map[string]string{"Origin": base}, 403},
		{"DELETE", "DELETE", base + "/api/events/1", "", map[string]string{"Origin": "https://evil.example"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := io.Reader(nil)
			if tt.method == "POST" {
				body = strings.NewReader(`{"to":"` + base + `/sink","sign":"as-is"}`)
			}
			req, _ := http.NewRequest(tt.method, tt.url, body)
			if tt.host != "" {
				req.Host = tt.host
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("%s, want %d: %s", resp.Status, tt.want, answer)
			}
			if tt.want == 403 && (!strings.HasPrefix(string(answer), `{"error":"`) || strings.Count(string(answer), "\n") != 1) {
				t.Errorf("refused with %q, want a one-line JSON error", answer)
			}
			assertSecurityHeaders(t, resp)
		})
	}
}

// assertSecurityHeaders checks what every answer carries, and that none
// lets another origin read it.
func assertSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s %s: %s = %q, want %q", resp.Request.Method, resp.Request.URL.Path, name, got, want)
		}
	}
	for name := range resp.Header {
		if strings.HasPrefix(strings.ToLower(name), "access-control-") {
			t.Errorf("%s %s: %s: %s, want no CORS header", resp.Request.Method, resp.Request.URL.Path, name, resp.Header.Get(name))
		}
	}
}

func TestPageAndAssets(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mode = `"><script>`
	base := serve(t, New(cfg))
	resp, page := get(t, base+"/")
	assertSecurityHeaders(t, resp)
	if !strings.Contains(string(page), `content="`+testToken+`"`) || strings.Contains(string(page), "{{") ||
		strings.Contains(string(page), `"><script>`) || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("the page: %s %s", resp.Header.Get("Content-Type"), page)
	}
	for name, ctype := range map[string]string{"app.js": "text/javascript", "app.css": "text/css"} {
		resp, _ := get(t, base+"/assets/"+name)
		assertSecurityHeaders(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: %s %s, want 200 %s", name, resp.Status, resp.Header.Get("Content-Type"), ctype)
		}
	}
	for _, path := range []string{"/assets/nothing.js", "/assets/index.html", "/assets/../web.go", "/nothing", "/api/nothing"} {
		resp, _ := get(t, base+path)
		assertSecurityHeaders(t, resp)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %s, want 404", path, resp.Status)
		}
	}
	resp, _ = get(t, base+"/api/info")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("/api/info: Cache-Control %q, want no-store", resp.Header.Get("Cache-Control"))
	}
}

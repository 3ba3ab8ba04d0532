package inspector

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"html"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/inspector/web"
)

// contentSecurityPolicy lets the page run its own script and style and
// reach its own API, nothing else: no inline script, no frame, no form.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler is the whole site behind the guard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveIndex)
	mux.HandleFunc("GET /assets/{name}", serveAsset)
	mux.HandleFunc("GET /api/events", s.serveList)
	mux.HandleFunc("GET /api/events/{n}", s.serveEvent)
	mux.HandleFunc("GET /api/events/{n}/body", s.serveBody)
	mux.HandleFunc("GET /api/events/{n}/curl", s.serveCurl)
	mux.HandleFunc("GET /api/events/{n}/trigger", s.serveTrigger)
	mux.HandleFunc("POST /api/events/{n}/replay", s.serveReplay)
	mux.HandleFunc("GET /api/stats", s.serveStats)
	mux.HandleFunc("GET /api/info", s.serveInfo)
	mux.HandleFunc("GET /api/stream", s.serveStream)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API: see the README's inspector section")
	})
	return s.guard(mux)
}

// guard sets the security headers on every answer and refuses what a page
// elsewhere, or a host name rebound to loopback, could ask.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store") // the page holds the token; the API, events
		if !knownHost(r) {
			writeError(w, http.StatusForbidden, "unknown host: open the inspector at the address listen printed")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if msg := s.refuseChange(r); msg != "" {
				writeError(w, http.StatusForbidden, msg)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// knownHost reports whether the Host a request names is the address it
// reached, or localhost, 127.0.0.1 or [::1] on that port: a page whose
// host name is rebound to 127.0.0.1 (DNS rebinding) names its own host.
func knownHost(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	localHost, port, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	host, hostPort, err := net.SplitHostPort(r.Host)
	if err != nil || hostPort != port {
		return false
	}
	switch host {
	case "localhost", "127.0.0.1", "::1", localHost:
		return true
	}
	return false
}

// refuseChange says why a state-changing request is refused, or "" when it
// comes from the page: same origin, with the token, in JSON (which no
// cross-origin form can send without a preflight, which is refused).
func (s *Server) refuseChange(r *http.Request) string {
	if r.Header.Get("Origin") != "http://"+r.Host {
		return "cross-origin request refused: use the inspector's own page"
	}
	token := r.Header.Get("X-Inspector-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.Token)) != 1 {
		return "missing or wrong X-Inspector-Token: reload the inspector's page"
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return "send the request as Content-Type: application/json"
	}
	return ""
}

func (s *Server) serveIndex(w http.ResponseWriter, _ *http.Request) {
	page, err := fs.ReadFile(web.Assets, "index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "the page is missing from this build: "+err.Error())
		return
	}
	page = bytes.ReplaceAll(page, []byte("{{TOKEN}}"), []byte(html.EscapeString(s.cfg.Token)))
	page = bytes.ReplaceAll(page, []byte("{{MODE}}"), []byte(html.EscapeString(s.cfg.Mode)))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := fs.ReadFile(web.Assets, name)
	if err != nil || name == "index.html" || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// writeJSON writes v as the answer, with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not encode the answer: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

type errorJSON struct {
	Error string `json:"error"`
}

// writeError answers {"error": msg}: one line saying what to do.
func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(errorJSON{msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Package relay forwards received requests to local targets: routing by event
// type, byte-exact copies, re-signing, reading answers and judging each
// attempt (delivered, due again after a backoff, or failed). What happens to
// a forward over time (first attempts, retries) is internal/intake's. The
// relay writes nothing: its callers (the intake, `events resend`) record
// the attempts it judges; it takes only the store's types.
package relay

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// Target is where events go, optionally only those whose type matches Glob
// (comma-separated globs), parsed once by ParseTarget into Types.
type Target struct {
	Glob  string
	Types event.TypeFilter
	URL   string
}

// String is the form the target was given in, normalised.
func (t Target) String() string {
	if t.Glob == "" {
		return t.URL
	}
	return t.Glob + "=" + t.URL
}

// Name is how the target is shown and recorded: its URL with the
// credentials in it masked (user:****@host, or ****@host for a user name
// alone, which is often a token). Forwards are sent to URL.
func (t Target) Name() string { return urlmask.Mask(t.URL) }

// Matches reports whether events of eventType go to t.
func (t Target) Matches(eventType string) bool {
	return t.Types.Match(eventType)
}

// ParseTarget reads [GLOBS=]DEST, where DEST is a URL, host:port/path (http
// is assumed) or a bare PORT[/PATH] (http://localhost:PORT[/PATH]).
func ParseTarget(s string) (Target, error) {
	var t Target
	dest := s
	if g, rest, ok := strings.Cut(s, "="); ok && !strings.ContainsAny(g, ":/") {
		types, err := event.ParseTypeFilter(g)
		if err != nil {
			return t, fmt.Errorf("forward target %q: %w", urlmask.Mask(s), err)
		}
		if len(types) == 0 {
			return t, fmt.Errorf("forward target %q: empty event glob before =", urlmask.Mask(s))
		}
		t.Glob, t.Types, dest = g, types, rest
	}
	u, err := ParseURL(dest, "")
	if err != nil {
		return t, fmt.Errorf("forward target %q: %w", urlmask.Mask(s), err)
	}
	t.URL = u
	return t, nil
}

// ParseURL reads where a local receiver is, in the forms every command
// takes (--forward-to, --to, trigger --url): an http(s) URL, HOST:PORT[/PATH]
// (http:// assumed) or a bare PORT[/PATH] (http://localhost:PORT[/PATH]).
// A short form (no scheme) without a path gets defaultPath ("" for none, or
// one that starts with /): trigger's "8080" names listen, on /webhooks.
func ParseURL(dest, defaultPath string) (string, error) {
	if dest == "" {
		return "", fmt.Errorf("no destination")
	}
	first, path, _ := strings.Cut(dest, "/")
	if port, err := strconv.Atoi(first); err == nil {
		if port < 1 || port > 65535 {
			return "", fmt.Errorf("port %d is out of range", port)
		}
		if path != "" || strings.HasSuffix(dest, "/") {
			return ParseURL("localhost:"+strconv.Itoa(port)+"/"+path, defaultPath)
		}
		return "http://localhost:" + strconv.Itoa(port) + defaultPath, nil
	}
	short := !strings.Contains(dest, "://")
	if short {
		dest = "http://" + dest
	}
	u, err := url.Parse(dest)
	// A host with an empty port (htp:/x read as http://htp:/x) is a typo.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("want a port, host:port[/path] or an http(s) URL")
	}
	if p := u.Port(); p != "" {
		if port, err := strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return "", fmt.Errorf("port %s is out of range", p)
		}
	}
	if short && u.Path == "" {
		u.Path = defaultPath
	}
	return u.String(), nil
}

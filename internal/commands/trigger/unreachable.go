package trigger

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
	"github.com/petstoreapi/petstore-webhooks/internal/urlmask"
)

// nothingListening explains a run whose connections were refused: what
// address was empty and the listen command that would receive there.
func nothingListening(opts *Options, s sender.Summary) error {
	u, err := url.Parse(opts.URL)
	if err != nil {
		return fmt.Errorf("%d of %d deliveries could not reach the receiver at %s", s.ConnErrors, s.Sent, iostreams.Escape(urlmask.Mask(opts.URL)))
	}
	addr := u.Host
	if u.Port() == "" { // the URL's default port: listen needs it said
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	listen := "petstore-webhooks listen"
	if cfg, err := opts.Config(); err != nil || !sameURL(cfg.ListenAddr, u) {
		listen += " --addr " + shellQuote(addr)
		if path := u.EscapedPath(); path != "/webhooks" {
			if path == "" {
				path = "/"
			}
			listen += " --path " + shellQuote(path)
		}
	}
	refused := "connection refused"
	if s.Sent > 1 {
		refused = fmt.Sprintf("%d of %d deliveries refused", s.Refused, s.Sent)
	}
	return fmt.Errorf("nothing is listening at %s (%s): start '%s' in another terminal, or set --url",
		iostreams.Escape(addr), refused, iostreams.Escape(listen))
}

// sameURL reports whether u is where listen on listenAddr receives.
func sameURL(listenAddr string, u *url.URL) bool {
	want, err := cmdutil.ReceiverURL(listenAddr)
	return err == nil && want == u.String()
}

// shellQuote is s as one word for a POSIX shell: as it is when the shell
// reads nothing special in it, else in double quotes (the hint is shown in
// single quotes), with what double quotes still expand escaped.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:%@+,=-") == "" {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if strings.ContainsRune(`$"\`+"`", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// Package urlmask hides the credentials of URLs that are shown to people or
// written to machine output; the URL used to connect keeps them.
package urlmask

import (
	"net/url"
	"strings"
)

// Mask masks the userinfo of a URL: user:****@host, or ****@host for a user
// name alone (which is often a token). A URL without userinfo is returned as
// given. Text that does not parse as a URL, or has no scheme (host:port/path
// as --forward-to takes it), gets all before the '@' of its authority masked,
// so that a malformed URL does not show its password either.
func Mask(raw string) string {
	if !strings.Contains(raw, "@") {
		return raw // the common case, without parsing
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.Contains(raw, "://") {
		return maskUnparsed(raw)
	}
	if u.User == nil {
		return raw
	}
	userinfo := "****"
	if _, ok := u.User.Password(); ok {
		userinfo = url.User(u.User.Username()).String() + ":****"
	}
	u.User = nil
	scheme := u.Scheme + "://"
	return scheme + userinfo + "@" + strings.TrimPrefix(u.String(), scheme)
}

// maskUnparsed masks whatever stands between "://" (or the start) and the
// last '@' of the authority.
func maskUnparsed(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], "/?#"); i >= 0 {
		end = start + i
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw
	}
	return raw[:start] + "****" + raw[start+at:]
}

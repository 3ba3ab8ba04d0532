package relay

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzBackoff: whatever Retry-After a target sends, the wait is never
// negative, never more than an hour (or the 6 s of the jittered default), and
// a date agrees with http.ParseTime.
func FuzzBackoff(f *testing.F) {
	for _, s := range []string{"7", "0", "", " 5", "-1", "+3", "3600", "3601", "9300000000", "99999999999999999999",
		"Wed, 21 Oct 2015 07:28:00 GMT", time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat),
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Fri, 31 Dec 9999 23:59:59 GMT", "1.5", "0x10"} {
		f.Add(429, s)
		f.Add(503, s)
	}
	f.Add(500, "7")
	f.Fuzz(func(t *testing.T, status int, retryAfter string) {
		resp := &Response{Status: status, Header: http.Header{"Retry-After": {retryAfter}}}
		at := time.Now()
		d := backoff(3, resp, at)
		if d < 0 || d > time.Hour {
			t.Fatalf("Retry-After %q on %d: waits %s, want 0 to 1h", retryAfter, status, d)
		}
		if status != 429 && status != 503 {
			if d < time.Second || d > 1200*time.Millisecond {
				t.Fatalf("status %d: waits %s, want the default 1 s to 1.2 s", status, d)
			}
			return
		}
		if _, err := strconv.Atoi(retryAfter); err == nil {
			return
		}
		if when, err := http.ParseTime(retryAfter); err == nil {
			if want := min(max(when.Sub(at), 0), time.Hour); d != want {
				t.Fatalf("Retry-After %q: waits %s, want %s", retryAfter, d, want)
			}
		}
	})
}

// FuzzParseTarget: a target that parses has an http(s) URL with a host and a
// port in range, and reads back the same from its own String.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"3000", "+3000", "03000", "0", "65535", "65536", "localhost:3000/hooks", "localhost:0", "localhost:99999",
		"https://app.test/h?a=b", "pet.*=3000", "order.created=127.0.0.1:4000/o", "http://x.test/?k=v=w",
		"=3000", "pet.[=3000", "ftp://x", "pet.*=", "x.test?k=v", "http://user:pw@h/", "http://[::1]:80/", "http://h/%zz",
		"http://h:/", "a=b=c", "//h", "http://%41/", "pet.*=https://h\x00/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, err := ParseTarget(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("ParseTarget(%q): a multi-line error %q", s, err)
			}
			return
		}
		u, err := url.Parse(target.URL)
		if err != nil {
			t.Fatalf("ParseTarget(%q) = %q, which net/url rejects: %v", s, target.URL, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			t.Fatalf("ParseTarget(%q) = %q: want an http(s) URL with a host", s, target.URL)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("ParseTarget(%q) = %q: port %q out of range", s, target.URL, p)
			}
		}
		again, err := ParseTarget(target.String())
		if err != nil || !reflect.DeepEqual(again, target) {
			t.Fatalf("ParseTarget(%q) = %+v, but ParseTarget(%q) = %+v, %v", s, target, target.String(), again, err)
		}
	})
}

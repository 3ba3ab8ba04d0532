package relay

import "testing"

// TestParseURLForms: every form a command takes for a receiver, and the
// malformed ones refused with the same one-line error (htp:/x used to become
// http://htp:/x, a host with an empty port).
func TestParseURLForms(t *testing.T) {
	const malformed = "want a port, host:port[/path] or an http(s) URL"
	tests := []struct{ in, want, err string }{
		{"3000", "http://localhost:3000", ""},
		{"21999/hooks", "http://localhost:21999/hooks", ""},
		{"21999/", "http://localhost:21999/", ""},
		{"21999/a/b?k=v", "http://localhost:21999/a/b?k=v", ""},
		{"localhost", "http://localhost", ""},
		{"localhost:3000", "http://localhost:3000", ""},
		{"localhost:3000/hooks", "http://localhost:3000/hooks", ""},
		{"127.0.0.1:4000/o?k=v", "http://127.0.0.1:4000/o?k=v", ""},
		{"[::1]:3000/x", "http://[::1]:3000/x", ""},
		{"http://x.test", "http://x.test", ""},
		{"https://x.test:8443/p", "https://x.test:8443/p", ""},
		{"http://user:pw@x.test:80/p", "http://user:pw@x.test:80/p", ""},

		{"", "", "no destination"},
		{"0", "", "port 0 is out of range"},
		{"65536", "", "port 65536 is out of range"},
		{"0/hooks", "", "port 0 is out of range"},
		{"localhost:0", "", "port 0 is out of range"},
		{"htp:/x", "", malformed},
		{"localhost:/x", "", malformed},
		{"localhost:", "", malformed},
		{"http://x.test:", "", malformed},
		{"http://x.test:/p", "", malformed},
		{"http:/x", "", malformed},
		{"http:x", "", malformed},
		{"htp://x", "", malformed},
		{"ftp://x", "", malformed},
		{":19300", "", malformed},
		{"http://", "", malformed},
		{"http:///p", "", malformed},
		{"http://x.test:+80", "", malformed},
		{"http://x.test:8o", "", malformed},
		{"localhost:80:90", "", malformed},
		{"http://a b", "", malformed},
		{"[::1", "", malformed},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in, "")
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseURL(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestParseURLDefaultPath: a short form without a path gets the default
// path (trigger --url 8080 names listen on /webhooks); a path, even "/",
// or a full URL is kept as written.
func TestParseURLDefaultPath(t *testing.T) {
	for in, want := range map[string]string{
		"8080":                  "http://localhost:8080/webhooks",
		"8080/":                 "http://localhost:8080/",
		"8080/hooks":            "http://localhost:8080/hooks",
		"localhost:8080":        "http://localhost:8080/webhooks",
		"localhost:8080?k=v":    "http://localhost:8080/webhooks?k=v",
		"127.0.0.1:8080/x":      "http://127.0.0.1:8080/x",
		"http://localhost:8080": "http://localhost:8080",
	} {
		if got, err := ParseURL(in, "/webhooks"); err != nil || got != want {
			t.Errorf("ParseURL(%q, /webhooks) = %q, %v; want %q", in, got, err, want)
		}
	}
}

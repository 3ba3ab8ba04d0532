package urlmask

import "testing"

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:3000/hooks":           "http://localhost:3000/hooks",
		"http://user:hunter2@example.com/x?a=b": "http://user:****@example.com/x?a=b",
		"https://tok3n@example.com/":            "https://****@example.com/",
		"http://user:p%40ss@example.com/":       "http://user:****@example.com/",
		"http://user:hunter2@127.0.0.1:99999/":  "http://user:****@127.0.0.1:99999/",
		"http://user:hunter2@127.0.0.1:bad/":    "http://****@127.0.0.1:bad/",
		"http://user:hunter2@ex ample.com/":     "http://****@ex ample.com/",
		"user:hunter2@127.0.0.1:0/":             "****@127.0.0.1:0/",
		"no-at-sign.example:8080/x":             "no-at-sign.example:8080/x",
		"http://example.com/a@b":                "http://example.com/a@b",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

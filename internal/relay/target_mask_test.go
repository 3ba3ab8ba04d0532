package relay

import "testing"

func TestParseTargetErrorsMaskTheCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:hunter2@127.0.0.1:99999/": `forward target "http://user:****@127.0.0.1:99999/": port 99999 is out of range`,
		"user:hunter2@127.0.0.1:0/":            `forward target "****@127.0.0.1:0/": port 0 is out of range`,
		"pet.*=ftp://user:hunter2@x.test/":     `forward target "pet.*=ftp://****@x.test/": want a port, host:port[/path] or an http(s) URL`,
		"[=http://user:hunter2@x.test/":        `forward target "[=http://****@x.test/": bad glob "["`,
	} {
		_, err := ParseTarget(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseTarget(%q): %v, want %s", in, err, want)
		}
	}
}

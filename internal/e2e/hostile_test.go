package e2e

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// An unsigned request that tries to clear the screen, set the title and
// forge a line is shown escaped, on stdout and in the history.
func TestHostileRequestIsShownEscaped(t *testing.T) {
	u := newUser(t)
	history := filepath.Join(t.TempDir(), "history.db")
	l := u.listen("--verbose", "--secret", "whsec_c2VjcmV0", "--history", history)
	body := "{\"id\":\"e1\\u001b[K\",\"eventType\":\"pet.adopted\\u001b[2J\\u001b]0;pwned\\u0007\\n23:59:59  -->  pet.adopted  e2  \u2713 verified\",\"x\":\"\xc2\x9b\xff\"}"
	for _, url := range []string{l.URL, l.URL + "%1b[2J%0a"} {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("X-Evil", "a\xc2\x9bb")
		req.Header.Set("X-Api-Key", "sk_live_123")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	l.interrupt(t)
	for name, out := range map[string]string{"listen": l.stdout.String(), "events show": u.run("events", "show", "1", "--history", history).stdout,
		"events list": u.run("events", "list", "--history", history).stdout} {
		if strings.ContainsAny(out, "\x1b\x07\u009b") || strings.Contains(out, "sk_live") || strings.Contains(out, "\n23:59:59") {
			t.Errorf("%s output holds a control, a key or a forged line:\n%q", name, out)
		}
		if !strings.Contains(out, `pet.adopted\x1b[2J\x1b]0;pwned\x07\n23:59:59`) {
			t.Errorf("%s output does not show the event type escaped:\n%q", name, out)
		}
	}
	if out := l.stdout.String(); !strings.Contains(out, `POST /webhooks\x1b[2J\n`) || !strings.Contains(out, `X-Evil: a\u009bb`) {
		t.Errorf("listen output:\n%q", out)
	}
}

// A target's password is shown and recorded masked, and still sent.
func TestForwardTargetCredentialsAreMasked(t *testing.T) {
	got := make(chan string, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pw, _ := r.BasicAuth()
		got <- pw
	}))
	defer app.Close()
	u := newUser(t)
	history := filepath.Join(t.TempDir(), "history.db")
	target := strings.Replace(app.URL, "http://", "http://user:s3cret@", 1)
	l := u.listen("--forward-to", target, "--history", history)
	if r := u.run("trigger", "pet.adopted", "--url", l.URL); r.code != 0 {
		t.Fatalf("trigger: %s%s", r.stdout, r.stderr)
	}
	if pw := <-got; pw != "s3cret" {
		t.Errorf("the app got password %q", pw)
	}
	l.interrupt(t)
	show := u.run("events", "show", "1", "--history", history, "--format", "json").stdout
	for name, out := range map[string]string{"stderr": l.stderr.String(), "stdout": l.stdout.String(), "events show": show} {
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "user:****@") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
	// The password was never stored: resend asks for the target rather than
	// send "****" as the password.
	if r := u.run("events", "resend", "1", "--history", history); r.code != 2 || r.stderr != "Error: event 1 was forwarded to "+strings.Replace(target, "s3cret", "****", 1)+", whose credentials are not kept: say where with --to\n" {
		t.Errorf("resend without --to: %+v", r)
	}
	if r := u.run("events", "resend", "1", "--history", history, "--to", target); r.code != 0 || <-got != "s3cret" {
		t.Errorf("resend --to: %+v", r)
	}
}

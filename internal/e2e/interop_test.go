//go:build interop

// The interoperability suite: every signature scheme against code no one here
// wrote, the providers' own libraries (or, where a provider has none, the
// recipe its documentation gives) in providers/interop.mjs. Run it with
//
//	npm ci --prefix internal/e2e/providers && go test -tags interop -run Interop ./internal/e2e/
//
// It fails, never skips, when node or the npm packages are missing.
package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	interopSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	otherSecret   = "whsec_dGhlIG90aGVyIHNlY3JldA=="
)

// interopBody is an event with odd spacing and non-ASCII text, as JSON: Stripe's
// library parses what it verifies.
var interopBody = []byte("{\"id\":\"evt_interop_1\", \"eventType\":\"pet.adopted\",\n \"data\":{\"pet\":{\"name\":\"Zoë 🐶\"}}}")

// A scheme of ours and the provider code that checks it.
type provider struct {
	scheme      string // ours
	lib         string // interop.mjs's
	timestamped bool
}

var providers = []provider{
	{"petstore", "petstore", false},
	{"github", "github", false},
	{"stripe", "stripe", true},
	{"standard", "standard", true},
	{"standard", "svix", true},
	{"slack", "slack", true},
	{"shopify", "shopify", false},
	{"hex", "hex", false},
}

// The suite fails, never skips, without node and the providers' packages.
func init() {
	if _, err := exec.LookPath("node"); err != nil {
		fmt.Fprintln(os.Stderr, "interop: node is not installed")
		os.Exit(1)
	}
	if _, err := os.Stat(filepath.Join("providers", "node_modules", "stripe")); err != nil {
		fmt.Fprintln(os.Stderr, "interop: the providers' packages are missing: run npm ci --prefix internal/e2e/providers")
		os.Exit(1)
	}
}

func (p provider) name() string { return p.scheme + "/" + p.lib }

// node runs interop.mjs with a JSON request and decodes its JSON answer.
func node(t *testing.T, command string, req any, answer any) {
	t.Helper()
	in, _ := json.Marshal(req)
	cmd := exec.Command("node", filepath.Join("providers", "interop.mjs"), command)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node interop.mjs %s: %v\n%s", command, err, stderr.String())
	}
	if err := json.Unmarshal(out, answer); err != nil {
		t.Fatalf("node interop.mjs %s answered %q: %v", command, out, err)
	}
}

type verdict struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

// providerVerifies asks the provider's code whether it accepts the request.
func providerVerifies(t *testing.T, p provider, body []byte, h http.Header, secret string) verdict {
	t.Helper()
	headers := map[string]string{}
	for k := range h {
		name := strings.ToLower(k)
		if p.lib == "svix" { // as Svix itself sends them
			name = strings.Replace(name, "webhook-", "svix-", 1)
		}
		headers[name] = h.Get(k)
	}
	var v verdict
	node(t, "verify", map[string]any{"lib": p.lib, "body": base64.StdEncoding.EncodeToString(body), "headers": headers, "secret": secret}, &v)
	return v
}

// providerSigns returns the headers the provider's code signs body with.
func providerSigns(t *testing.T, p provider, body []byte, secret string, ts int64) http.Header {
	t.Helper()
	var answer struct{ Headers map[string]string }
	node(t, "sign", map[string]any{"lib": p.lib, "body": base64.StdEncoding.EncodeToString(body), "secret": secret, "id": "msg_interop_1", "timestamp": ts}, &answer)
	h := http.Header{}
	for k, v := range answer.Headers {
		h.Set(k, v)
	}
	if len(h) == 0 {
		t.Fatalf("%s signed with no header", p.lib)
	}
	return h
}

// ourHeaders runs `sign --print-headers` and parses its "Name: value" lines.
func ourHeaders(t *testing.T, u *user, file string, args ...string) http.Header {
	t.Helper()
	r := u.run(append([]string{"sign", file, "--print-headers"}, args...)...)
	if r.code != 0 {
		t.Fatalf("sign %v: exit %d: %s", args, r.code, r.stderr)
	}
	h := http.Header{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		name, value, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("sign printed %q", line)
		}
		h.Set(name, value)
	}
	return h
}

// withTimestamp returns h with its signed timestamp moved by delta seconds,
// the signature left as it was.
func withTimestamp(t *testing.T, p provider, h http.Header, delta int64) http.Header {
	t.Helper()
	h = h.Clone()
	bump := func(s string) string {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("timestamp %q", s)
		}
		return strconv.FormatInt(n+delta, 10)
	}
	switch p.scheme {
	case "stripe":
		parts := strings.Split(h.Get("Stripe-Signature"), ",")
		parts[0] = "t=" + bump(strings.TrimPrefix(parts[0], "t="))
		h.Set("Stripe-Signature", strings.Join(parts, ","))
	case "standard":
		for _, k := range []string{"Webhook-Timestamp", "Svix-Timestamp"} {
			if v := h.Get(k); v != "" {
				h.Set(k, bump(v))
			}
		}
	case "slack":
		h.Set("X-Slack-Request-Timestamp", bump(h.Get("X-Slack-Request-Timestamp")))
	}
	return h
}

func writeBody(t *testing.T, body []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// Signed here, checked by the provider's code: accepted as signed; rejected
// with the body, the timestamp or the secret changed.
func TestInteropOurSignaturesPassTheProviders(t *testing.T) {
	u := newUser(t)
	file := writeBody(t, interopBody)
	tampered := writeBody(t, append(bytes.Clone(interopBody), ' '))
	for _, p := range providers {
		t.Run(p.name(), func(t *testing.T) {
			h := ourHeaders(t, u, file, "--scheme", p.scheme, "--secret", interopSecret)
			if v := providerVerifies(t, p, interopBody, h, interopSecret); !v.OK {
				t.Fatalf("%s rejects our signature: %s (headers %v)", p.lib, v.Error, h)
			}
			if v := providerVerifies(t, p, append(bytes.Clone(interopBody), ' '), h, interopSecret); v.OK {
				t.Errorf("%s accepts a changed body", p.lib)
			}
			if v := providerVerifies(t, p, interopBody, h, otherSecret); v.OK {
				t.Errorf("%s accepts another secret", p.lib)
			}
			if p.timestamped {
				if v := providerVerifies(t, p, interopBody, withTimestamp(t, p, h, 1), interopSecret); v.OK {
					t.Errorf("%s accepts a changed timestamp", p.lib)
				}
			}
			// And our verify agrees on what it signed and on the tampered body.
			args := []string{"verify", "--scheme", p.scheme, "--secret", interopSecret}
			for k := range h {
				args = append(args, "-H", k+": "+h.Get(k))
			}
			if r := u.run(append(args, file)...); r.code != 0 {
				t.Errorf("verify rejects our own signature: %s", r.stderr)
			}
			if r := u.run(append(args, tampered)...); r.code != 1 {
				t.Errorf("verify of a changed body: exit %d, want 1", r.code)
			}
		})
	}
}

// While a secret is rolled, Stripe and Standard Webhooks carry a signature for
// each: the provider's code, knowing only one of the secrets, accepts.
func TestInteropRotationSignatures(t *testing.T) {
	u := newUser(t)
	file := writeBody(t, interopBody)
	for _, p := range providers {
		if p.scheme != "stripe" && p.scheme != "standard" {
			continue
		}
		t.Run(p.name(), func(t *testing.T) {
			h := ourHeaders(t, u, file, "--scheme", p.scheme, "--secret", otherSecret, "--secret", interopSecret)
			for _, secret := range []string{interopSecret, otherSecret} {
				if v := providerVerifies(t, p, interopBody, h, secret); !v.OK {
					t.Errorf("%s rejects two signatures, one made with its secret: %s", p.lib, v.Error)
				}
			}
		})
	}
}

// receiver is interop.mjs's HTTP receiver, verifying with the provider's code.
type receiver struct {
	url  string
	out  *output // interop.mjs's stdout: its port, then a verdict a line
	seen int     // the lines next has taken, the port's included
}

func startReceiver(t *testing.T, lib, secret string) *receiver {
	t.Helper()
	cmd := exec.Command("node", filepath.Join("providers", "interop.mjs"), "receive", lib, secret)
	out := &output{}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	var first struct{ Port int }
	started := out.await(exited, patience, func(lines string) bool {
		line, _, _ := strings.Cut(lines, "\n")
		return json.Unmarshal([]byte(line), &first) == nil && first.Port != 0
	})
	if started != holds {
		cmd.Process.Kill()
		<-exited // stderr is whole, and no longer written, only then
		t.Fatalf("node receiver did not start: %s%s", out, stderr.String())
	}
	return &receiver{url: fmt.Sprintf("http://127.0.0.1:%d/webhooks", first.Port), out: out, seen: 1}
}

// next is the receiver's verdict on the next request it gets.
func (r *receiver) next(t *testing.T) verdict {
	t.Helper()
	var v verdict
	r.out.waitFor(t, "the node receiver saw a request", func(lines string) bool {
		all := strings.Split(lines, "\n")
		if len(all) <= r.seen+1 { // the last is the part after the last newline: empty
			return false
		}
		json.Unmarshal([]byte(all[r.seen]), &v)
		return true
	})
	r.seen++
	return v
}

// trigger sends a bundled event into a receiver built on the provider's code.
func TestInteropTriggerIntoProviderReceivers(t *testing.T) {
	u := newUser(t)
	for _, p := range providers {
		t.Run(p.name(), func(t *testing.T) {
			rcv := startReceiver(t, p.lib, interopSecret)
			r := u.run("trigger", "pet.adopted", "--scheme", p.scheme, "--secret", interopSecret, "--url", rcv.url)
			if v := rcv.next(t); r.code != 0 || !v.OK {
				t.Fatalf("trigger: exit %d (%s); %s receiver: %+v", r.code, strings.TrimSpace(r.stderr), p.lib, v)
			}
			r = u.run("trigger", "pet.adopted", "--scheme", p.scheme, "--secret", otherSecret, "--url", rcv.url)
			if v := rcv.next(t); r.code != 3 || v.OK {
				t.Fatalf("trigger with another secret: exit %d, want 3; %s receiver: %+v", r.code, p.lib, v)
			}
		})
	}
}

// Signed by the provider's code, checked here by verify and by one listen
// that accepts every scheme at once and names the one that verified.
func TestInteropProviderSignaturesPassOurs(t *testing.T) {
	u := newUser(t)
	file := writeBody(t, interopBody)
	l := u.listen("--scheme", "petstore,github,stripe,standard,slack,shopify,hex", "--secret", interopSecret, "--format", "json")
	lines := 0
	post := func(t *testing.T, body []byte, h http.Header) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, l.URL, bytes.NewReader(body))
		req.Header = h.Clone()
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lines++
		var line map[string]any
		l.stdout.waitFor(t, "listen's line", func(written string) bool {
			all := strings.Split(strings.TrimSpace(written), "\n")
			if len(all) < lines {
				return false
			}
			return json.Unmarshal([]byte(all[lines-1]), &line) == nil
		})
		return resp.StatusCode, line
	}
	for _, p := range providers {
		t.Run(p.name(), func(t *testing.T) {
			now := time.Now().Unix()
			h := providerSigns(t, p, interopBody, interopSecret, now)
			verify := func(file string) result {
				args := []string{"verify", file, "--scheme", p.scheme, "--secret", interopSecret}
				for k := range h {
					args = append(args, "-H", k+": "+h.Get(k))
				}
				return u.run(args...)
			}
			if r := verify(file); r.code != 0 || !strings.Contains(r.stderr, "signature is valid ("+p.scheme+")") {
				t.Errorf("verify: exit %d: %s", r.code, r.stderr)
			}
			if status, line := post(t, interopBody, h); status != 200 || line["scheme"] != p.scheme {
				t.Errorf("listen: %d, line %v", status, line)
			}
			if r := verify(writeBody(t, append(bytes.Clone(interopBody), ' '))); r.code != 1 || !strings.Contains(r.stderr, "signature does not match") {
				t.Errorf("verify, changed body: exit %d: %s", r.code, r.stderr)
			}
			if status, line := post(t, append(bytes.Clone(interopBody), ' '), h); status != 401 || line["reason"] == nil {
				t.Errorf("listen, changed body: %d, line %v", status, line)
			}
			if status, _ := post(t, interopBody, providerSigns(t, p, interopBody, otherSecret, now)); status != 401 {
				t.Errorf("listen, another secret: %d", status)
			}
			if p.timestamped {
				if status, _ := post(t, interopBody, withTimestamp(t, p, h, 1)); status != 401 {
					t.Errorf("listen, changed timestamp: %d", status)
				}
				old := providerSigns(t, p, interopBody, interopSecret, now-600)
				if status, line := post(t, interopBody, old); status != 401 || !strings.HasPrefix(fmt.Sprint(line["reason"]), "timestamp too old") {
					t.Errorf("listen, signed 10 minutes ago: %d, line %v", status, line)
				}
			}
		})
	}
}

// The relay re-signs for an app with its own secret in the app's scheme: the
// provider's code in the app accepts what listen forwards.
func TestInteropRelayResignsForProviderApps(t *testing.T) {
	u := newUser(t)
	for _, p := range providers {
		t.Run(p.name(), func(t *testing.T) {
			app := startReceiver(t, p.lib, otherSecret)
			l := u.listen("--no-history", "--secret", interopSecret, "--forward-to", app.url,
				"--forward-scheme", p.scheme, "--forward-secret", otherSecret)
			if r := u.run("trigger", "order.created", "--secret", interopSecret, "--url", l.URL); r.code != 0 {
				t.Fatalf("trigger: exit %d: %s", r.code, r.stderr)
			}
			if v := app.next(t); !v.OK {
				t.Fatalf("%s app rejects the re-signed forward: %s", p.lib, v.Error)
			}
		})
	}
}

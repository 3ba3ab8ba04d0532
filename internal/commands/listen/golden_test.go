package listen

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// The fixed clock and ids of the golden renderings.
var (
	goldenAt = time.Date(2025, 1, 6, 12, 0, 1, 0, time.Local)
	goldenID = "019b4132-70aa-764f-b315-e2803d882a24"
)

// streams are test streams as a terminal (80 columns, --color always) or
// piped.
func streams(terminal bool) (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	if terminal {
		ios.SetTTY(false, true, true)
		_ = ios.SetColorMode("always")
	}
	return ios, out, errOut
}

// goldenModes renders once as a terminal and once piped, compares each with
// testdata/<name>-terminal.golden and -piped.golden, and checks that the
// terminal's lines fit 80 columns and say what the piped ones say.
func goldenModes(t *testing.T, name string, render func(terminal bool) string) {
	t.Helper()
	term, piped := render(true), render(false)
	golden.Assert(t, name+"-terminal", []byte(term))
	golden.AssertFits(t, term, 80)
	golden.Assert(t, name+"-piped", []byte(piped))
	if strings.Contains(piped, "\x1b[") {
		t.Errorf("%s: piped output coloured without --color always:\n%q", name, piped)
	}
}

func envelope(id, typ string) *event.Envelope { return &event.Envelope{ID: id, Type: typ} }

func request(status int, verification, reason string, dup bool) receiver.Request {
	body := `{"id":"` + goldenID + `","eventType":"pet.adopted","data":{"pet":{"id":"pet_fYrZzCW9E1WIOyGw","name":"Rex"}}}`
	return receiver.Request{ReceivedAt: goldenAt, Method: "POST", Path: "/webhooks", Status: status, Verification: verification, Reason: reason,
		Duplicate: dup, Header: http.Header{"Content-Type": {"application/json"}, "X-Petstore-Signature": {"sha256=9f2c0e"}},
		Body: []byte(body), Event: envelope(goldenID, "pet.adopted")}
}

func TestGoldenRequestLines(t *testing.T) {
	hostile := request(401, receiver.Rejected, "signature does not match the secret \x1b[2J"+strings.Repeat("x", 100), false)
	hostile.Event = envelope("e1\x1b[K\u202e"+strings.Repeat("9", 40), "pet.adopted\x1b]0;pwned\x07\n23:59:59 -->  pet.adopted")
	otherScheme := request(200, receiver.Verified, "", false)
	otherScheme.Scheme = "standard"
	wide := request(200, receiver.Verified, "", false) // cut inside wide characters
	wide.Event = envelope("事件编号一二三四五六七八九十", "宠物.已领养.一二三四五六七")
	emoji := request(401, receiver.Rejected, "signature does not match 🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶", false)
	emoji.Event = envelope("ab"+strings.Repeat(thumb, 4)+"x", "pet.adopted.🐶🐶🐶🐶🐶🐶")
	longHeader := request(200, receiver.Verified, "", false)
	longHeader.Header.Set("X-Petstore-Signature", "t=1736164801,v1="+strings.Repeat("9f2c0e4b", 8))
	short := request(200, receiver.Verified, "", false)
	short.Event = envelope("evt_42", "order.status_changed")
	for _, tc := range []struct {
		name    string
		verbose bool
		r       receiver.Request
	}{
		{"verified", false, request(200, receiver.Verified, "", false)},
		{"verbose", true, request(200, receiver.Verified, "", false)},
		{"verbose-long-header", true, longHeader}, // whole: data to copy (see golden.AssertFits)
		{"rejected", false, request(401, receiver.Rejected, "signature does not match the secret", false)},
		{"duplicate", false, request(200, receiver.Verified, "", true)},
		{"unverified", false, request(200, receiver.Unverified, "X-Petstore-Signature header missing", false)},
		{"other-scheme", false, otherScheme},
		{"short-id", false, short},
		{"bad-event", false, receiver.Request{ReceivedAt: goldenAt, Method: "POST", Path: "/webhooks", Status: 400, Reason: "the body is not JSON: invalid character 'h' in literal true (expecting 'r')"}},
		{"get-root-404", false, receiver.Request{ReceivedAt: goldenAt, Method: "GET", Path: "/", Status: 404}},
		{"get-405", false, receiver.Request{ReceivedAt: goldenAt, Method: "GET", Path: "/webhooks", Status: 405}},
		{"hostile", false, hostile},
		{"wide", false, wide},
		{"emoji", false, emoji},
	} {
		goldenModes(t, "request-"+tc.name, func(terminal bool) string {
			ios, out, _ := streams(terminal)
			p := newPrinter(&Options{IO: ios, Verbose: tc.verbose})
			p.print(tc.r)
			p.close()
			return out.String()
		})
	}
}

// attempt is a forward attempt of the golden event to the local app.
func attempt(n, status int, errText, state string, retryIn time.Duration) relay.Result {
	return relay.Result{
		Request: &store.Request{EventID: goldenID, EventType: "pet.adopted", Method: "POST"},
		Forward: store.Forward{Target: "http://localhost:3000/webhooks", State: state, Attempts: n},
		Attempt: store.ForwardAttempt{Attempt: n, AttemptedAt: goldenAt.Add(time.Duration(n) * time.Second), Status: status,
			Latency: 1500 * time.Microsecond, Error: errText, Response: []byte(`{"ok":true}`)},
		RetryIn: retryIn,
	}
}

const refused = "dial tcp 127.0.0.1:3000: connect: connection refused"

// thumb is one emoji of two columns made of two runes (a zero-width joiner
// would be escaped: see iostreams.Escape).
const thumb = "👍🏽"

// wideAttempt is an attempt at an event whose id and target are wide.
func wideAttempt() relay.Result {
	r := attempt(1, 0, "no answer: 应用程序没有在十秒内回答这个请求应用程序没有在十秒内回答这个请求应用程序没有在十秒内回答", store.Failed, 0)
	r.Request = &store.Request{EventID: "ab" + strings.Repeat(thumb, 4) + "x", EventType: "pet.adopted", Method: "POST"}
	r.Forward.Target = "http://应用.example/webhooks/事件/一二三四五六七八九十"
	return r
}

func TestGoldenForwardLines(t *testing.T) {
	// A forward that fails three times, then is delivered.
	recovering := []relay.Result{attempt(1, 0, refused, store.Pending, 250*time.Millisecond), attempt(2, 503, "", store.Pending, 500*time.Millisecond),
		attempt(3, 0, refused, store.Pending, time.Second), attempt(4, 200, "", store.Delivered, 0)}
	for _, tc := range []struct {
		name    string
		verbose bool
		results []relay.Result
	}{
		{"delivered", false, []relay.Result{attempt(1, 200, "", store.Delivered, 0)}},
		{"retrying", false, []relay.Result{attempt(1, 500, "", store.Pending, 250*time.Millisecond)}},
		{"delivered-after-n", false, recovering},
		{"delivered-after-n-verbose", true, recovering},
		{"failed", false, []relay.Result{attempt(1, 404, "", store.Failed, 0)}},
		{"failed-after-n", false, []relay.Result{attempt(1, 0, refused, store.Pending, 250*time.Millisecond), attempt(2, 0, refused, store.Pending, 500*time.Millisecond),
			attempt(3, 0, refused, store.Failed, 0)}},
		{"error-without-status", false, []relay.Result{attempt(1, 0, "no answer within 10s", store.Failed, 0)}},
		{"redirect", false, []relay.Result{attempt(1, 302, "redirected to http://localhost:3000/login (not followed)", store.Failed, 0)}},
		{"wide", false, []relay.Result{wideAttempt()}},
	} {
		goldenModes(t, "forward-"+tc.name, func(terminal bool) string {
			ios, out, _ := streams(terminal)
			p := newPrinter(&Options{IO: ios, Verbose: tc.verbose})
			for _, r := range tc.results {
				p.forward(r)
			}
			p.close()
			return out.String()
		})
	}
}

// A target that keeps failing is shown when it first fails and when it ends,
// not at every retry (for up to an hour); --verbose shows every attempt.
func TestAFailingForwardIsShownOnceThenItsEnd(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		ios, out, _ := streams(false)
		p := newPrinter(&Options{IO: ios, Verbose: verbose})
		for n := 1; n < 30; n++ {
			p.forward(attempt(n, 0, refused, store.Pending, time.Minute))
		}
		p.forward(attempt(30, 200, "", store.Delivered, 0))
		p.close()
		want := 2
		if verbose {
			want = 30
		}
		if got := strings.Count(out.String(), "\t<--\t"); got != want {
			t.Errorf("verbose %v: %d forward lines, want %d:\n%s", verbose, got, want, out.String())
		}
		if !strings.Contains(out.String(), "delivered after 30 attempts") {
			t.Errorf("verbose %v: the end is not told:\n%s", verbose, out.String())
		}
	}
}

func TestGoldenReady(t *testing.T) {
	target, err := relay.ParseTarget("pet.*=http://localhost:3000/webhooks")
	if err != nil {
		t.Fatal(err)
	}
	secret := "whsec_" + strings.Repeat("Ab3", 10) + "xy"
	standard, err := signature.New("standard", signature.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts Options
		addr *net.TCPAddr
		rec  *recording
	}{
		{"ready", Options{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, &recording{path: "/home/dev/.local/state/petstore-webhooks/history.db", inspectorURL: "http://127.0.0.1:4040"}},
		{"ready-everything", Options{ForwardTo: []relay.Target{target}, SkipVerify: true, Schemes: []signature.Scheme{signature.Petstore, standard}},
			&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, &recording{path: ":memory:", pending: map[string]int{"http://localhost:3000/webhooks": 3}}},
	} {
		goldenModes(t, tc.name, func(terminal bool) string {
			ios, _, errOut := streams(terminal)
			opts := tc.opts
			opts.IO, opts.Path = ios, "/webhooks"
			if opts.Schemes == nil {
				opts.Schemes = []signature.Scheme{signature.Petstore}
			}
			printReady(&opts, tc.addr, []string{secret, "whsec_old"}, tc.rec)
			return errOut.String()
		})
	}
}

func TestGoldenStopped(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stats receiver.Stats
	}{
		{"stopped", receiver.Stats{Received: 6, Verified: 5, Rejected: 1}},
		{"stopped-large", receiver.Stats{Received: 12345678901, Verified: 12345678000, Unverified: 800, Rejected: 101, Duplicates: 4567}},
	} {
		goldenModes(t, tc.name, func(terminal bool) string {
			ios, _, errOut := streams(terminal)
			printSummary(&Options{IO: ios}, tc.stats)
			return errOut.String()
		})
	}
}

// The README shows what listen prints on a terminal.
func TestReadmeShowsTheLinesListenPrints(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	at := func(sec int) time.Time { return time.Date(2025, 1, 6, 12, 0, sec, 0, time.Local) }
	ios, out, _ := streams(true)
	_ = ios.SetColorMode("never")
	p := newPrinter(&Options{IO: ios})
	verified := request(200, receiver.Verified, "", false)
	verified.ReceivedAt = at(1)
	rejected := request(401, receiver.Rejected, "signature does not match the secret", false)
	rejected.ReceivedAt, rejected.Event = at(4), envelope("019b4132-7e10-7c2d-8a4b-0c5d4e3f2a11", "pet.adopted")
	p.print(verified)
	p.print(rejected)
	p.close()
	forwards := []relay.Result{attempt(1, 0, refused, store.Pending, 250*time.Millisecond), attempt(5, 200, "", store.Delivered, 0)}
	forwards[0].Attempt.AttemptedAt, forwards[0].Attempt.Latency = at(1), 400*time.Microsecond
	forwards[1].Attempt.AttemptedAt, forwards[1].Attempt.Latency = at(5), 2100*time.Microsecond
	ios2, out2, _ := streams(true)
	_ = ios2.SetColorMode("never")
	p = newPrinter(&Options{IO: ios2})
	p.print(verified)
	for _, f := range forwards {
		f.Forward.Target = "http://localhost:3000"
		p.forward(f)
	}
	p.close()
	for _, want := range []string{out.String(), out2.String()} {
		if !strings.Contains(string(readme), "```\n"+want+"```\n") {
			t.Errorf("README.md does not show what listen prints:\n%s", want)
		}
	}
}

// The terminal echoes ^C without a newline: stopped by a signal, listen
// starts its summary on a line of its own there, and only there.
func TestStoppedByCtrlCStartsItsOwnLine(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_x"})
		if terminal {
			f.IOStreams.SetTTY(false, true, true)
		}
		ctx, interrupt := context.WithCancel(context.Background())
		interrupt() // Ctrl+C
		if err := listenRun(ctx, &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Addr: "127.0.0.1:0", Path: "/", NoHistory: true}); err != nil {
			t.Fatal(err)
		}
		want := "quit\n\nStopped. received 0" // the ^C is on the empty line
		if !terminal {
			want = "quit\nStopped. received 0"
		}
		if got := golden.Plain(s.Err.String()); !strings.Contains(got, want) {
			t.Errorf("terminal %v: stderr\n%s", terminal, got)
		}
	}
}

// Stopped by Ctrl+C with forwards still pending, the sentence about them
// (the first thing said after ^C) starts on a line of its own too.
func TestPendingForwardsAfterCtrlCStartTheirOwnLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	reqs := []*store.Request{{ReceivedAt: goldenAt, Method: "POST", Path: "/webhooks", Status: 200, EventID: goldenID, EventType: "pet.adopted"}}
	if _, err := st.RecordRequests(context.Background(), reqs, [][]string{{"http://localhost:3000/webhooks"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_x"})
	f.IOStreams.SetTTY(false, true, true)
	ctx, interrupt := context.WithCancel(context.Background())
	interrupt() // Ctrl+C
	if err := listenRun(ctx, &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Addr: "127.0.0.1:0", Path: "/", History: path, UIAddr: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	want := "\n\n1 forward(s) still pending: they resume when listen next starts with this\n  history and a --forward-to.\nStopped. received 0"
	if got := golden.Plain(s.Err.String()); !strings.Contains(got, want) {
		t.Errorf("stderr\n%s", got)
	}
}

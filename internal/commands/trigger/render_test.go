package trigger

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
)

func TestMain(m *testing.M) { cmdtest.MainInUTC(m) }

func humanOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IOStreams, Format: "human", URL: "http://127.0.0.1:8080/webhooks", Now: f.Now}
}

const someID = "019b4132-70aa-764f-b315-e2803d882a24"

// TestDeliveryLinesRenderings: delivered, refused with the receiver's
// reason, a long reason, nothing listening, cancelled by Ctrl-C, a long
// event type with control characters, and no event id.
func TestDeliveryLinesRenderings(t *testing.T) {
	refused := errors.New("dial tcp 127.0.0.1:8080: connect: connection refused")
	deliveries := []delivery{
		{cmdtest.Now, someID, "pet.adopted", sender.Result{Status: 200, Latency: 1500 * time.Microsecond}},
		{cmdtest.Now, someID, "order.status_changed", sender.Result{Status: 401, Reason: "signature mismatch: is the secret the one listen uses?", Latency: 800 * time.Microsecond}},
		{cmdtest.Now, someID, "payment.failed", sender.Result{Err: refused, Latency: 300 * time.Microsecond}},
		{cmdtest.Now, someID, "payment.succeeded", sender.Result{Err: context.Canceled, Latency: 2 * time.Second}},
		{cmdtest.Now, "e1\x1b[2J", "pet.adopted\x1b]0;pwned\x07 and more", sender.Result{Status: 500, Reason: "\x1b[31moops", Latency: 12 * time.Millisecond}},
		{cmdtest.Now, "", "captured.json", sender.Result{Status: 204, Latency: time.Millisecond}},
	}
	cmdtest.AssertRenderingsOf(t, "lines", nil, func(f *cmdutil.Factory) error {
		for _, d := range deliveries {
			if err := printDelivery(humanOptions(f), d, false); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestSummaryRenderings(t *testing.T) {
	latencies := sender.Summary{P50: 1200 * time.Microsecond, P95: 3400 * time.Microsecond, P99: 5 * time.Millisecond}
	with := func(s sender.Summary, answersPerSecond float64) sender.Summary {
		s.P50, s.P95, s.P99, s.PerSecond = latencies.P50, latencies.P95, latencies.P99, answersPerSecond
		return s
	}
	for name, sum := range map[string]sender.Summary{
		"summary-delivered":         with(sender.Summary{Sent: 1000, OK: 1000}, 2345.6),
		"summary-some-failed":       with(sender.Summary{Sent: 1000, OK: 990, Non2xx: 7, ConnErrors: 3}, 2345.6),
		"summary-cancelled":         with(sender.Summary{Sent: 120, OK: 100, Cancelled: 20}, 512.3),
		"summary-nothing-listening": {Sent: 200, ConnErrors: 200},
	} {
		t.Run(name, func(t *testing.T) {
			cmdtest.AssertRenderingsOf(t, name, nil, func(f *cmdutil.Factory) error { return printSummary(humanOptions(f), sum) })
		})
	}
}

func TestAPILineRenderings(t *testing.T) {
	cmdtest.AssertRenderingsOf(t, "api", nil, func(f *cmdutil.Factory) error {
		for _, n := range []int{1, 0} {
			if err := printSent(humanOptions(f), cmdtest.Now, petstore.EventSent{ID: someID, EventType: "order.created", Webhooks: n}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// The dry run as a terminal and piped. The signature header is the one
// line that may pass 80 columns: it is printed whole, to be copied.
func TestDryRunRenderings(t *testing.T) {
	raw := filepath.Join(t.TempDir(), "captured.json")
	os.WriteFile(raw, []byte("{\"id\":\"evt_1\",\"eventType\":\"pet.adopted\",\"note\":\"\x1b[2J\"}\n"), 0o644)
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
		f.IOStreams.SetTTY(false, terminal, terminal)
		f.IOStreams.SetColorMode("always")
		if err := cmdtest.Run(NewCmdTrigger(f, nil), "--raw", raw, "--dry-run", "--url", "http://127.0.0.1:8080/webhooks"); err != nil {
			t.Fatal(err)
		}
		if !terminal {
			golden.Assert(t, "dry-run.piped", cmdtest.Rendered(s))
			continue
		}
		golden.Assert(t, "dry-run.terminal", cmdtest.Rendered(s))
		for _, line := range strings.Split(s.Out.String(), "\n") {
			if !strings.HasPrefix(line, "X-Petstore-Signature: ") {
				golden.AssertFits(t, line, render.TerminalWidth)
			}
		}
	}
}

// Ctrl-C during a load run: the request it cut short is counted as
// cancelled, not as a connection error, nothing more is sent, and the
// rate is over the answers.
func TestTriggerCountsCancelledRequestsApart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 3 { // the user presses Ctrl-C while the third is in flight
			cancel()
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	err := cmdtest.Run(NewCmdTrigger(f, func(_ context.Context, o *Options) error { return triggerRun(ctx, o) }),
		"pet.adopted", "--url", srv.URL, "--count", "10")
	if !errors.Is(err, cmdutil.ErrCancel) {
		t.Fatalf("err = %v", err)
	}
	first, second, _ := strings.Cut(s.Out.String(), "\n")
	if first != "sent 3  delivered 2  non-2xx 0  connection errors 0  cancelled 1" || !strings.HasSuffix(second, " answers/s\n") || n.Load() != 3 {
		t.Fatalf("summary after Ctrl-C (%d requests):\n%s", n.Load(), s.Out)
	}
}

// One event, Ctrl-C while it is in flight, stderr a terminal: the line
// says cancelled, and what follows ^C starts on a clean line.
func TestTriggerCancelledLineOnATerminal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices when the client goes
		cancel()
		<-r.Context().Done()
	}))
	defer srv.Close()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	f.IOStreams.SetTTY(false, true, true)
	err := cmdtest.Run(NewCmdTrigger(f, func(_ context.Context, o *Options) error { return triggerRun(ctx, o) }), "pet.adopted", "--url", srv.URL)
	if !errors.Is(err, cmdutil.ErrCancel) || !strings.Contains(golden.Plain(s.Out.String()), "  cancelled  ") || s.Err.String() != "\r\x1b[K" {
		t.Fatalf("err = %v\nstdout %q\nstderr %q", err, s.Out, s.Err)
	}
}

// Nothing listening: every request is a connection error, and the summary
// gives no latency and no rate for what never arrived.
func TestTriggerSummaryWithNothingListening(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	url := "http://" + l.Addr().String() + "/webhooks"
	l.Close()
	out, _, err := runTrigger(t, "pet.adopted", "--url", url, "--count", "5")
	if cmdutil.CodeOf(err) != cmdutil.ExitUnreachable || out != "sent 5  delivered 0  non-2xx 0  connection errors 5\n" {
		t.Fatalf("err = %v, summary:\n%s", err, out)
	}
}

// On a terminal a reason or an error too long for the line goes whole on a
// faint line below it, not cut (the bad host of a DNS error was cut off its
// front); and wide characters in an event type or a webhook id keep the
// columns aligned (padding counted runes, not columns).
func TestTerminalLinesKeepDetailsWholeAndColumnsAligned(t *testing.T) {
	dns := errors.New("Post \"http://htp.invalid/x\": dial tcp: lookup htp.invalid on 10.0.255.255:53: no such host")
	reason := "signature mismatch: is the secret the one listen uses?"
	f, s := cmdtest.Factory(t, nil)
	f.IOStreams.SetTTY(false, true, true)
	for _, d := range []delivery{
		{cmdtest.Now, someID, "宠物.领养", sender.Result{Status: 200, Latency: time.Millisecond}},
		{cmdtest.Now, someID, "pet.adopted", sender.Result{Status: 401, Reason: reason, Latency: time.Millisecond}},
		{cmdtest.Now, someID, "pet.adopted", sender.Result{Err: dns, Latency: time.Millisecond}},
		{cmdtest.Now, "", "captured.json", sender.Result{Status: 204, Latency: time.Millisecond}},
	} {
		if err := printDelivery(humanOptions(f), d, false); err != nil {
			t.Fatal(err)
		}
	}
	out := golden.Plain(s.Out.String())
	golden.AssertFits(t, out, render.TerminalWidth)
	joined := strings.Join(strings.Fields(out), " ")
	for _, whole := range []string{reason, "lookup htp.invalid on 10.0.255.255:53: no such host"} {
		if !strings.Contains(joined, whole) {
			t.Errorf("%q is not shown whole:\n%s", whole, out)
		}
	}
	var statusAt []int
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(line, "12:00:00") {
			for _, status := range []string{"200 OK", "401 Unauthorized", "error", "204 No Content"} {
				if i := strings.Index(line, "  "+status); i >= 0 {
					statusAt = append(statusAt, iostreams.Width(line[:i]))
				}
			}
		}
	}
	if len(statusAt) != 4 || statusAt[0] != statusAt[1] || statusAt[1] != statusAt[2] || statusAt[2] != statusAt[3] {
		t.Errorf("status columns at %v, want 4 equal:\n%s", statusAt, out)
	}
}

// The same for --api: a CJK webhook id keeps the columns aligned.
func TestAPILinesAlignWideWebhookIDs(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	f.IOStreams.SetTTY(false, true, true)
	firsts := []firstAttempt{
		{WebhookID: "wh_宠物宠物", Attempted: true, Delivery: petstore.Delivery{Status: 200, LatencyMs: 1}},
		{WebhookID: "wh_abcdefghijkl", Attempted: true, Delivery: petstore.Delivery{Status: 200, LatencyMs: 1}},
	}
	if err := printSent(humanOptions(f), cmdtest.Now, petstore.EventSent{ID: someID, EventType: "宠物.领养", Webhooks: 2}, firsts); err != nil {
		t.Fatal(err)
	}
	out := golden.Plain(s.Out.String())
	var at []int
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "delivered"); i >= 0 {
			at = append(at, iostreams.Width(line[:i]))
		}
	}
	if len(at) != 3 || at[1] != at[2] || at[0] != 8+2+20+2+9+2 {
		t.Errorf("columns at %v:\n%s", at, out)
	}
}

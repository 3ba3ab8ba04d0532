package listen

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/lines"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// blockingWriter is a stdout nobody reads until release is closed.
type blockingWriter struct {
	entered chan struct{} // told of the first write
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *blockingWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.entered) })
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(b)
}

func accepted(n int) receiver.Request {
	id := fmt.Sprintf("e%03d", n)
	return receiver.Request{ReceivedAt: time.Date(2025, 1, 6, 12, 0, 0, 0, time.Local), Method: "POST", Path: "/webhooks", Status: 200,
		Verification: receiver.Verified, Body: []byte(`{"id":"` + id + `","eventType":"pet.adopted"}`), Event: &event.Envelope{ID: id, Type: "pet.adopted"}}
}

// stallAtOnce has every write to stdout count as stalled as soon as it
// begins, and Close wait as long as it must.
func stallAtOnce(d time.Duration, f func()) func() bool {
	if d == time.Second {
		f()
		return func() bool { return false }
	}
	return func() bool { return true }
}

func TestStalledStdoutDropsLinesNotEvents(t *testing.T) {
	for _, tc := range []struct {
		format    string
		noHistory bool
		recorded  string
	}{
		{"human", false, "their events are recorded"},
		{"json", false, "their events are recorded"},
		{"human", true, "--no-history: their events are not recorded"},
	} {
		format := tc.format
		ios, _, _, errOut := iostreams.Test()
		w := &blockingWriter{entered: make(chan struct{}), release: make(chan struct{})}
		ios.Out = w
		sizing, _, _, _ := iostreams.Test()
		one := newPrinter(&Options{IO: sizing, Format: format})
		one.print(accepted(1))
		limit := 3 * one.out.Waiting() // three lines
		one.close()
		p := newPrinterConfig(&Options{IO: ios, Format: format, MaxEvents: 1000, NoHistory: tc.noHistory},
			lines.Config{Limit: limit, Stall: time.Second, AfterFunc: stallAtOnce})
		p.print(accepted(0))
		<-w.entered // the flusher is stuck writing the first line
		for i := 1; i <= 20; i++ {
			p.print(accepted(i))
		}
		if got := p.out.Waiting(); got > limit {
			t.Errorf("%s: %d bytes wait, limit %d", format, got, limit)
		}
		close(w.release)
		p.close()
		got := w.buf.String()
		var want []string
		for _, i := range []int{0, 1, 2, 3} {
			want = append(want, fmt.Sprintf("e%03d", i))
		}
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if len(lines) != 4+map[string]int{"human": 0, "json": 1}[format] {
			t.Fatalf("%s: stdout:\n%s", format, got)
		}
		for i, id := range want {
			if !strings.Contains(lines[i], id) {
				t.Errorf("%s: line %d is %q, want %s", format, i, lines[i], id)
			}
		}
		if format == "json" && lines[4] != `{"kind":"dropped","count":17}` {
			t.Errorf("json: last line %q", lines[4])
		}
		if e := errOut.String(); e != "Dropped 17 lines not shown: stdout was not being read ("+tc.recorded+")\n" {
			t.Errorf("%s: stderr %q", format, e)
		}
	}
}

// stuckWriter is a stdout whose writes never return (until the test ends).
type stuckWriter struct {
	entered chan struct{}
	once    sync.Once
	end     chan struct{}
}

func (w *stuckWriter) Write([]byte) (int, error) {
	w.once.Do(func() { close(w.entered) })
	<-w.end
	return 0, fmt.Errorf("ended")
}

func TestCloseGivesUpOnAStdoutThatNeverTakesItsLines(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	w := &stuckWriter{entered: make(chan struct{}), end: make(chan struct{})}
	defer close(w.end)
	ios.Out = w
	closeWait := make(chan func())
	p := newPrinterConfig(&Options{IO: ios, NoHistory: true}, lines.Config{Limit: maxWaiting, CloseWait: 2 * time.Second,
		AfterFunc: func(d time.Duration, f func()) func() bool {
			if d == 2*time.Second {
				closeWait <- f
			}
			return func() bool { return true }
		}})
	p.print(accepted(0))
	<-w.entered
	p.print(accepted(1))
	closed := make(chan struct{})
	go func() { p.close(); close(closed) }()
	(<-closeWait)() // two seconds pass
	<-closed
	if e := errOut.String(); e != "Dropped 2 lines not shown: stdout was not being read (--no-history: their events are not recorded)\n" {
		t.Errorf("stderr %q", e)
	}
}

func TestReadyLineMasksTheTargetsCredentials(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	target, err := relay.ParseTarget("pet.*=http://user:pw@127.0.0.1:3000/hooks")
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{IO: ios, Path: "/webhooks", Schemes: []signature.Scheme{signature.Petstore}, ForwardTo: []relay.Target{target}}
	printReady(opts, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, []string{"whsec_abcdefgh"}, &recording{path: ":memory:"})
	if got := errOut.String(); strings.Contains(got, "pw") || !strings.Contains(got, "Forwarding pet.* events to http://user:****@127.0.0.1:3000/hooks\n") {
		t.Errorf("ready:\n%s", got)
	}
}

// The printer shows what the intake tells of, in its order, and counts
// the items the intake could not hand it with the lines stdout dropped.
func TestPrinterFollowsTheIntake(t *testing.T) {
	ios, out, errOut := streams(false)
	p := newPrinter(&Options{IO: ios, Format: "human"})
	in := intake.New(intake.Config{})
	sub := in.Subscribe(1, 1<<30) // room for one item: the printer follows only once all three are told
	for i := range 3 {
		r := accepted(i)
		if _, err := in.Accept(context.Background(), &r); err != nil {
			t.Fatal(err)
		}
	}
	in.Close(0)
	p.follow(sub)
	p.close()
	if got := out.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "e000") {
		t.Fatalf("stdout:\n%s", got)
	}
	if got, want := errOut.String(), "Dropped 2 lines not shown: stdout was not being read (their events are recorded)\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

// The item that tells of the items lost before it is shown itself, after
// the notice of those.
func TestPrinterShowsTheItemAfterTheLostOnes(t *testing.T) {
	ios, out, errOut := streams(false)
	p := newPrinter(&Options{IO: ios, Format: "human"})
	in := intake.New(intake.Config{})
	sub := in.Subscribe(1, 1<<30)
	for i := range 3 { // e000 waits; e001 and e002 are lost
		r := accepted(i)
		if _, err := in.Accept(context.Background(), &r); err != nil {
			t.Fatal(err)
		}
	}
	<-sub.Items() // taken by someone else: the printer sees e003 only
	r := accepted(3)
	if _, err := in.Accept(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	in.Close(0)
	p.follow(sub)
	p.close()
	if got := out.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "e003") {
		t.Fatalf("stdout:\n%s", got)
	}
	if got, want := errOut.String(), "Dropped 2 lines not shown: stdout was not being read (their events are recorded)\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

// --events selects events by type; a request that is no event (GET /, a
// 404, a body that is not an event) is shown whatever the filter, as the
// help and the README say: it is what a developer debugs.
func TestEventsFilterStillShowsRequestsThatAreNoEvent(t *testing.T) {
	ios, out, _ := streams(false)
	filter, err := event.ParseTypeFilter("order.*")
	if err != nil {
		t.Fatal(err)
	}
	p := newPrinter(&Options{IO: ios, Events: filter})
	p.print(request(200, receiver.Verified, "", false)) // pet.adopted: hidden
	p.print(receiver.Request{ReceivedAt: goldenAt, Method: "GET", Path: "/", Status: 404})
	p.print(receiver.Request{ReceivedAt: goldenAt, Method: "POST", Path: "/webhooks", Status: 400, Reason: "the body is not JSON"})
	p.close()
	if got, want := out.String(), "12:00:01\t-->\tGET /\t-\t404 not found\t-\n12:00:01\t-->\tPOST /webhooks\t-\t400 bad event\tthe body is not JSON\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}

// --max-events counts the events --events shows, not the ones it hides.
func TestMaxEventsCountsOnlyTheEventsShown(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	filter, err := event.ParseTypeFilter("order.*")
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter(&Options{IO: ios, Format: "human", Events: filter, MaxEvents: 1})
	c.sink(accepted(1)) // pet.adopted: hidden
	if c.count() != 0 {
		t.Fatalf("a hidden event was counted: %d", c.count())
	}
	shown := accepted(2)
	shown.Event.Type = "order.created"
	c.sink(shown)
	select {
	case <-c.done:
	default:
		t.Fatal("the one event shown did not reach --max-events 1")
	}
}

// The help says how many requests and attempts may wait for a slow stdout.
func TestHelpSaysHowManyLinesWaitForStdout(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	want := fmt.Sprintf("more than %d requests and forward attempts, or %d MiB of their bodies, wait to be shown", printerBuffer, printerBytes>>20)
	if long := strings.Join(strings.Fields(NewCmdListen(f, nil).Long), " "); !strings.Contains(long, want) {
		t.Fatalf("listen --help does not say %q", want)
	}
}

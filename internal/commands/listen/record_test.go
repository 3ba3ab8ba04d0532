package listen

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/lines"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

const testSecret = "whsec_test"

// recordingListener is listen's receiver wired to its history (a file in a
// temporary directory), or to none with history off, as run wires them.
func recordingListener(t *testing.T, history bool, setup func(*Options)) (*receiver.Handler, *recording) {
	t.Helper()
	f, _ := cmdtest.Factory(t, nil)
	opts := &Options{IO: f.IOStreams, Config: f.Config, Now: time.Now, Path: "/webhooks", MaxBody: 1 << 20,
		Schemes: []signature.Scheme{signature.Petstore}, History: filepath.Join(t.TempDir(), "history.db"), NoHistory: !history,
		ForwardTimeout: 5 * time.Second, RetryFor: time.Hour}
	if setup != nil {
		setup(opts)
	}
	out := newPrinter(opts)
	t.Cleanup(out.close)
	rec, err := openRecorder(opts, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rec.close) // before out.close
	return receiver.New(receiverConfig(opts, []string{testSecret}, rec, nil)), rec
}

func signedRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	h, _ := signature.Petstore.Sign(signature.Payload{Body: []byte(body)}, testSecret)
	r.Header.Set(signature.PetstoreHeader, h.Get(signature.PetstoreHeader))
	return r
}

// latest is the last request the history holds.
func latest(t *testing.T, st *store.Store) (store.RequestSummary, int) {
	t.Helper()
	rows, err := st.ListRequests(context.Background(), store.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return store.RequestSummary{}, 0
	}
	return rows[0], len(rows)
}

func TestEveryMethodAndPathIsAnsweredAndRecorded(t *testing.T) {
	event := `{"id":"e1","eventType":"pet.adopted","data":{}}`
	type request struct {
		method, path, body string
		signed             bool
	}
	var requests []request
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		for _, path := range []string{"/webhooks", "/other"} {
			for _, body := range []string{"", event} {
				requests = append(requests, request{method, path, body, false})
			}
		}
	}
	requests = append(requests, request{"POST", "/webhooks", "", true}, request{"POST", "/webhooks", event, true})
	want := func(r request) int {
		switch {
		case r.path != "/webhooks":
			return 404
		case r.method != "POST":
			return 405
		case !r.signed:
			return 401
		case r.body == "":
			return 400
		}
		return 200
	}
	for _, history := range []bool{true, false} {
		h, rec := recordingListener(t, history, nil)
		for i, r := range requests {
			name := r.method + " " + r.path + " " + map[bool]string{true: "with", false: "without"}[r.body != ""] + " body"
			if r.signed {
				name += ", signed"
			}
			t.Run(map[bool]string{true: "history on", false: "history off"}[history]+"/"+name, func(t *testing.T) {
				hr := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
				if r.signed {
					hr = signedRequest(r.body)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, hr)
				status := want(r)
				if w.Code != status {
					t.Fatalf("answered %d %s, want %d", w.Code, w.Body, status)
				}
				if allow := w.Header().Get("Allow"); (status == 405) != (allow == "POST") {
					t.Fatalf("Allow = %q on a %d", allow, status)
				}
				if !history {
					if rec.store != nil {
						t.Fatal("a history without --forward-to nor history")
					}
					return
				}
				got, n := latest(t, rec.store)
				if n != i+1 || got.Method != r.method || got.Path != r.path || got.Status != status {
					t.Fatalf("history holds %d requests, the last %s %s answered %d", n, got.Method, got.Path, got.Status)
				}
			})
		}
	}
}

func TestPassthroughRecordsWhatTheSenderWasAnswered(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer app.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tt := range []struct {
		target string
		status int
	}{{app.URL, 500}, {down.URL, 502}} {
		h, rec := recordingListener(t, true, func(o *Options) {
			target, err := relay.ParseTarget(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			o.ForwardTo, o.Passthrough = []relay.Target{target}, true
		})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signedRequest(`{"id":"e1","eventType":"pet.adopted"}`))
		if w.Code != tt.status {
			t.Fatalf("sender answered %d, want %d", w.Code, tt.status)
		}
		if got, _ := latest(t, rec.store); got.Status != tt.status || got.State != store.Failed {
			t.Fatalf("history says answered %d, state %s; the sender got %d", got.Status, got.State, tt.status)
		}
		rec.close()
		rec.out.close()
		// The request's line comes first, with the status the sender got,
		// then the attempt's.
		lines := strings.Split(strings.TrimSpace(rec.opts.IO.Out.(*bytes.Buffer).String()), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "\t-->\t") || !strings.Contains(lines[0], fmt.Sprintf("\t%d ", tt.status)) || !strings.Contains(lines[1], "\t<--\t") {
			t.Fatalf("stdout:\n%s", strings.Join(lines, "\n"))
		}
	}
}

// --passthrough hands back only a whole, final answer: one larger than
// relay.PassedResponse, or a 1xx (whose sender would wait for ever), is
// answered 502 with a message that says why.
func TestPassthroughPassesOnlyAWholeFinalAnswer(t *testing.T) {
	upgraded := make(chan struct{})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/whole":
			w.Write(bytes.Repeat([]byte("a"), relay.PassedResponse))
		case "/larger":
			w.Write(bytes.Repeat([]byte("a"), relay.PassedResponse+1))
		case "/switch":
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
			buf.Flush()
			<-upgraded // the connection stays open, as an upgraded one would
			conn.Close()
		}
	}))
	defer app.Close()
	defer close(upgraded)
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/whole", 200, strings.Repeat("a", relay.PassedResponse)},
		{"/larger", 502, `{"error":"target_answer_not_passed","message":"the target answered 200 with more than 1 MiB, more than is passed through"}` + "\n"},
		{"/switch", 502, `{"error":"target_answer_not_passed","message":"the target answered 101 Switching Protocols, which ends no request"}` + "\n"},
	} {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			h, rec := recordingListener(t, true, func(o *Options) {
				target, err := relay.ParseTarget(app.URL + tt.path)
				if err != nil {
					t.Fatal(err)
				}
				o.ForwardTo, o.Passthrough = []relay.Target{target}, true
			})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, signedRequest(`{"id":"e1","eventType":"pet.adopted"}`))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("sender answered %d %.200q, want %d %.200q", w.Code, w.Body, tt.status, tt.body)
			}
			if got, _ := latest(t, rec.store); got.Status != tt.status {
				t.Fatalf("history says answered %d; the sender got %d", got.Status, tt.status)
			}
		})
	}
}

func TestHelpSaysHowMuchOfARejectedBodyIsKept(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	want := fmt.Sprintf("only the first %d KiB of the body is kept", intake.RejectedBodyKept>>10)
	if long := strings.Join(strings.Fields(NewCmdListen(f, nil).Long), " "); !strings.Contains(long, want) {
		t.Fatalf("listen --help does not say %q", want)
	}
}

func TestHistoryMaxSizeFlag(t *testing.T) {
	for args, want := range map[string]int64{"": 1 << 30, "--history-max-size=500MB": 500e6, "--history-max-size=2GiB": 2 << 30, "--history-max-size=0": 0} {
		f, _ := cmdtest.Factory(t, nil)
		var got *Options
		err := cmdtest.Run(NewCmdListen(f, func(_ context.Context, o *Options) error { got = o; return nil }), strings.Fields(args)...)
		if err != nil || got.HistoryMaxSize != want {
			t.Fatalf("%q: %v, %+v", args, err, got)
		}
	}
	f, _ := cmdtest.Factory(t, nil)
	cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdListen(f, nil), "--history-max-size", "lots"),
		`invalid argument "lots" for "--history-max-size" flag: bad size "lots": want a whole number of bytes, or one with a unit such as 500MB or 2GiB`)
}

func TestHistoryMaxSizeSaysOnceThatItForgets(t *testing.T) {
	var opts *Options
	h, rec := recordingListener(t, true, func(o *Options) { o.HistoryMaxSize, opts = 256<<10, o })
	for range 100 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/webhooks", strings.NewReader(strings.Repeat("x", 32<<10))))
	}
	rec.close()
	if got, want := opts.IO.ErrOut.(*bytes.Buffer).String(), "History is larger than 256KiB (--history-max-size): forgetting the oldest requests to keep it under that.\n"; got != want {
		t.Fatalf("stderr %q, want %q", got, want)
	}
}

// Forwards left pending are never a silent matter: listen says so as it
// stops, and the next listen on the history says it resumes them (or that
// they wait for a --forward-to).
func TestPendingForwardsAreToldOfAtStopAndStart(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	target, err := relay.ParseTarget(down.URL)
	if err != nil {
		t.Fatal(err)
	}
	var history string
	h, rec := recordingListener(t, true, func(o *Options) {
		o.ForwardTo, history = []relay.Target{target}, o.History
		o.IO.SetTTY(false, false, true) // stderr a terminal: the sentence at stop breaks before 80 columns
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signedRequest(`{"id":"e1","eventType":"pet.adopted"}`))
	if w.Code != 200 {
		t.Fatalf("answered %d", w.Code)
	}
	stop(rec, rec.out)
	if got, want := golden.Plain(rec.opts.IO.ErrOut.(*bytes.Buffer).String()), "1 forward(s) still pending: they resume when listen next starts with this\n  history and a --forward-to.\n"; got != want {
		t.Fatalf("stderr at stop %q, want %q", got, want)
	}

	for _, again := range []bool{true, false} {
		_, rec := recordingListener(t, true, func(o *Options) {
			o.History = history
			if again {
				o.ForwardTo = []relay.Target{target}
			}
		})
		rec.close() // the earlier run's forward stays pending
		stderr := rec.opts.IO.ErrOut.(*bytes.Buffer)
		stderr.Reset()
		printReady(rec.opts, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, []string{testSecret}, rec)
		want := "Resuming 1 forward(s) to " + down.URL + " left pending by an earlier run\n"
		if !again {
			want = "1 forward(s) to " + down.URL + ", left pending by an earlier run, wait for a listen with --forward-to\n"
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("forwarding again %v: ready:\n%s", again, stderr)
		}
	}
}

// lockedBuffer is one buffer for stdout and stderr, written from several
// goroutines, that keeps the order of what they wrote.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// At stop, the line of the last request (stdout, written after a flush
// delay) comes before the sentence about forwards left pending (stderr).
func TestPendingForwardsAreToldOfBelowTheLastRequestLine(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	target, err := relay.ParseTarget(down.URL)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := cmdtest.Factory(t, nil)
	both := &lockedBuffer{}
	f.IOStreams.Out, f.IOStreams.ErrOut = both, both
	opts := &Options{IO: f.IOStreams, Config: f.Config, Now: time.Now, Path: "/webhooks", MaxBody: 1 << 20, Format: "human", MaxEvents: 1,
		Schemes: []signature.Scheme{signature.Petstore}, History: filepath.Join(t.TempDir(), "history.db"),
		ForwardTimeout: 5 * time.Second, RetryFor: time.Hour, ForwardTo: []relay.Target{target}}
	out := newPrinterConfig(opts, lines.Config{Limit: maxWaiting, Delay: time.Hour}) // the line waits for close
	rec, err := openRecorder(opts, out)
	if err != nil {
		t.Fatal(err)
	}
	h := receiver.New(receiverConfig(opts, []string{testSecret}, rec, nil))
	h.ServeHTTP(httptest.NewRecorder(), signedRequest(`{"id":"e1","eventType":"pet.adopted"}`))
	stop(rec, out)
	got := both.String()
	line, pending := strings.Index(got, "pet.adopted"), strings.Index(got, "still pending")
	if line < 0 || pending < 0 || pending < line {
		t.Fatalf("the pending sentence is not below the request line:\n%s", got)
	}
}

package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

func TestTriggerFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*Options) bool
		wantErr string
	}{
		{"defaults", []string{"pet.adopted"}, func(o *Options) bool {
			return o.URL == "http://127.0.0.1:8080/webhooks" && o.Count == 1 && o.Concurrency == 1 && o.Format == "human" && o.Events[0] == "pet.adopted"
		}, ""},
		{"edits", []string{"order.created", "--override", "data.order.items.0.quantity=3", "--remove", "data.customer", "-H", "X-A: b c"}, func(o *Options) bool {
			return len(o.Overrides) == 1 && o.Overrides[0].Value != nil && len(o.Removes) == 1 && o.Headers.Get("X-A") == "b c"
		}, ""},
		{"raw alone", []string{"--raw", "f.json"}, func(o *Options) bool { return o.RawFile == "f.json" }, ""},
		{"nothing to send", nil, nil, "name an event type to send (see 'petstore-webhooks fixtures'), or use --fixture or --raw"},
		{"two sources", []string{"pet.adopted", "--raw", "x"}, nil, "choose one of: event types, --fixture FILE, --raw FILE"},
		{"raw with edits", []string{"--raw", "x", "--override", "a=1"}, nil, "--raw sends the file as it is: it does not go with --override, --remove or --data"},
		{"bad count", []string{"pet.adopted", "--count", "0"}, nil, "--count must be at least 1, got 0"},
		{"bad concurrency", []string{"pet.adopted", "--concurrency", "-1"}, nil, "--concurrency must be at least 1, got -1"},
		{"concurrency too high", []string{"pet.adopted", "--count", "10000000", "--concurrency", "10000000"}, nil, "--concurrency must be at most 1000, got 10000000"},
		{"count too high", []string{"pet.adopted", "--count", "1000001"}, nil, "--count must be at most 1000000, got 1000001"},
		{"count times types overflows", []string{"pet.adopted", "order.created", "--count", "4611686018427387904"}, nil, "--count 4611686018427387904 of 2 event types is more than 1000000 deliveries: at most 500000 each"},
		{"count times types too high", []string{"pet.adopted", "order.created", "--count", "500001"}, nil, "--count 500001 of 2 event types is more than 1000000 deliveries: at most 500000 each"},
		{"largest load run", []string{"pet.adopted", "order.created", "--count", "500000", "--concurrency", "1000"}, func(o *Options) bool {
			return o.Count == 500000 && o.Concurrency == 1000
		}, ""},
		// --url takes what --forward-to and --to take; a short form without a path means listen's /webhooks
		{"url host:port", []string{"pet.adopted", "--url", "localhost:8080"}, func(o *Options) bool { return o.URL == "http://localhost:8080/webhooks" }, ""},
		{"url port", []string{"pet.adopted", "--url", "18431"}, func(o *Options) bool { return o.URL == "http://localhost:18431/webhooks" }, ""},
		{"url host:port/path", []string{"pet.adopted", "--url", "127.0.0.1:9000/hooks"}, func(o *Options) bool { return o.URL == "http://127.0.0.1:9000/hooks" }, ""},
		{"url host:port?query", []string{"pet.adopted", "--url", "localhost:8080?a=b"}, func(o *Options) bool { return o.URL == "http://localhost:8080/webhooks?a=b" }, ""},
		{"url", []string{"pet.adopted", "--url", "https://app.test"}, func(o *Options) bool { return o.URL == "https://app.test" }, ""},
		{"bad url", []string{"pet.adopted", "--url", "ftp://x"}, nil, `--url "ftp://x": want a port, host:port[/path] or an http(s) URL`},
		{"bad url port", []string{"pet.adopted", "--url", "99999"}, nil, `--url "99999": port 99999 is out of range`},
		{"bad override", []string{"pet.adopted", "--override", "novalue"}, nil, `override "novalue": want PATH=VALUE`},
		{"bad remove", []string{"pet.adopted", "--remove", "a..b"}, nil, `--remove "a..b": path "a..b" has an empty segment`},
		{"bad header", []string{"pet.adopted", "-H", "NoColon"}, nil, `--header "NoColon": want "Name: value"`},
		{"bad format", []string{"pet.adopted", "--format", "xml"}, nil, `invalid --format "xml": want human or json`},
		{"empty secret", []string{"pet.adopted", "--secret", ""}, nil, "--secret must not be empty"},
		{"unknown flag", []string{"pet.adopted", "--nope"}, nil, "unknown flag: --nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.Factory(t, nil)
			var got *Options
			cmd := NewCmdTrigger(f, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Run(cmd, tt.args...)
			if tt.wantErr != "" {
				cmdtest.AssertUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil || !tt.check(got) {
				t.Fatalf("err = %v, options = %+v", err, got)
			}
		})
	}
}

// receiver is a test server that checks each request's signature.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	status int
}

func newReceiver(t *testing.T, secret string, status int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := signature.Petstore.Verify(req.Header, body, []string{secret}, cmdtest.Now); err != nil {
			t.Errorf("signature: %v", err)
		}
		if req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", req.Header.Get("Content-Type"))
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
		w.WriteHeader(r.status)
		io.WriteString(w, `{"message":"nope"}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func runTrigger(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	err = cmdtest.Run(NewCmdTrigger(f, nil), args...)
	return s.Out.String(), s.Err.String(), err
}

func TestTriggerSendsSignedEvents(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	out, errOut, err := runTrigger(t, "pet.adopted", "order.created", "--url", r.URL)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^\d\d:\d\d:\d\d\t(pet\.adopted|order\.created)\t[0-9a-f-]{36}\t200 OK\t[0-9.]+(µs|ms|s)$`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !line.MatchString(lines[0]) || !line.MatchString(lines[1]) || errOut != "" {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	if len(r.bodies) != 2 {
		t.Fatalf("receiver got %d events", len(r.bodies))
	}
}

func TestTriggerJSONAndExitCodes(t *testing.T) {
	r := newReceiver(t, "whsec_test", 401)
	out, _, err := runTrigger(t, "payment.failed", "--url", r.URL, "--format", "json")
	if cmdutil.CodeOf(err) != cmdutil.ExitNon2xx || !strings.HasPrefix(err.Error(), "1 of 1 deliveries got a non-2xx answer (1 was 401 Unauthorized): ") {
		t.Fatalf("err = %v (code %d)", err, cmdutil.CodeOf(err))
	}
	var d map[string]any
	if json.Unmarshal([]byte(out), &d) != nil || d["status"] != 401.0 || d["eventType"] != "payment.failed" || d["url"] != r.URL || d["reason"] != "nope" {
		t.Fatalf("json = %s", out)
	}
	r.Close()
	out, _, err = runTrigger(t, "payment.failed", "--url", r.URL, "--format", "json")
	if cmdutil.CodeOf(err) != cmdutil.ExitUnreachable || !strings.Contains(out, `"status":0`) || !strings.Contains(out, "connection refused") {
		t.Fatalf("unreachable: err = %v, out = %s", err, out)
	}
}

// A load run past the bounds is refused before anything is sent: the count
// times the event types once overflowed to a negative total, started no
// worker and waited for a signal.
func TestTriggerRefusesALoadRunPastTheBounds(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	out, errOut, err := runTrigger(t, "pet.adopted", "order.created", "--url", r.URL, "--count", "4611686018427387904")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || !strings.HasPrefix(err.Error(), "--count 4611686018427387904 of 2 event types is more than 1000000 deliveries") || out != "" || errOut != "" {
		t.Fatalf("err = %v, stdout %q, stderr %q", err, out, errOut)
	}
	if len(r.bodies) != 0 {
		t.Fatalf("%d events sent", len(r.bodies))
	}
}

func TestTriggerLoadModeSummary(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	out, _, err := runTrigger(t, "pet.adopted", "--url", r.URL, "--count", "25", "--concurrency", "4")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^sent 25  delivered 25  non-2xx 0  connection errors 0\nlatency p50 \S+  p95 \S+  p99 \S+  [0-9.]+ answers/s\n$`).MatchString(out) {
		t.Fatalf("summary:\n%s", out)
	}
	ids := map[string]bool{}
	for _, b := range r.bodies {
		var e struct{ ID string }
		json.Unmarshal(b, &e)
		ids[e.ID] = true
	}
	if len(ids) != 25 {
		t.Fatalf("%d distinct ids in 25 events", len(ids))
	}
}

func TestTriggerDryRunSendsNothing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.json")
	os.WriteFile(data, []byte(`{"data":{"adopter":{"name":"Ada"}}}`), 0o644)
	out, _, err := runTrigger(t, "pet.adopted", "--url", "http://127.0.0.1:1/x", "--dry-run", "--data", data,
		"--override", "data.pet.name=Rex", "--remove", "data.adoptionDate", "-H", "X-Test: 1")
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(out, "\n\n")
	for _, want := range []string{"POST http://127.0.0.1:1/x", "Content-Type: application/json", "X-Test: 1", "User-Agent: petstore-webhooks/test"} {
		if !strings.Contains(head, want) {
			t.Errorf("headers lack %q:\n%s", want, head)
		}
	}
	sig := regexp.MustCompile(`X-Petstore-Signature: (sha256=[0-9a-f]{64})`).FindStringSubmatch(head)
	h := http.Header{signature.PetstoreHeader: {sig[1]}}
	if err := signature.Petstore.Verify(h, []byte(body), []string{"whsec_test"}, cmdtest.Now); err != nil {
		t.Fatalf("dry-run signature does not verify the printed body: %v", err)
	}
	if !strings.Contains(body, `"name":"Rex"`) || !strings.Contains(body, `"name":"Ada"`) || strings.Contains(body, "adoptionDate") {
		t.Fatalf("edits not applied:\n%s", body)
	}
}

// --data shares the event decoder and its limits: too deep is one line, and
// nothing is sent.
func TestTriggerDataTooDeep(t *testing.T) {
	data := filepath.Join(t.TempDir(), "deep.json")
	os.WriteFile(data, []byte(`{"data":`+strings.Repeat("[", 9990)+strings.Repeat("]", 9990)+"}"), 0o644)
	_, _, err := runTrigger(t, "pet.adopted", "--url", "http://127.0.0.1:1/x", "--data", data)
	if want := "--data " + data + ": JSON nested deeper than the limit of 64 levels"; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestTriggerRawSendsExactBytes(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	raw := filepath.Join(t.TempDir(), "raw.json")
	content := "{ \"type\" :\"x\",  \"name\": \"Zoë\" }\r\n"
	os.WriteFile(raw, []byte(content), 0o644)
	if _, _, err := runTrigger(t, "--raw", raw, "--url", r.URL); err != nil {
		t.Fatal(err)
	}
	if string(r.bodies[0]) != content {
		t.Fatalf("sent %q, want %q", r.bodies[0], content)
	}
}

func TestTriggerUsageErrorsFromContent(t *testing.T) {
	_, _, err := runTrigger(t, "pet.sold")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "known: order.created") {
		t.Fatalf("unknown event: %v", err)
	}
	_, _, err = runTrigger(t, "pet.adopted", "--override", "data.pet.name.first=x")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != `pet.adopted: --override data.pet.name.first: cannot set "first" inside a string` {
		t.Fatalf("bad override: %v", err)
	}
}

func TestTriggerMakesAndSavesASecret(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	if err := cmdtest.Run(NewCmdTrigger(f, nil), "pet.adopted", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	cfg, _ := f.Config()
	if !strings.HasPrefix(cfg.WebhookSecret, "whsec_") || !strings.Contains(s.Err.String(), "Made a webhook secret and saved it in "+cfg.Path) {
		t.Fatalf("secret %q, stderr %q", cfg.WebhookSecret, s.Err)
	}
	if strings.Contains(s.Err.String()+s.Out.String(), cfg.WebhookSecret) {
		t.Fatal("the secret was printed")
	}
}

func TestTriggerTerminalOutput(t *testing.T) {
	r := newReceiver(t, "whsec_test", 200)
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	f.IOStreams.SetTTY(false, true, false)
	if err := cmdtest.Run(NewCmdTrigger(f, nil), "pet.adopted", "--url", r.URL); err != nil {
		t.Fatal(err)
	}
	out := s.Out.String()
	plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out, "")
	if out == plain {
		t.Fatalf("no colour on a terminal: %q", out)
	}
	if !regexp.MustCompile(`^\d\d:\d\d:\d\d  pet\.adopted           …[0-9a-f]{8}  200 OK  [0-9.]+(µs|ms|s)\n$`).MatchString(plain) {
		t.Fatalf("terminal line: %q", plain)
	}
}

// The bar is drawn on each tick of the clock while the deliveries are held
// by the receiver, and cleared when they end; piped, stderr stays empty.
func TestTriggerProgressBarOnlyOnATerminal(t *testing.T) {
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer held.Close()
	var releaseAll sync.Once
	free := func() { releaseAll.Do(func() { close(release) }) }
	defer free() // before Close, which waits for the handlers

	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	f.IOStreams.SetTTY(false, false, true)
	ticks := clock.NewFake(cmdtest.Now)
	done := make(chan error, 1)
	go func() {
		done <- cmdtest.Run(NewCmdTrigger(f, func(ctx context.Context, o *Options) error {
			o.Clock = ticks
			return triggerRun(ctx, o)
		}), "pet.adopted", "--count", "8", "--url", held.URL)
	}()
	<-arrived
	ticks.BlockUntil(1)
	ticks.Advance(progressEvery)
	ticks.BlockUntil(1) // drawn, and waiting for the next tick
	release <- struct{}{}
	<-arrived // one worker: the first delivery is counted
	ticks.Advance(progressEvery)
	ticks.BlockUntil(1)
	free()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := "\r[                              ] 0/8\r[===                           ] 1/8\r\x1b[K"; s.Err.String() != want {
		t.Fatalf("stderr on a terminal: %q, want %q", s.Err, want)
	}

	r := newReceiver(t, "whsec_test", 200)
	f, s = cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
	if err := cmdtest.Run(NewCmdTrigger(f, nil), "pet.adopted", "--count", "8", "--url", r.URL); err != nil {
		t.Fatal(err)
	}
	if s.Err.Len() != 0 {
		t.Fatalf("stderr when piped: %q", s.Err)
	}
}

type fakeAPI struct{ got []petstore.SendEvent }

func (f *fakeAPI) SendEvent(_ context.Context, in petstore.SendEvent) (petstore.EventSent, error) {
	f.got = append(f.got, in)
	return petstore.EventSent{ID: "evt_1", EventType: in.EventType, Webhooks: 2}, nil
}

func (f *fakeAPI) EventDeliveries(context.Context, string, string) ([]petstore.Delivery, error) {
	return nil, errors.New("not asked: the answer names no webhooks")
}

func TestTriggerViaAPI(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	api := &fakeAPI{}
	cmd := NewCmdTrigger(f, func(ctx context.Context, o *Options) error {
		o.apiClient = func() (apiSender, error) { return api, nil }
		return triggerRun(ctx, o)
	})
	if err := cmdtest.Run(cmd, "order.created", "--api", "--override", "data.order.currency=EUR", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	if len(api.got) != 1 || api.got[0].EventType != "order.created" || !strings.Contains(string(api.got[0].Data), `"currency":"EUR"`) {
		t.Fatalf("sent %+v", api.got)
	}
	if !regexp.MustCompile(`^\{"sentAt":"[^"]+","eventId":"evt_1","eventType":"order.created","webhooks":2\}\n$`).MatchString(s.Out.String()) {
		t.Fatalf("stdout %q", s.Out)
	}
	for _, args := range [][]string{{"pet.adopted", "--api", "--url", "http://x/"}, {"pet.adopted", "--api", "--count", "2"}, {"pet.adopted", "--api-key", "k"}} {
		f, _ := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdTrigger(f, func(context.Context, *Options) error { return nil }), args...)
		if cmdutil.CodeOf(err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestTriggerURLFollowsListenAddr(t *testing.T) {
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_LISTEN_ADDR": ":9100"})
	var got *Options
	if err := cmdtest.Run(NewCmdTrigger(f, func(_ context.Context, o *Options) error { got = o; return nil }), "pet.adopted"); err != nil || got.URL != "http://127.0.0.1:9100/webhooks" {
		t.Fatalf("url: %v, %+v", err, got)
	}
}

func TestTriggerRefusesFilesOverTheLimit(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	os.WriteFile(big, nil, 0o644)
	os.Truncate(big, inputfile.MaxSize+1) // sparse
	for _, args := range [][]string{
		{"--raw", big}, {"--fixture", big}, {"pet.adopted", "--data", big}, {"--raw", "-"}, {"pet.adopted", "--data", "-"},
	} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"})
		s.In.Write(make([]byte, inputfile.MaxSize+1))
		err := cmdtest.Run(NewCmdTrigger(f, nil), append(args, "--dry-run")...)
		name := args[len(args)-1]
		if name == "-" {
			name = "standard input"
		}
		want := name + " is larger than the 1 MiB limit on input files: use a smaller file"
		if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != want {
			t.Errorf("trigger %v: err = %v (exit %d), want %q (exit 2)", args, err, cmdutil.CodeOf(err), want)
		}
	}
}

// A 301 is the receiver's answer: trigger neither follows it (a body-less GET
// carrying the signature to another host) nor reports the other host's 200.
func TestTriggerDoesNotFollowRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	moved := httptest.NewServer(http.RedirectHandler(other.URL+"/", http.StatusMovedPermanently))
	defer moved.Close()
	out, _, err := runTrigger(t, "pet.adopted", "--url", moved.URL)
	if cmdutil.CodeOf(err) != cmdutil.ExitNon2xx {
		t.Fatalf("err = %v (code %d), want a non-2xx failure", err, cmdutil.CodeOf(err))
	}
	if want := "\t301 Moved Permanently: redirected to " + other.URL + "/ (not followed)\t"; !strings.Contains(out, want) {
		t.Fatalf("stdout %q lacks %q", out, want)
	}
}

// On a terminal the notice fits 80 columns, the path whole on its own line
// when the sentence and it do not fit together.
func TestTriggerSaysItMadeASecretWithin80Columns(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	dir := filepath.Join(t.TempDir(), strings.Repeat("long-directory-name/", 3))
	f.Config = func() (*config.Config, error) { return config.Load(filepath.Join(dir, "config.yaml")) }
	f.IOStreams.SetTTY(false, true, true)
	if err := cmdtest.Run(NewCmdTrigger(f, nil), "pet.adopted", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	want := "Made a webhook secret and saved it in\n" + filepath.Join(dir, "config.yaml") + "\n"
	if !strings.Contains(s.Err.String(), want) {
		t.Errorf("stderr %q, want it to hold %q", s.Err, want)
	}
}

func TestTriggerSetsItsHelpGroup(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	if got := NewCmdTrigger(f, nil).GroupID; got != cmdutil.GroupEvents {
		t.Fatalf("GroupID %q, want %q", got, cmdutil.GroupEvents)
	}
}

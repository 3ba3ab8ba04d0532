package trigger

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// fakeClock is the time trigger --api sees: a pause moves it on at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	pauses int
}

func newClock() *fakeClock { return &fakeClock{now: cmdtest.Now} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) pause(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.pauses = c.now.Add(d), c.pauses+1
	return ctx.Err()
}

// runAPI runs trigger --api against the API at base, with clock's time and
// pauses.
func runAPI(ctx context.Context, t *testing.T, base string, clock *fakeClock, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base, "PETSTORE_API_KEY": "test-key"})
	cmd := NewCmdTrigger(f, func(_ context.Context, o *Options) error {
		o.Now, o.pause = clock.Now, clock.pause
		return triggerRun(ctx, o)
	})
	err = cmdtest.Run(cmd, append([]string{"--api"}, args...)...)
	return s.Out.String(), s.Err.String(), err
}

// fakeAPIServer answers POST /v1/events with sent, and each GET of a
// webhook's deliveries with deliveries(webhook id, how many times it was
// asked before), which answers a status and a body.
func fakeAPIServer(t *testing.T, sent string, deliveries func(id string, asked int) (int, string)) (base string, asked func() int) {
	var mu sync.Mutex
	count := map[string]int{}
	total := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == "POST" && r.URL.Path == "/v1/events" {
			w.WriteHeader(202)
			io.WriteString(w, sent)
			return
		}
		id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/v1/webhooks/"), "/deliveries")
		if !ok || r.Method != "GET" || r.URL.Query().Get("eventId") != "evt_1" {
			t.Errorf("unexpected call %s %s", r.Method, r.URL)
			w.WriteHeader(400)
			return
		}
		mu.Lock()
		n := count[id]
		count[id]++
		total++
		mu.Unlock()
		status, body := deliveries(id, n)
		if status >= 400 {
			w.Header().Set("Content-Type", "application/problem+json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", func() int { mu.Lock(); defer mu.Unlock(); return total }
}

const sentTwo = `{"id":"evt_1","eventType":"pet.adopted","webhooks":2,"webhookIds":["wh_ok","wh_other"]}`

func attemptsJSON(ds ...string) string { return `{"data":[` + strings.Join(ds, ",") + `]}` }

const (
	delivered200  = `{"eventId":"evt_1","eventType":"pet.adopted","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":200,"latencyMs":1.5,"url":"http://127.0.0.1:8080/webhooks"}`
	rejected401   = `{"eventId":"evt_1","eventType":"pet.adopted","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":401,"latencyMs":0.8,"error":"signature does not match the secret","url":"http://127.0.0.1:8080/webhooks","retryInMs":60000}`
	retried500    = `{"eventId":"evt_1","eventType":"pet.adopted","attempt":2,"attemptedAt":"2025-01-06T12:01:00Z","status":500,"latencyMs":0.8}`
	problem404    = `{"title":"Not Found","status":404,"detail":"no such endpoint: /v1/webhooks/wh_ok/deliveries"}`
	problem500    = `{"title":"Internal Server Error","status":500,"detail":"database is locked"}`
	noAttemptsYet = `{"data":[]}`
)

// Each webhook's first attempt, once the API has recorded it: the line
// says delivered, or the answer, why and when the API retries; the exit
// status is the worst of them. A webhook whose attempt takes two looks to
// appear is waited for; a later attempt listed first does not count as the
// first.
func TestTriggerAPIReportsEachFirstAttempt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		other []string // wh_other's deliveries at each look
		want  string   // wh_other's piped line after the event id
		code  cmdutil.ExitCode
	}{
		{"delivered", []string{noAttemptsYet, attemptsJSON(delivered200)}, "wh_other\tdelivered: 200 OK\t1.5ms\t-", cmdutil.ExitOK},
		{"rejected", []string{noAttemptsYet, attemptsJSON(retried500, rejected401)}, "wh_other\tanswered 401 Unauthorized: signature does not match the secret\t800µs\tretry in 1m", cmdutil.ExitNon2xx},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, _ := fakeAPIServer(t, sentTwo, func(id string, asked int) (int, string) {
				if id == "wh_ok" {
					return 200, attemptsJSON(delivered200)
				}
				return 200, tc.other[min(asked, len(tc.other)-1)]
			})
			clock := newClock()
			out, _, err := runAPI(context.Background(), t, base, clock, "pet.adopted")
			want := "12:00:00\tpet.adopted\tevt_1\twh_ok\tdelivered: 200 OK\t1.5ms\t-\n" + "12:00:00\tpet.adopted\tevt_1\t" + tc.want + "\n"
			if out != want || cmdutil.CodeOf(err) != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s\nwant\n%s", cmdutil.CodeOf(err), err, tc.code, out, want)
			}
			if clock.pauses != 2 {
				t.Errorf("%d pauses, want 2: one before each look", clock.pauses)
			}
		})
	}
}

// --format json: the count as before, and each webhook's first attempt in
// the fields of 'deliveries --format json', with the outcome named.
func TestTriggerAPIJSONHasTheOutcomes(t *testing.T) {
	base, _ := fakeAPIServer(t, sentTwo, func(id string, _ int) (int, string) {
		if id == "wh_ok" {
			return 200, attemptsJSON(delivered200)
		}
		return 200, attemptsJSON(rejected401)
	})
	out, _, err := runAPI(context.Background(), t, base, newClock(), "pet.adopted", "--format", "json")
	want := `{"sentAt":"2025-01-06T12:00:00Z","eventId":"evt_1","eventType":"pet.adopted","webhooks":2,"deliveries":[` +
		`{"webhookId":"wh_ok","outcome":"delivered","url":"http://127.0.0.1:8080/webhooks","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":200,"latencyMs":1.5},` +
		`{"webhookId":"wh_other","outcome":"non-2xx","url":"http://127.0.0.1:8080/webhooks","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":401,"latencyMs":0.8,"error":"signature does not match the secret","retryInMs":60000}]}` + "\n"
	if out != want || cmdutil.CodeOf(err) != cmdutil.ExitNon2xx {
		t.Fatalf("exit %d (%v)\n%s\nwant\n%s", cmdutil.CodeOf(err), err, out, want)
	}
}

// No first attempt within --wait: each webhook says so, the wait ends on
// time (by the clock trigger is given), and the exit status is 5.
func TestTriggerAPIWaitsNoLongerThanWait(t *testing.T) {
	base, asked := fakeAPIServer(t, sentTwo, func(string, int) (int, string) { return 200, noAttemptsYet })
	for _, tc := range []struct {
		args []string
		wait time.Duration
		w    string
	}{{nil, DefaultAPIWait, "10s"}, {[]string{"--wait", "1m30s"}, 90 * time.Second, "1m30s"}} {
		clock := newClock()
		out, _, err := runAPI(context.Background(), t, base, clock, append([]string{"pet.adopted"}, tc.args...)...)
		w := tc.w
		want := "12:00:00\tpet.adopted\tevt_1\twh_ok\tno attempt within " + w + "\t-\t-\n12:00:00\tpet.adopted\tevt_1\twh_other\tno attempt within " + w + "\t-\t-\n"
		if out != want || cmdutil.CodeOf(err) != cmdutil.ExitTimeout || !strings.Contains(err.Error(), "2 of 2 first attempts were not made within --wait "+w) {
			t.Fatalf("%v: exit %d (%v)\n%s", tc.args, cmdutil.CodeOf(err), err, out)
		}
		if waited := clock.Now().Sub(cmdtest.Now); waited != tc.wait {
			t.Errorf("%v: waited %s, want %s", tc.args, waited, tc.wait)
		}
	}
	if asked() > 2*(int((DefaultAPIWait+90*time.Second)/maxPoll)+2*5) {
		t.Errorf("%d looks at the deliveries: more than a pause of up to %s allows", asked(), maxPoll)
	}
}

// When there is nothing to follow, the line says what is known: the event
// is queued for N webhooks, and the exit status is 0. The public API lists
// no deliveries (404), an older emulator names no webhooks, --wait 0 asks
// not to wait.
func TestTriggerAPIWithoutDeliveriesSaysQueued(t *testing.T) {
	for _, tc := range []struct {
		name, sent string
		status     int
		args       []string
		looks      int
	}{
		{"no deliveries endpoint", sentTwo, 404, nil, 2},
		{"webhooks not named", `{"id":"evt_1","eventType":"pet.adopted","webhooks":2}`, 200, nil, 0},
		{"--wait 0", sentTwo, 200, []string{"--wait", "0"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, asked := fakeAPIServer(t, tc.sent, func(string, int) (int, string) {
				if tc.status == 404 {
					return 404, problem404
				}
				return 200, attemptsJSON(delivered200)
			})
			out, errOut, err := runAPI(context.Background(), t, base, newClock(), append([]string{"pet.adopted"}, tc.args...)...)
			if out != "12:00:00\tpet.adopted\tevt_1\tqueued for 2 webhook(s)\n" || errOut != "" || err != nil {
				t.Fatalf("err %v\nstdout %q\nstderr %q", err, out, errOut)
			}
			if asked() != tc.looks {
				t.Errorf("%d looks at the deliveries, want %d", asked(), tc.looks)
			}
		})
	}
}

// The API fails while trigger follows the deliveries: the event is queued
// all the same, and the line says so before the error (exit 8).
func TestTriggerAPIDeliveriesFailing(t *testing.T) {
	base, _ := fakeAPIServer(t, sentTwo, func(string, int) (int, string) { return 500, problem500 })
	out, _, err := runAPI(context.Background(), t, base, newClock(), "pet.adopted")
	if out != "12:00:00\tpet.adopted\tevt_1\tqueued for 2 webhook(s)\n" || cmdutil.CodeOf(err) != cmdutil.ExitAPI ||
		err.Error() != "evt_1 was queued, but its deliveries could not be read: Internal Server Error: database is locked (500)" {
		t.Fatalf("exit %d (%v)\n%s", cmdutil.CodeOf(err), err, out)
	}
}

// Ctrl-C while waiting: the queued line, and the exit status of an interrupt.
func TestTriggerAPIInterruptedWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _ := fakeAPIServer(t, sentTwo, func(string, int) (int, string) {
		cancel() // the user presses Ctrl-C while trigger looks
		return 200, noAttemptsYet
	})
	out, _, err := runAPI(ctx, t, base, newClock(), "pet.adopted")
	if out != "12:00:00\tpet.adopted\tevt_1\tqueued for 2 webhook(s)\n" || cmdutil.CodeOf(err) != cmdutil.ExitInterrupted {
		t.Fatalf("exit %d (%v)\n%s", cmdutil.CodeOf(err), err, out)
	}
}

func TestTriggerAPIWaitFlag(t *testing.T) {
	for args, want := range map[string]string{
		"pet.adopted --wait 5s":            "--api-base, --api-key and --wait go with --api",
		"pet.adopted --api --wait -1s":     "--wait must be 0 (do not wait) or more, got -1s",
		"pet.adopted --api --wait forever": `invalid argument "forever" for "--wait" flag: time: invalid duration "forever"`,
	} {
		f, _ := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdTrigger(f, func(context.Context, *Options) error { return nil }), strings.Fields(args)...)
		cmdtest.AssertUsageError(t, err, want)
	}
}

// The emulator itself, in this process: a receiver that checks the
// signature, registered once with the wrong secret and once with the right
// one, and a closed port. trigger --api reports each webhook's first
// attempt as the emulator made it, and exits 4. Each pause ends when the
// emulator has recorded an attempt.
func TestTriggerAPIAgainstTheEmulator(t *testing.T) {
	const secret = "whsec_the_right_one"
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := signature.Petstore.Verify(r.Header, body, []string{secret}, time.Now()); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_signature","message":"signature does not match the secret"}`)
		}
	}))
	defer receiver.Close()
	base, attempted := startEmulator(t)
	client, _ := petstore.NewClient(base, "test-key", &http.Client{}, "test")
	register := func(url, secret string) string {
		w, err := client.CreateWebhook(context.Background(), petstore.CreateWebhook{URL: url, Events: []string{"pet.adopted"}, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	wrong := register(receiver.URL, "whsec_not_the_right_one")
	right := register(receiver.URL, secret)
	closed := register(closedPort(t), secret)

	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base, "PETSTORE_API_KEY": "test-key"})
	err := cmdtest.Run(NewCmdTrigger(f, func(ctx context.Context, o *Options) error {
		o.pause = func(ctx context.Context, _ time.Duration) error {
			select {
			case <-attempted:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return triggerRun(ctx, o)
	}), "pet.adopted", "--api")
	if cmdutil.CodeOf(err) != cmdutil.ExitUnreachable || err.Error() != "the API could not reach the webhook in 1 of 3 first attempts" {
		t.Fatalf("exit %d (%v)\n%s", cmdutil.CodeOf(err), err, s.Out)
	}
	lines := strings.Split(strings.TrimSuffix(s.Out.String(), "\n"), "\n")
	wants := map[string]*regexp.Regexp{
		wrong:  regexp.MustCompile(`\tanswered 401 Unauthorized: signature does not match the secret\t[0-9.]+(µs|ms)\tretry in 1m$`),
		right:  regexp.MustCompile(`\tdelivered: 200 OK\t[0-9.]+(µs|ms)\t-$`),
		closed: regexp.MustCompile(`\tnot reachable: dial tcp 127\.0\.0\.1:\d+: connect: connection refused\t[0-9.]+(µs|ms)\tretry in 1m$`),
	}
	if len(lines) != 3 {
		t.Fatalf("stdout:\n%s", s.Out)
	}
	for _, line := range lines {
		cells := strings.Split(line, "\t")
		if want := wants[cells[3]]; want == nil || !want.MatchString(line) || cells[1] != "pet.adopted" {
			t.Errorf("line for %s: %q", cells[3], line)
		}
		delete(wants, cells[3])
	}
}

// startEmulator serves the emulator's API, its engine running, and returns
// its base URL and a channel told of each attempt once it is recorded.
func startEmulator(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	st, err := store.OpenEmulator(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx, _ := fixtures.Load("")
	attempted := make(chan struct{}, 100)
	eng := &emulator.Engine{Store: st, Client: &http.Client{}, Schedule: emulator.DefaultSchedule, UserAgent: "test",
		OnAttempt: func(emulator.AttemptLog) { attempted <- struct{}{} }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { eng.Run(ctx); close(done) }()
	srv := httptest.NewServer(&emulator.API{Store: st, Engine: eng, APIKey: "test-key", Fixtures: fx, Now: time.Now})
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return srv.URL + "/v1", attempted
}

// closedPort is a URL on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprintf("http://%s/webhooks", l.Addr())
}

// The lines of trigger --api as a terminal (80 columns, colour) and piped:
// delivered, refused with the receiver's reason, not reachable with a long
// error, a redirect, no attempt within --wait, an unknown one, and a
// webhook id and reason with control characters.
func TestAPIOutcomeRenderings(t *testing.T) {
	at := cmdtest.Now
	attempt := func(status int, ms float64, errText string, retryMs float64) petstore.Delivery {
		return petstore.Delivery{EventID: someID, EventType: "pet.adopted", Attempt: 1, AttemptedAt: at, Status: status, LatencyMs: ms, Error: errText, RetryInMs: retryMs}
	}
	firsts := []firstAttempt{
		{WebhookID: "wh_fYrZzCW9E1WIOyGw", Attempted: true, Delivery: attempt(200, 3.8, "", 0)},
		{WebhookID: "wh_dK6KE4OdMfCblMQQ", Attempted: true, Delivery: attempt(401, 2.2, "signature does not match the secret", 60000)},
		{WebhookID: "wh_gBMz5rpxim8LrkLm", Attempted: true, Delivery: attempt(0, 0.9, "dial tcp [2001:db8::1234:5678]:8443: connect: no route to host, and a long way from here", 60000)},
		{WebhookID: "wh_E3HIsEu9Cbb3an2g", Attempted: true, Delivery: attempt(301, 1.1, "redirected to https://example.com/a/very/long/path/that/goes/on/and/on (not followed)", 300000)},
		{WebhookID: "wh_pending00000000"},
		{WebhookID: "wh_unknown00000000", Unknown: true},
		{WebhookID: "wh_\x1b[2Jevil", Attempted: true, Delivery: attempt(500, 12, "\x1b]0;pwned\x07oops", 0)},
	}
	sent := petstore.EventSent{ID: someID, EventType: "pet.adopted", Webhooks: len(firsts)}
	cmdtest.AssertRenderingsOf(t, "api-outcomes", nil, func(f *cmdutil.Factory) error {
		opts := humanOptions(f)
		opts.Wait = DefaultAPIWait
		return printSent(opts, at, sent, firsts)
	})
	all := []firstAttempt{firsts[0], firsts[0]}
	cmdtest.AssertRenderingsOf(t, "api-all-delivered", nil, func(f *cmdutil.Factory) error {
		return printSent(humanOptions(f), at, petstore.EventSent{ID: someID, EventType: "pet.adopted", Webhooks: 2}, all)
	})
}

// --wait is one deadline for the run, as the help says: three events, none
// attempted, wait 2 s in all (not 2 s each); each event's deliveries are
// still looked at once.
func TestTriggerAPIWaitIsOneDeadlineForTheRun(t *testing.T) {
	base, asked := fakeAPIServer(t, sentTwo, func(string, int) (int, string) { return 200, noAttemptsYet })
	clock := newClock()
	out, _, err := runAPI(context.Background(), t, base, clock, "pet.adopted", "pet.adopted", "pet.adopted", "--wait", "2s")
	if cmdutil.CodeOf(err) != cmdutil.ExitTimeout || strings.Count(out, "no attempt within 2s") != 6 {
		t.Fatalf("exit %d (%v)\n%s", cmdutil.CodeOf(err), err, out)
	}
	if waited := clock.Now().Sub(cmdtest.Now); waited != 2*time.Second {
		t.Errorf("waited %s for 3 events, want 2s", waited)
	}
	if asked() < 3*2 {
		t.Errorf("%d looks at the deliveries: each event's should be looked at once at least", asked())
	}
}

// An API that never answers GET .../deliveries: each look has its own time
// limit, and the run ends with exit 8 (the API failed), not 5 (no attempt
// within --wait).
func TestTriggerAPIHungDeliveriesIsAnAPIFailure(t *testing.T) {
	out, _, err := runAgainstHungDeliveries(t, func(petstore.SendEvent, int) string { return sentTwo }, "pet.adopted", "--wait", "2s")
	want := "evt_1 was queued, but its deliveries could not be read: the API did not answer within 1ms"
	if cmdutil.CodeOf(err) != cmdutil.ExitAPI || err == nil || err.Error() != want || out != "12:00:00\tpet.adopted\tevt_1\tqueued for 2 webhook(s)\n" {
		t.Fatalf("exit %d (%v), want exit 8 %q\n%s", cmdutil.CodeOf(err), err, want, out)
	}
}

// runAgainstHungDeliveries runs trigger --api with args against an API that
// answers each POST of an event with answer(the event, its number from 1)
// and never answers GET .../deliveries; each look at them times out after
// 1ms of a fake clock. It returns the run's stdout, the event types the API
// was sent, in order, and the run's error.
func runAgainstHungDeliveries(t *testing.T, answer func(ev petstore.SendEvent, n int) string, args ...string) (out string, posted []string, err error) {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			var ev petstore.SendEvent
			json.NewDecoder(r.Body).Decode(&ev)
			mu.Lock()
			posted = append(posted, ev.EventType)
			n := len(posted)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(202)
			io.WriteString(w, answer(ev, n))
			return
		}
		<-r.Context().Done() // hangs until trigger gives up
	}))
	defer srv.Close()
	clock := newClock()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": srv.URL + "/v1", "PETSTORE_API_KEY": "test-key"})
	err = cmdtest.Run(NewCmdTrigger(f, func(ctx context.Context, o *Options) error {
		o.Now, o.pause, o.lookTimeout = clock.Now, clock.pause, time.Millisecond
		return triggerRun(ctx, o)
	}), append([]string{"--api"}, args...)...)
	mu.Lock()
	defer mu.Unlock()
	return s.Out.String(), posted, err
}

// A hostile API's numbers out of range (a status of -1, a negative latency,
// a retry centuries away) are shown as unknown, not as "answered -1 " and
// "-3000µs".
func TestTriggerAPIOutOfRangeNumbersAreUnknown(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		firsts := []firstAttempt{{WebhookID: "wh_x", Attempted: true, Delivery: petstore.Delivery{Status: -1, LatencyMs: -3, RetryInMs: 1e300}}}
		if err := printSent(humanOptions(f), cmdtest.Now, petstore.EventSent{ID: "evt_1", EventType: "pet.adopted", Webhooks: 1}, firsts); err != nil {
			t.Fatal(err)
		}
		out := golden.Plain(s.Out.String())
		want := "\twh_x\tanswered -\t-\t-\n"
		if terminal {
			want = "  wh_x  answered -\n"
		}
		if !strings.HasSuffix(out, want) || strings.Contains(out, "-1") || strings.Contains(out, "-3") {
			t.Errorf("terminal %v: %q, want it to end with %q", terminal, out, want)
		}
	}
}

// Three events against an API that never answers GET .../deliveries: the
// failure is reading deliveries, not sending, so the other two are sent
// all the same (not waited for), each has its queued line, the error says
// once that they were not followed, and the exit status is 8.
func TestTriggerAPIHungDeliveriesStillSendsTheRest(t *testing.T) {
	out, posted, err := runAgainstHungDeliveries(t, func(ev petstore.SendEvent, n int) string {
		return fmt.Sprintf(`{"id":"evt_%d","eventType":%q,"webhooks":1,"webhookIds":["wh_ok"]}`, n, ev.EventType)
	}, "pet.adopted", "order.created", "payment.failed", "--wait", "4s")
	want := "evt_1 was queued, but its deliveries could not be read: the API did not answer within 1ms; the 2 event(s) after it were sent without waiting for their deliveries"
	wantOut := "12:00:00\tpet.adopted\tevt_1\tqueued for 1 webhook(s)\n" +
		"12:00:00\torder.created\tevt_2\tqueued for 1 webhook(s)\n" +
		"12:00:00\tpayment.failed\tevt_3\tqueued for 1 webhook(s)\n"
	if cmdutil.CodeOf(err) != cmdutil.ExitAPI || err == nil || err.Error() != want || out != wantOut {
		t.Fatalf("exit %d (%v), want exit 8 %q\n%s", cmdutil.CodeOf(err), err, want, out)
	}
	if strings.Join(posted, " ") != "pet.adopted order.created payment.failed" {
		t.Errorf("sent %v, want all three", posted)
	}
}

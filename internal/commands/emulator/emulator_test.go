package emulator

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestEmulatorFlags(t *testing.T) {
	f, _ := cmdtest.Factory(t, cmdtest.Env{"XDG_DATA_HOME": "/data"})
	var got *Options
	if err := cmdtest.Run(NewCmdEmulator(f, func(_ context.Context, o *Options) error { got = o; return nil })); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:4010" || got.DB != "/data/petstore-webhooks/emulator.db" || len(got.Schedule) != 5 || got.Schedule[4] != time.Hour {
		t.Fatalf("defaults: %+v", got)
	}
	if got.IO != f.IOStreams || got.Now() != cmdtest.Now || got.UserAgent != "Petstore-Webhooks-Emulator/test" || got.APIKey != "" || got.PrintAPIKey {
		t.Fatalf("dependencies: %+v", got)
	}
	fromEnv, _ := cmdtest.Factory(t, cmdtest.Env{APIKeyEnv: " pk_env \n", "XDG_DATA_HOME": "/data"})
	if err := cmdtest.Run(NewCmdEmulator(fromEnv, func(_ context.Context, o *Options) error { got = o; return nil }), "--addr", "127.0.0.1:0", "--print-api-key"); err != nil {
		t.Fatal(err)
	}
	if got.APIKey != "pk_env" || got.Addr != "127.0.0.1:0" || !got.PrintAPIKey {
		t.Fatalf("key from the environment: %+v", got)
	}
	if err := cmdtest.Run(NewCmdEmulator(fromEnv, func(_ context.Context, o *Options) error { got = o; return nil }), "--api-key", "pk_flag"); err != nil || got.APIKey != "pk_flag" {
		t.Fatalf("--api-key over the environment: %v %+v", err, got)
	}
	if g := NewCmdEmulator(f, nil).GroupID; g != cmdutil.GroupWebhooks {
		t.Fatalf("GroupID %q", g)
	}
	if err := cmdtest.Run(NewCmdEmulator(f, func(_ context.Context, o *Options) error { got = o; return nil }), "--retry-schedule", "0s, 250ms,1s", "--db", ":memory:"); err != nil {
		t.Fatal(err)
	}
	if len(got.Schedule) != 3 || got.Schedule[1] != 250*time.Millisecond || got.DB != ":memory:" {
		t.Fatalf("schedule: %+v", got)
	}
	for want, args := range map[string][]string{
		`--retry-schedule: "soon" is not a duration such as 0s, 500ms or 5m`: {"--retry-schedule", "0s,soon"},
		`--retry-schedule: "-1s" is not a duration such as 0s, 500ms or 5m`:  {"--retry-schedule", "-1s"},
		`--retry-schedule: "" is not a duration such as 0s, 500ms or 5m`:     {"--retry-schedule", "0s,,1m"},
		`--retry-schedule: "48h" is longer than 24h`:                         {"--retry-schedule", "0s,48h"},
		`--retry-schedule: at most 20 attempts, got 21`:                      {"--retry-schedule", "0s" + strings.Repeat(",1s", 20)},
		"--api-key must not be empty":                                        {"--api-key", " "},
	} {
		err := cmdtest.Run(NewCmdEmulator(f, func(context.Context, *Options) error { return nil }), args...)
		cmdtest.AssertUsageError(t, err, want)
	}
}

// The API key is masked on stderr unless it is a terminal, as listen masks
// its secret; --print-api-key prints it, and the environment can give it.
func TestAPIKeyMaskedUnlessATerminal(t *testing.T) {
	const key = "pk_emulator_abcdefghijklmnop"
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	for _, terminal := range []bool{false, true} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, false, terminal)
		if err := emulatorRun(stopped, &Options{IO: f.IOStreams, Fixtures: f.Fixtures, Now: f.Now, Addr: "127.0.0.1:0", DB: ":memory:", APIKey: key, Schedule: []time.Duration{0}}); err != nil {
			t.Fatal(err)
		}
		shown := strings.Contains(s.Err.String(), key)
		if shown != terminal {
			t.Errorf("terminal %v: key shown %v:\n%s", terminal, shown, s.Err)
		}
		if !terminal && !strings.Contains(s.Err.String(), "\nAPI key: pk_****mnop (--print-api-key prints it)\nexport PETSTORE_API_BASE=http://127.0.0.1:") {
			t.Errorf("piped stderr:\n%s", s.Err)
		}
	}
	f, s := cmdtest.Factory(t, cmdtest.Env{APIKeyEnv: key})
	if err := cmdtest.Run(NewCmdEmulator(f, nil), "--db", ":memory:", "--print-api-key"); err != nil || s.Out.String() != key+"\n" {
		t.Fatalf("--print-api-key: %q, %v", s.Out, err)
	}
}

// A stdout nobody reads never holds up the API: the log's lines are dropped
// and counted instead.
func TestStalledStdoutDoesNotBlockTheLog(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	stalled := make(chan struct{})
	f.IOStreams.Out = stallingWriter{stalled}
	timers := make(chan func(), 100) // the stall timers armed; others never fire
	log := newLogger(f.IOStreams, f.Now, func(d time.Duration, fire func()) func() bool {
		if d == time.Second { // lines' default Stall
			select {
			case timers <- fire:
			default:
			}
		}
		return func() bool { return true }
	})
	path := "/v1/webhooks/" + strings.Repeat("x", 1000)
	emitted := make(chan struct{})
	go func() {
		for range 3 * maxWaiting / len(path) {
			log.request("GET", path, 404, time.Millisecond)
		}
		close(emitted)
	}()
	(<-timers)() // the first write made no progress for the stall time
	<-emitted    // so the lines that did not fit were dropped, not waited for
	close(stalled)
	log.close()
	if !strings.HasPrefix(s.Err.String(), "Dropped ") || !strings.HasSuffix(s.Err.String(), " log lines not shown: stdout was not being read\n") {
		t.Fatalf("stderr: %q", s.Err)
	}
}

// stallingWriter blocks every write until its channel is closed.
type stallingWriter struct{ stalled chan struct{} }

func (w stallingWriter) Write(b []byte) (int, error) { <-w.stalled; return len(b), nil }

func TestRequestLogEscapesOutsideText(t *testing.T) {
	f, out := cmdtest.Factory(t, nil)
	log := newLogger(f.IOStreams, f.Now, nil)
	log.request("GET\x1b[2J", "/v1/webhooks\n12:00:00  POST /v1/x\u202e\xc2\x9b", 200, time.Millisecond)
	log.attempt(emulator.AttemptLog{Attempt: store.Attempt{EventID: "e1\x1b]0;t\x07", EventType: "pet.adopted\r", Attempt: 1, AttemptedAt: cmdtest.Now,
		Error: "dial \x1b[K"}, URL: "http://x\x1b.test/", Of: 5})
	log.close()
	want := `12:00:00  GET\x1b[2J /v1/webhooks\n12:00:00  POST /v1/x\u202e\u009b  200  1.0ms` + "\n" +
		`12:00:00  deliver pet.adopted\r e1\x1b]0;t\x07 → http://x\x1b.test/  attempt 1/5  error: dial \x1b[K  0µs` + "\n"
	if got := out.Out.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

// The terminal echoes ^C without a newline: stopped by a signal, the
// emulator starts its last line on a line of its own there, and only there.
func TestStoppedByCtrlCStartsItsOwnLine(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		ctx, interrupt := context.WithCancel(context.Background())
		interrupt() // Ctrl+C
		if err := emulatorRun(ctx, &Options{IO: f.IOStreams, Fixtures: f.Fixtures, Now: f.Now, Addr: "127.0.0.1:0", DB: ":memory:", APIKey: "k", Schedule: []time.Duration{0}}); err != nil {
			t.Fatal(err)
		}
		want := "\n\nStopped." // the ^C is on the empty line
		if !terminal {
			want = "PETSTORE_API_BASE=http://127.0.0.1:"
		}
		if got := golden.Plain(s.Err.String()); !strings.Contains(got, want) || terminal != strings.Contains(got, "\n\nStopped.") {
			t.Errorf("terminal %v: stderr\n%s", terminal, got)
		}
	}
}

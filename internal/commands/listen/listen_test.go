package listen

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

func TestListenFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*Options) bool
		wantErr string
	}{
		{"defaults", nil, func(o *Options) bool {
			return o.Addr == "127.0.0.1:8080" && o.Path == "/webhooks" && o.MaxBody == 1<<20 && o.Format == "human" && o.Events == nil && o.MaxEvents == 0
		}, ""},
		{"bare port binds loopback", []string{"--addr", "9000"}, func(o *Options) bool { return o.Addr == "127.0.0.1:9000" }, ""},
		{"every interface when asked", []string{"--addr", ":9000"}, func(o *Options) bool { return o.Addr == ":9000" }, ""},
		{"globs", []string{"--events", "pet.*, order.created,"}, func(o *Options) bool {
			return len(o.Events) == 2 && o.Events[0] == "pet.*" && o.Events[1] == "order.created"
		}, ""},
		{"scripts", []string{"--max-events", "3", "--timeout", "2s", "--format", "json", "--secret", "a", "--secret", "b"}, func(o *Options) bool {
			return o.MaxEvents == 3 && o.Timeout == 2*time.Second && o.Format == "json" && len(o.Secrets) == 2
		}, ""},
		{"schemes", []string{"--scheme", "github, Stripe", "--tolerance", "30s"}, func(o *Options) bool {
			return len(o.Schemes) == 2 && o.Schemes[0].Name() == "github" && o.Schemes[1].Name() == "stripe" && o.ForwardScheme.Name() == "petstore"
		}, ""},
		{"forward scheme", []string{"--forward-to", "3000", "--forward-secret", "whsec_YQ==", "--forward-scheme", "standard"}, func(o *Options) bool {
			return o.ForwardScheme.Name() == "standard"
		}, ""},
		{"relay", []string{"--forward-to", "pet.*=3000", "--forward-to", "localhost:4000/hooks", "-H", "X-Env: dev", "--forward-timeout", "2s",
			"--retry-max", "5", "--retry-for", "10m", "--no-history"}, func(o *Options) bool {
			return len(o.ForwardTo) == 2 && o.ForwardTo[0].Glob == "pet.*" && o.ForwardTo[0].URL == "http://localhost:3000" &&
				o.ForwardTo[1].URL == "http://localhost:4000/hooks" && o.Headers.Get("X-Env") == "dev" && o.ForwardTimeout == 2*time.Second &&
				o.RetryMax == 5 && o.RetryFor == 10*time.Minute && o.NoHistory && !o.Passthrough
		}, ""},
		{"relay defaults", []string{"--forward-to", "3000"}, func(o *Options) bool {
			return o.ForwardTimeout == 10*time.Second && o.RetryMax == 0 && o.RetryFor == time.Hour && o.HistoryMaxAge == 7*24*time.Hour &&
				o.HistoryMaxSize == 1<<30 && !o.NoHistory && o.ForwardSecret == ""
		}, ""},
		{"passthrough", []string{"--forward-to", "3000", "--passthrough", "--history", "h.db", "--history-max-age", "1h"}, func(o *Options) bool {
			return o.Passthrough && o.History == "h.db" && o.HistoryMaxAge == time.Hour
		}, ""},
		{"passthrough to two", []string{"--forward-to", "3000", "--forward-to", "4000", "--passthrough"}, nil, "--passthrough needs exactly one --forward-to target, without a glob"},
		{"passthrough with a glob", []string{"--forward-to", "pet.*=3000", "--passthrough"}, nil, "--passthrough needs exactly one --forward-to target, without a glob"},
		{"relay flag without a target", []string{"--retry-max", "3"}, nil, "--retry-max goes with --forward-to"},
		{"bad forward timeout", []string{"--forward-to", "3000", "--forward-timeout", "0s"}, nil, "--forward-timeout must be positive, got 0s"},
		{"bad target", []string{"--forward-to", "99999"}, nil, `forward target "99999": port 99999 is out of range`},
		{"history and no history", []string{"--history", "h.db", "--no-history"}, nil, "--history and --no-history do not go together"},
		{"inspector by default", nil, func(o *Options) bool { return o.UIAddr == "127.0.0.1:4040" && !o.UIAddrGiven && !o.NoUI }, ""},
		{"inspector on a port", []string{"--ui-addr", "4100"}, func(o *Options) bool { return o.UIAddr == "127.0.0.1:4100" && o.UIAddrGiven }, ""},
		{"inspector on localhost", []string{"--ui-addr", "localhost:4100"}, func(o *Options) bool { return o.UIAddr == "localhost:4100" }, ""},
		{"no inspector", []string{"--no-ui"}, func(o *Options) bool { return o.NoUI }, ""},
		{"no inspector without history", []string{"--no-history"}, func(o *Options) bool { return o.NoUI }, ""},
		{"inspector on every interface", []string{"--ui-addr", "0.0.0.0:4040"}, nil,
			`--ui-addr "0.0.0.0:4040": it serves your events to whoever reaches it, so only a loopback address will do: give 127.0.0.1:PORT or PORT`},
		{"inspector on another host", []string{"--ui-addr", "example.com:4040"}, nil,
			`--ui-addr "example.com:4040": it serves your events to whoever reaches it, so only a loopback address will do: give 127.0.0.1:PORT or PORT`},
		{"inspector and no inspector", []string{"--ui-addr", "4100", "--no-ui"}, nil, "--ui-addr and --no-ui do not go together"},
		{"inspector without history", []string{"--ui-addr", "4100", "--no-history"}, nil, "--ui-addr needs the history, which the inspector shows: drop --no-history"},
		{"unknown scheme", []string{"--scheme", "petstore,acme"}, nil, `--scheme: unknown signature scheme "acme" (known: github, hex, petstore, shopify, slack, standard, stripe)`},
		{"bad tolerance", []string{"--tolerance", "0s"}, nil, "--tolerance must be positive, got 0s"},
		{"forward scheme alone", []string{"--forward-to", "3000", "--forward-scheme", "stripe"}, nil, "--forward-scheme needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET"},
		{"two forward schemes", []string{"--forward-to", "3000", "--forward-secret", "s", "--forward-scheme", "stripe,github"}, nil, "--forward-scheme takes one scheme here, got 2"},
		{"forward secret not standard", []string{"--forward-to", "3000", "--forward-secret", "not base64!", "--forward-scheme", "standard"}, nil,
			"secret is not a Standard Webhooks secret: want whsec_ followed by base64"},
		{"bad addr", []string{"--addr", "localhost:port"}, nil, `--addr "localhost:port": bad port "port"`},
		{"bad path", []string{"--path", "hooks"}, nil, `--path must start with /, got "hooks"`},
		{"bad max body", []string{"--max-body", "0"}, nil, "--max-body 0 is 0 bytes, below the minimum of 1KiB (1024 bytes): a number without a unit is bytes; write a unit, as in 512KiB or 5MB"},
		{"max body in bytes by mistake", []string{"--max-body", "10"}, nil, "--max-body 10 is 10 bytes, below the minimum of 1KiB (1024 bytes): a number without a unit is bytes; write a unit, as in 512KiB or 5MB"},
		{"max body in SI kilobytes", []string{"--max-body", "1kb"}, nil, "--max-body 1kb is 1000 bytes, below the minimum of 1KiB (1024 bytes)"},
		{"max body in bytes with a unit", []string{"--max-body", "1023B"}, nil, "--max-body 1023B is 1023 bytes, below the minimum of 1KiB (1024 bytes)"},
		{"smallest max body", []string{"--max-body", "1KiB"}, func(o *Options) bool { return o.MaxBody == 1024 }, ""},
		{"max body with a unit", []string{"--max-body", "5MiB"}, func(o *Options) bool { return o.MaxBody == 5<<20 }, ""},
		{"bad max events", []string{"--max-events", "-1"}, nil, "--max-events must not be negative, got -1"},
		{"bad timeout", []string{"--timeout", "0s"}, nil, "--timeout must be positive, got 0s"},
		{"bad glob", []string{"--events", "pet.[x"}, nil, `--events: bad glob "pet.[x"`},
		{"empty secret", []string{"--secret", ""}, nil, "--secret must not be empty"},
		{"argument", []string{"extra"}, nil, `listen takes no arguments, got "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.Factory(t, nil)
			var got *Options
			err := cmdtest.Run(NewCmdListen(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.args...)
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

func TestPrintSecret(t *testing.T) {
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_fromenv"})
	if err := cmdtest.Run(NewCmdListen(f, nil), "--print-secret"); err != nil {
		t.Fatal(err)
	}
	if s.Out.String() != "whsec_fromenv\n" {
		t.Fatalf("stdout = %q", s.Out)
	}
}

func TestListenPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_x"})
	addr := busy.Addr().String()
	err = listenRun(context.Background(), &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Addr: addr, Path: "/", NoHistory: true})
	if err == nil || err.Error() != addr+" is in use by another program: choose another with --addr (or 'petstore-webhooks config set listen_addr HOST:PORT')" {
		t.Fatalf("err = %v", err)
	}
}

func TestListenRefusesASecretTheSchemeCannotUse(t *testing.T) {
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "plain-not-base64!"})
	err := cmdtest.Run(NewCmdListen(f, nil), "--scheme", "petstore,standard", "--addr", "127.0.0.1:0", "--no-history")
	cmdtest.AssertUsageError(t, err, "secret is not a Standard Webhooks secret: want whsec_ followed by base64")
}

func TestListenAddrSetting(t *testing.T) {
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_LISTEN_ADDR": "9100"})
	var got *Options
	if err := cmdtest.Run(NewCmdListen(f, func(_ context.Context, o *Options) error { got = o; return nil })); err != nil || got.Addr != "127.0.0.1:9100" {
		t.Fatalf("addr from the environment: %v, %+v", err, got)
	}
	if err := cmdtest.Run(NewCmdListen(f, func(_ context.Context, o *Options) error { got = o; return nil }), "--addr", "9200"); err != nil || got.Addr != "127.0.0.1:9200" {
		t.Fatalf("--addr over the environment: %v, %+v", err, got)
	}
	f, _ = cmdtest.Factory(t, cmdtest.Env{"PETSTORE_LISTEN_ADDR": "nowhere:http2"})
	cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdListen(f, nil)), `listen_addr "nowhere:http2": bad port "http2"`)
}

// A glob of --events or --forward-to that matches no known event type (a
// typo) is warned of, with the nearest type, and listen still starts: an API
// may send types that no fixture has. A glob that matches says nothing.
func TestListenWarnsOfAGlobThatMatchesNoKnownType(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--events", "pet.adoptd"}, "warning: --events pet.adoptd matches no known event type (did you mean pet.adopted?)\n"},
		{[]string{"--events", "pet.*,acme.*"}, "warning: --events acme.* matches no known event type\n"},
		{[]string{"--forward-to", "order.creatd=3000"}, "warning: --forward-to order.creatd matches no known event type (did you mean order.created?)\n"},
		{[]string{"--events", "pet.*,order.created", "--forward-to", "pet.adopted=3000", "--forward-to", "4000"}, ""},
	} {
		f, s := cmdtest.Factory(t, nil)
		ran := false
		if err := cmdtest.Run(NewCmdListen(f, func(context.Context, *Options) error { ran = true; return nil }), tc.args...); err != nil || !ran {
			t.Fatalf("%v: err %v, ran %v", tc.args, err, ran)
		}
		if got := s.Err.String(); got != tc.want {
			t.Errorf("%v: stderr %q, want %q", tc.args, got, tc.want)
		}
	}
}

// Stopping waits for the requests being answered: with --passthrough, for
// the attempt a sender waits for, however long --forward-timeout allows it.
func TestShutdownWaitsForAPassthroughAttempt(t *testing.T) {
	for _, c := range []struct {
		passthrough bool
		timeout     time.Duration
		want        time.Duration
	}{
		{false, time.Minute, 10 * time.Second},
		{true, time.Second, 10 * time.Second},
		{true, time.Minute, 65 * time.Second},
	} {
		opts := &Options{Passthrough: c.passthrough, ForwardTimeout: c.timeout}
		if got := shutdownWait(opts); got != c.want {
			t.Errorf("passthrough %v, --forward-timeout %s: waits %s, want %s", c.passthrough, c.timeout, got, c.want)
		}
	}
}

func TestInspectorPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	history := filepath.Join(t.TempDir(), "history.db")
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_x"})
	ctx, stop := context.WithCancel(context.Background())
	stop()
	err = listenRun(ctx, &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Addr: "127.0.0.1:0", Path: "/", History: history, UIAddr: addr, UIAddrGiven: true})
	if err == nil || err.Error() != "cannot serve the inspector: "+addr+" is taken: choose another with --ui-addr PORT, or serve none with --no-ui" {
		t.Fatalf("--ui-addr %s taken: err = %v", addr, err)
	}
	// Not given, the address is a first choice: the next free port serves.
	if err := listenRun(ctx, &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Addr: "127.0.0.1:0", Path: "/", History: history, UIAddr: addr}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Err.String(), "Inspector: http://127.0.0.1:") || strings.Contains(s.Err.String(), "Inspector: http://"+addr) {
		t.Errorf("the inspector is not on another port:\n%s", s.Err)
	}
}

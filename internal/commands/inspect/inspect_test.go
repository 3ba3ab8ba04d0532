package inspect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

func TestInspectFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*Options) bool
		wantErr string
	}{
		{"defaults", nil, func(o *Options) bool {
			return o.UIAddr == "127.0.0.1:4040" && !o.UIAddrGiven && strings.HasSuffix(o.History, "/state/petstore-webhooks/history.db") &&
				o.Forwarding.Timeout == 10*time.Second && len(o.Schemes) == 1 && o.Schemes[0].Name() == "petstore" && o.ForwardTo == nil
		}, ""},
		{"a port", []string{"--ui-addr", "4100", "--history", "h.db"}, func(o *Options) bool {
			return o.UIAddr == "127.0.0.1:4100" && o.UIAddrGiven && o.History == "h.db"
		}, ""},
		{"replays", []string{"--forward-to", "3000", "-H", "X-Env: dev", "--forward-timeout", "2s", "--secret", "whsec_a", "--scheme", "stripe"}, func(o *Options) bool {
			return len(o.ForwardTo) == 1 && o.ForwardTo[0].URL == "http://localhost:3000" && o.Forwarding.Headers.Get("X-Env") == "dev" &&
				o.Forwarding.Timeout == 2*time.Second && o.Secrets[0] == "whsec_a" && o.Schemes[0].Name() == "stripe"
		}, ""},
		{"every interface", []string{"--ui-addr", ":4040"}, nil,
			`--ui-addr ":4040": it serves your events to whoever reaches it, so only a loopback address will do: give 127.0.0.1:PORT or PORT`},
		{"bad target", []string{"--forward-to", "99999"}, nil, `forward target "99999": port 99999 is out of range`},
		{"arguments", []string{"history.db"}, nil, `inspect takes no arguments, got "history.db"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.Factory(t, cmdtest.Env{"XDG_STATE_HOME": "/home/dev/state"})
			var got *Options
			cmd := NewCmdInspect(f, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetContext(context.Background())
			err := cmdtest.Run(cmd, tt.args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(got) {
				t.Fatalf("err = %v, options = %+v", err, got)
			}
		})
	}
}

func TestGoldenReady(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		ios, _, _, errOut := iostreams.Test()
		name := "ready-piped"
		if terminal {
			ios.SetTTY(false, true, true)
			_ = ios.SetColorMode("always")
			name = "ready-terminal"
		}
		printReady(&Options{IO: ios, History: "/home/dev/.local/state/petstore-webhooks/history\x1b[2J.db"}, "http://127.0.0.1:4040")
		golden.Assert(t, name, errOut.Bytes())
		if terminal {
			golden.AssertFits(t, errOut.String(), 80)
		}
	}
}

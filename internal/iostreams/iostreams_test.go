package iostreams

import (
	"strings"
	"sync"
	"testing"
)

func TestColorEnabled(t *testing.T) {
	tests := []struct {
		mode string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"auto", true, nil, true},
		{"auto", false, nil, false},
		{"always", false, nil, true},
		{"always", true, map[string]string{"NO_COLOR": "1"}, true},
		{"never", true, nil, false},
		{"never", true, map[string]string{"CLICOLOR_FORCE": "1"}, false},
		{"auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"auto", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"auto", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"auto", true, map[string]string{"CLICOLOR": "0"}, false},
		{"auto", true, map[string]string{"TERM": "dumb"}, false},
		{"auto", true, map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, false},
	}
	for _, tt := range tests {
		got := ColorEnabled(tt.mode, tt.tty, func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("ColorEnabled(%s, tty=%v, %v) = %v, want %v", tt.mode, tt.tty, tt.env, got, tt.want)
		}
	}
}

func TestStylesFollowTheDecision(t *testing.T) {
	ios, _, _, _ := Test()
	if s := ios.OutStyles().Success("ok"); s != "ok" {
		t.Fatalf("piped output coloured: %q", s)
	}
	if s := ios.OutStyles().JSON(`{"a": 1}`); s != `{"a": 1}` {
		t.Fatalf("piped JSON coloured: %q", s)
	}
	ios.SetTTY(false, true, false)
	if s := ios.OutStyles().Success("ok"); !strings.Contains(s, "\x1b[") {
		t.Fatalf("terminal output not coloured: %q", s)
	}
	if s := ios.OutStyles().JSON(`{"a": "b", "n": -1.5, "t": true}`); strings.Count(s, "\x1b[") < 5 {
		t.Fatalf("JSON not coloured by token: %q", s)
	}
	if s := ios.ErrStyles().Failure("no"); s != "no" {
		t.Fatalf("piped stderr coloured: %q", s)
	}
	if err := ios.SetColorMode("sometimes"); err == nil {
		t.Fatal("accepted --color sometimes")
	}
}

// A handler and the relay print at once: the palettes are made once, safely
// (go test -race).
func TestStylesAreSafeToGetFromManyGoroutines(t *testing.T) {
	ios, _, _, _ := Test()
	got := make([]*Styles, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = ios.OutStyles(); ios.ErrStyles() }()
	}
	wg.Wait()
	for _, st := range got[1:] {
		if st != got[0] {
			t.Fatal("stdout's palette was made more than once")
		}
	}
}

// --color always and CLICOLOR_FORCE colour a writer that is not a terminal,
// as `help environment` says, stdout as well as stderr.
func TestForcedColourReachesPipedWriters(t *testing.T) {
	for _, force := range []func(*IOStreams){
		func(ios *IOStreams) { _ = ios.SetColorMode("always") },
		func(ios *IOStreams) {
			ios.SetGetenv(func(k string) string { return map[string]string{"CLICOLOR_FORCE": "1"}[k] })
		},
	} {
		ios, _, _, _ := Test()
		force(ios)
		for name, st := range map[string]*Styles{"stdout": ios.OutStyles(), "stderr": ios.ErrStyles()} {
			if !st.Enabled || !strings.Contains(st.Success("ok"), "\x1b[") || !strings.Contains(st.JSON(`{"a": 1}`), "\x1b[") {
				t.Errorf("piped %s not coloured: %q", name, st.Success("ok"))
			}
		}
	}
}

package cmdutil

import (
	"os"
	"testing"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"whsec_AYsVepYa5mYDSeg4HrdpTaA9NQ+ASLDR": "whsec_****SLDR",
		"short":                                  "****",
		"whsec_abc":                              "whsec_****",
		"":                                       "",
		"tok_0123456789abcdef":                   "tok_****cdef",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeOf(t *testing.T) {
	if CodeOf(nil) != 0 || CodeOf(FlagErrorf("x")) != 2 || CodeOf(Exit(ExitNon2xx, nil)) != 3 ||
		CodeOf(ErrCancel) != 130 || CodeOf(os.ErrNotExist) != 1 {
		t.Fatal("exit code mapping")
	}
}

func TestReceiverURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/webhooks",
		"9000":           "http://127.0.0.1:9000/webhooks",
		":9000":          "http://127.0.0.1:9000/webhooks",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/webhooks",
		"[::]:9000":      "http://127.0.0.1:9000/webhooks",
		"[::1]:9000":     "http://[::1]:9000/webhooks",
		"localhost:9000": "http://localhost:9000/webhooks",
	} {
		if got, err := ReceiverURL(addr); err != nil || got != want {
			t.Errorf("ReceiverURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := ReceiverURL("a:b:c"); err == nil {
		t.Error("ReceiverURL(a:b:c) gave no error")
	}
}

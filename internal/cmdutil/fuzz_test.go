package cmdutil

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestParseHeadersRefusesControlCharacters(t *testing.T) {
	for _, f := range []string{"X-A: b\r\nEvil: 1", "X-A: b\nc", "X-A: \x00", "X-A: \x1b[2J", "X\x00A: b", "X(A): b", "Ä: b", "X-A: b\x7f"} {
		if _, err := ParseHeaders([]string{f}); CodeOf(err) != ExitUsage {
			t.Errorf("ParseHeaders(%q) = %v, want a usage error", f, err)
		}
	}
	h, err := ParseHeaders([]string{"X-Request-Id:  42 ", "X-Tab: a\tb", "X-Utf8: Zoë"})
	if err != nil || h.Get("X-Request-Id") != "42" || h.Get("X-Tab") != "a\tb" || h.Get("X-Utf8") != "Zoë" {
		t.Fatalf("%v, %v", h, err)
	}
}

func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"X-Request-Id: 42", "a:", ":b", "X-A: b\r\nEvil: 1", "X A: b", "X-A: \x1b]0;t\x07", "X-A:\tb\t", "X-A: \xc2\x9b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeaders([]string{s})
		if err != nil {
			if CodeOf(err) != ExitUsage || strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("ParseHeaders(%q) error %v (exit %d)", s, err, CodeOf(err))
			}
			return
		}
		for name, values := range h {
			if !IsHeaderName(name) {
				t.Fatalf("ParseHeaders(%q) accepted name %q", s, name)
			}
			for _, v := range values {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("ParseHeaders(%q) accepted value %q", s, v)
				}
			}
		}
	})
}

func TestListenAddrBounds(t *testing.T) {
	for _, addr := range []string{"65536", "127.0.0.1:99999", "-1", ":", "127.0.0.1:", "a:b:c", strings.Repeat("9", 300), "1.2.3.4:80\n", "host\x1b:80"} {
		if _, err := NormalizeListenAddr("--addr", addr); CodeOf(err) != ExitUsage {
			t.Errorf("NormalizeListenAddr(%q) accepted", addr)
		}
	}
	for addr, want := range map[string]string{"0": "127.0.0.1:0", "65535": "127.0.0.1:65535", ":9000": ":9000", "[::1]:80": "[::1]:80", "localhost:8080": "localhost:8080"} {
		if got, err := NormalizeListenAddr("--addr", addr); err != nil || got != want {
			t.Errorf("NormalizeListenAddr(%q) = %q, %v, want %q", addr, got, err, want)
		}
	}
}

func FuzzListenAddr(f *testing.F) {
	for _, s := range []string{"8080", ":8080", "127.0.0.1:8080", "[::1]:0", "localhost:http", "65536", "-1", "a:b:c", "[::1", "0x50", "+80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, err := NormalizeListenAddr("--addr", s)
		if err != nil {
			if CodeOf(err) != ExitUsage {
				t.Fatalf("NormalizeListenAddr(%q): %v (exit %d)", s, err, CodeOf(err))
			}
			return
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("NormalizeListenAddr(%q) = %q: %v", s, addr, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != port {
			t.Fatalf("NormalizeListenAddr(%q) = %q: port %q", s, addr, port)
		}
		if strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) || len(addr) > 300 {
			t.Fatalf("NormalizeListenAddr(%q) = %q: host %q", s, addr, host)
		}
		if _, err := ReceiverURL(addr); err != nil {
			t.Fatalf("ReceiverURL(%q): %v", addr, err)
		}
	})
}

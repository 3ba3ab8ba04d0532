package cmdutil

import (
	"net"
	"strconv"
	"strings"
)

// NormalizeListenAddr accepts HOST:PORT, :PORT (every interface) or a bare
// PORT (loopback); what names the value where it came from, for the error.
func NormalizeListenAddr(what, addr string) (string, error) {
	if !strings.Contains(addr, ":") {
		addr = "127.0.0.1:" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || len(host) > 253 || strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", FlagErrorf("%s %q: want HOST:PORT or PORT", what, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != port {
		return "", FlagErrorf("%s %q: bad port %q", what, addr, port)
	}
	return net.JoinHostPort(host, port), nil
}

// ReceiverURL is where `listen` on the configured listen_addr receives, as
// `trigger` reaches it: every-interface hosts become 127.0.0.1.
func ReceiverURL(listenAddr string) (string, error) {
	addr, err := NormalizeListenAddr("listen_addr", listenAddr)
	if err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/webhooks", nil
}

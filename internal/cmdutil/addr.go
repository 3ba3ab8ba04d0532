package cmdutil

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// NormalizeListenAddr accepts HOST:PORT, :PORT (every interface) or a bare
// PORT (loopback); what names the value where it came from, for the error.
func NormalizeListenAddr(what, addr string) (string, error) {
	typed := addr
	if !strings.Contains(addr, ":") {
		addr = "127.0.0.1:" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || len(host) > 253 || strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", FlagErrorf("%s %s: want HOST:PORT or PORT", what, Quote(typed))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != port {
		if typed == port && err != nil { // not a number: not a port either
			return "", FlagErrorf("%s %s: want HOST:PORT or PORT", what, Quote(typed))
		}
		return "", FlagErrorf("%s %s: bad port %s", what, Quote(typed), Quote(port))
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

// ListenError is the error of net.Listen on addr, in one sentence that says
// what to do; also names another way to choose the address, if any.
func ListenError(addr string, err error, also string) error {
	fix := "choose another with --addr"
	if also != "" {
		fix += " (or " + also + ")"
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s is in use by another program: %s", addr, fix)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("no permission to listen on %s (ports below 1024 need privileges): %s", addr, fix)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err // drops a repeat of the address: "listen tcp ADDR: "
	}
	return fmt.Errorf("cannot listen on %s: %w", addr, err)
}

// InspectorAddr is where the inspector is served unless --ui-addr says.
const InspectorAddr = "127.0.0.1:4040"

// NormalizeLoopbackAddr is NormalizeListenAddr for a server that must not be
// reached from another machine (the inspector shows and replays events).
func NormalizeLoopbackAddr(what, addr string) (string, error) {
	addr, err := NormalizeListenAddr(what, addr)
	if err != nil {
		return "", err
	}
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", FlagErrorf("%s %s: it serves your events to whoever reaches it, so only a loopback address will do: give 127.0.0.1:PORT or PORT", what, Quote(addr))
	}
	return addr, nil
}

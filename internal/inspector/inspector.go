// Package inspector is the local web page of the history and its JSON API:
// a list that follows the intake live (Server-Sent Events), one event in
// full (headers, body, signature verdict, forward attempts), replays, curl
// and trigger commands, and stats. It is served on loopback only, to the
// browser of the user who runs it: Handler refuses any other Host, and a
// page from elsewhere can neither read its answers (no CORS) nor make a
// state-changing call (Origin, a per-run token and a JSON content type).
//
// It observes the intake through a bounded subscription and reads the
// history on its own connection: the intake never waits for it.
package inspector

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// Config sets up a Server.
type Config struct {
	History *store.Store // a reader of the history (its own connection); required
	// Live follows the intake (listen); it is called once, when the first
	// page follows the stream. Nil: the stream polls History (inspect).
	Live    func() *intake.Subscription
	Mode    string             // "listen" or "inspect", shown by the page
	Targets []relay.Target     // listen's --forward-to, offered for replay
	Relay   relay.Config       // Client, Timeout, Headers, ForwardSecret, ForwardScheme of replays
	Schemes []signature.Scheme // what listen verifies with (for "expected")
	Secrets []string           // listen's secrets in force; never leave the process
	Now     func() time.Time
	Token   string // per-run token; New makes one when ""
	Version string // shown by /api/info
}

// Server serves the inspector.
type Server struct {
	cfg Config

	// pingEvery is how often an idle stream gets a comment, so that
	// proxies and the browser keep it open; pollEvery is how often a
	// stream without Live looks for new requests. Tests shorten them.
	pingEvery, pollEvery time.Duration

	hubOnce   sync.Once
	hub       *hub
	followers atomic.Int64 // streams open now, for /api/info

	mu     sync.Mutex
	srv    *http.Server
	closed chan struct{} // closed by Close: streams end
	close  sync.Once
}

// New returns a Server; nothing runs until Serve or Handler is used.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Token == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b) // never fails (crypto/rand documents it)
		cfg.Token = hex.EncodeToString(b)
	}
	if cfg.Relay.Client == nil {
		cfg.Relay.Client = relay.NewClient()
	}
	if cfg.Relay.Timeout <= 0 {
		cfg.Relay.Timeout = 10 * time.Second
	}
	return &Server{cfg: cfg, pingEvery: 15 * time.Second, pollEvery: 250 * time.Millisecond, closed: make(chan struct{})}
}

// Token is the per-run token that state-changing calls must carry.
func (s *Server) Token() string { return s.cfg.Token }

// Serve serves the inspector on ln until Close; it returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.srv == nil {
		s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	}
	srv := s.srv
	s.mu.Unlock()
	select {
	case <-s.closed:
		ln.Close()
		return nil
	default:
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close ends the streams at once and stops serving.
func (s *Server) Close() error {
	var err error
	s.close.Do(func() {
		close(s.closed)
		s.mu.Lock()
		srv := s.srv
		s.srv = &http.Server{} // a Serve after Close returns at once
		s.mu.Unlock()
		if srv != nil {
			err = srv.Close()
		}
	})
	return err
}

// fallbackPorts is how many ports after the one asked for Listen tries.
const fallbackPorts = 20

// Listen listens on addr, which must be a loopback address (the inspector
// shows and replays events: nobody else may reach it). With fallback, a port
// taken makes it try the next ones, up to fallbackPorts of them, and then
// any free port of the same host. Its errors say what went wrong, not what
// to do: that depends on the command.
func Listen(addr string, fallback bool) (net.Listener, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("inspector address %q: want HOST:PORT, such as 127.0.0.1:4040", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("inspector address %q is not a loopback address: it serves your events to whoever reaches it", addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("inspector address %q: the port must be a number from 0 to 65535", addr)
	}
	ports := []int{port}
	if fallback && port != 0 {
		for i := 1; i <= fallbackPorts && port+i <= 65535; i++ {
			ports = append(ports, port+i)
		}
		ports = append(ports, 0)
	}
	for _, p := range ports {
		at := net.JoinHostPort(host, strconv.Itoa(p))
		ln, err := net.Listen("tcp", at)
		switch {
		case err == nil:
			return ln, nil
		case !errors.Is(err, syscall.EADDRINUSE):
			return nil, fmt.Errorf("cannot serve the inspector on %s: %w", at, err)
		}
	}
	return nil, fmt.Errorf("cannot serve the inspector: %s is taken", addr)
}

package listen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

func run(ctx context.Context, opts *Options) error {
	secrets, err := verifySecrets(opts)
	if err != nil {
		return err
	}
	if opts.PrintSecret {
		_, err := fmt.Fprintln(opts.IO.Out, secrets[0])
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", opts.Addr, unwrapOpError(err))
	}
	out := newPrinter(opts)
	h := receiver.New(receiver.Config{
		Path: opts.Path, Scheme: signature.Petstore, Secrets: secrets, SkipVerify: opts.SkipVerify,
		MaxBody: opts.MaxBody, Now: opts.Now, Sink: out.print,
	})
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	printReady(opts, ln.Addr().(*net.TCPAddr), secrets)

	var timeout <-chan time.Time
	if opts.Timeout > 0 {
		timer := time.NewTimer(opts.Timeout)
		defer timer.Stop()
		timeout = timer.C
	}
	var result error
	select {
	case <-ctx.Done():
	case <-out.done:
	case <-timeout:
		if opts.MaxEvents > 0 {
			result = cmdutil.Exit(cmdutil.ExitTimeout, fmt.Errorf("timed out after %s: %d of %d events arrived", opts.Timeout, out.count(), opts.MaxEvents))
		}
	case err := <-served:
		return fmt.Errorf("receiver stopped: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "some requests were still running after 10s: %v\n", err)
	}
	printSummary(opts, h.Stats())
	if result == nil {
		result = out.err()
	}
	return result
}

// verifySecrets are the --secret flags, else the configured secret (made
// and saved on first use).
func verifySecrets(opts *Options) ([]string, error) {
	if len(opts.Secrets) > 0 {
		return opts.Secrets, nil
	}
	cfg, err := opts.Config()
	if err != nil {
		return nil, err
	}
	secret, generated, err := cfg.EnsureWebhookSecret()
	if err != nil {
		return nil, err
	}
	if generated {
		fmt.Fprintf(opts.IO.ErrOut, "Made a webhook secret and saved it in %s\n", cfg.Path)
	}
	return []string{secret}, nil
}

func unwrapOpError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// printReady tells the user where to send events and with which secret. The
// secret is shown whole only to a person at a terminal, masked in logs.
func printReady(opts *Options, addr *net.TCPAddr, secrets []string) {
	st := opts.IO.ErrStyles()
	host := addr.IP.String()
	note := ""
	if addr.IP.IsUnspecified() {
		host, note = "localhost", " (on every interface)"
	}
	url := fmt.Sprintf("http://%s%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)), opts.Path)
	secret := secrets[0]
	if !opts.IO.IsStderrTTY() {
		secret = cmdutil.Mask(secret)
	}
	if len(secrets) > 1 {
		secret += fmt.Sprintf(" (+%d more)", len(secrets)-1)
	}
	verify := ""
	if opts.SkipVerify {
		verify = st.Warning(" · signatures not enforced (--skip-verify)")
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Listening on %s%s · secret %s%s · Ctrl+C to quit\n",
		st.Success("Ready!"), st.Bold(url), note, secret, verify)
}

func printSummary(opts *Options, s receiver.Stats) {
	fmt.Fprintf(opts.IO.ErrOut, "Stopped. received %d · verified %d · unverified %d · rejected %d · duplicates %d\n",
		s.Received, s.Verified, s.Unverified, s.Rejected, s.Duplicates)
}

// printer writes each request to stdout and counts the events --max-events waits for.
type printer struct {
	opts     *Options
	mu       sync.Mutex
	accepted int
	writeErr error
	done     chan struct{}
}

func newPrinter(opts *Options) *printer {
	return &printer{opts: opts, done: make(chan struct{})}
}

func (p *printer) print(r receiver.Request) {
	if r.Event != nil && !matches(p.opts.Events, r.Event.Type) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ios := p.opts.IO
	var err error
	if p.opts.Format == "json" {
		err = render.JSONLine(ios.Out, render.NewRequestJSON(r))
	} else {
		line := render.RequestLine(ios.OutStyles(), ios.IsStdoutTTY(), r) + "\n"
		if p.opts.Verbose {
			line += render.RequestDetail(ios.OutStyles(), r)
		}
		_, err = fmt.Fprint(ios.Out, line)
	}
	if err != nil && p.writeErr == nil {
		p.writeErr = fmt.Errorf("writing events: %w", err)
	}
	if r.Accepted() && !r.Duplicate {
		p.accepted++
		if p.accepted == p.opts.MaxEvents {
			close(p.done)
		}
	}
}

func (p *printer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

func (p *printer) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.writeErr
}

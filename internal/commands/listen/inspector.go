package listen

import (
	"fmt"

	"github.com/petstoreapi/petstore-webhooks/internal/inspector"
	"github.com/petstoreapi/petstore-webhooks/internal/intake"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// The inspector's subscription to the intake: it loses items (and its page
// reloads) rather than hold more than this.
const (
	inspectorBuffer = 4096
	inspectorBytes  = 16 << 20
)

// ui is the inspector of one run.
type ui struct {
	srv     *inspector.Server
	history *store.Store // its own reader of the history
	url     string
}

// startInspector serves the inspector over rec's history, following rec's
// intake; nil with --no-ui (and --no-history, which implies it).
func startInspector(opts *Options, secrets []string, rec *recording) (*ui, error) {
	if opts.NoUI || rec.path == "" || rec.path == ":memory:" {
		return nil, nil
	}
	history, err := store.OpenHistory(rec.path)
	if err != nil {
		return nil, fmt.Errorf("inspector: %w", err)
	}
	srv := inspector.New(inspector.Config{
		History: history, Mode: "listen", Now: opts.Now, Version: opts.AppVersion,
		Live:    func() *intake.Subscription { return rec.intake.Subscribe(inspectorBuffer, inspectorBytes) },
		Targets: opts.ForwardTo, Schemes: opts.Schemes, Secrets: secrets,
		Relay: relay.Config{Client: relay.NewClient(), Timeout: opts.ForwardTimeout, Headers: opts.Headers,
			ForwardSecret: opts.ForwardSecret, ForwardScheme: opts.ForwardScheme},
	})
	ln, err := inspector.Listen(opts.UIAddr, !opts.UIAddrGiven)
	if err != nil {
		history.Close()
		return nil, fmt.Errorf("%w: choose another with --ui-addr PORT, or serve none with --no-ui", err)
	}
	go srv.Serve(ln)
	return &ui{srv: srv, history: history, url: "http://" + ln.Addr().String()}, nil
}

// close stops serving the page and closes its reader of the history.
func (u *ui) close() {
	if u == nil {
		return
	}
	u.srv.Close()
	u.history.Close()
}

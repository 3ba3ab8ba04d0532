package trigger

import (
	"fmt"
	"net/url"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
)

// nothingListening explains a run whose connections were refused: what
// address was empty and the listen command that would receive there.
func nothingListening(opts *Options, s sender.Summary) error {
	u, err := url.Parse(opts.URL)
	if err != nil {
		return fmt.Errorf("%d of %d deliveries could not reach the receiver", s.ConnErrors, s.Sent)
	}
	listen := "petstore-webhooks listen"
	if cfg, err := opts.Config(); err != nil || !sameURL(cfg.ListenAddr, u) {
		listen += " --addr " + u.Host
		if u.Path != "/webhooks" {
			listen += " --path " + u.EscapedPath()
		}
	}
	refused := "connection refused"
	if s.Sent > 1 {
		refused = fmt.Sprintf("%d of %d deliveries refused", s.Refused, s.Sent)
	}
	return fmt.Errorf("nothing is listening at %s (%s): start '%s' in another terminal, or set --url",
		iostreams.Escape(u.Host), refused, iostreams.Escape(listen))
}

// sameURL reports whether u is where listen on listenAddr receives.
func sameURL(listenAddr string, u *url.URL) bool {
	want, err := cmdutil.ReceiverURL(listenAddr)
	return err == nil && want == u.String()
}

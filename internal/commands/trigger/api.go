package trigger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

// apiSender is the part of the API client that --api needs.
type apiSender interface {
	SendEvent(context.Context, petstore.SendEvent) (petstore.EventSent, error)
}

// sentJSON is an event handed to the API, as --format json prints it.
type sentJSON struct {
	SentAt    string `json:"sentAt"`
	EventID   string `json:"eventId"`
	EventType string `json:"eventType"`
	Webhooks  int    `json:"webhooks"`
}

// sendViaAPI asks the API to send each event, with its edited data, to the
// webhooks subscribed to its type.
func sendViaAPI(ctx context.Context, opts *Options, tpls []template) error {
	client, err := opts.apiClient()
	if err != nil {
		return err
	}
	for _, t := range tpls {
		now := opts.Now()
		_, env, err := t.build(now)
		if err != nil {
			return err
		}
		sent, err := client.SendEvent(ctx, petstore.SendEvent{EventType: env.Type, Data: env.Data})
		if err != nil {
			return cmdutil.APIError(err, "")
		}
		if err := printSent(opts, now, sent); err != nil {
			return err
		}
	}
	return nil
}

func printSent(opts *Options, at time.Time, s petstore.EventSent) error {
	out := opts.IO.Out
	if opts.Format == "json" {
		return render.JSONLine(out, sentJSON{SentAt: at.UTC().Format(time.RFC3339Nano), EventID: s.ID, EventType: s.EventType, Webhooks: s.Webhooks})
	}
	// The API answers before it delivers: it has queued the event, and
	// whether a webhook took it shows in 'petstore-webhooks deliveries ID'.
	to := fmt.Sprintf("queued for %d webhook(s)", s.Webhooks)
	if s.Webhooks == 0 {
		to = "no active webhook is subscribed to it"
	}
	cells := []string{cmdutil.Timestamp(at), iostreams.Escape(s.EventType), iostreams.Escape(s.ID), to}
	st := opts.IO.OutStyles()
	if !opts.IO.IsStdoutTTY() {
		cells[1] = st.EventType(cells[1]) // coloured only when colour was forced
		_, err := fmt.Fprintln(out, strings.Join(cells, "\t"))
		return err
	}
	typ := render.Fit(cells[1], typeWidth, render.ElideEnd)
	_, err := fmt.Fprintf(out, "%s  %s  %s  %s\n", st.Faint(cells[0]), st.EventType(fmt.Sprintf("%-*s", typeWidth, typ)), render.ShortID(cells[2]), cells[3])
	return err
}

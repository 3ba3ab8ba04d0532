package relay

import (
	"context"

	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// Early follows one request's forwards from before they are recorded: the
// first attempts start as soon as the request is queued to be committed, so
// a target gets the event while the commit runs, not after it. The caller
// commits the request with Claim inside the commit (history.Early), then
// calls Recorded. If the commit fails, the attempts' outcomes are dropped:
// the sender is told the event was not recorded, and may send it again.
type Early struct {
	relay   *Relay
	req     *store.Request
	targets []string
	start   bool   // attempts start when the request is queued
	started []bool // per target: handed to a worker at Queued
	claimed []store.Forward
	tokens  []uint64 // per target: the claim taken inside the commit
	done    chan struct{}
	fwds    []store.Forward // set before done closes; nil when not recorded
}

// Begin follows req's forwards to targets. With start false nothing is
// attempted before the forwards are recorded (passthrough).
func (r *Relay) Begin(req *store.Request, targets []string, start bool) *Early {
	return &Early{relay: r, req: req, targets: targets, start: start, started: make([]bool, len(targets)),
		tokens: make([]uint64, len(targets)), done: make(chan struct{})}
}

// Queued starts the first attempts. It runs once the request is queued to be
// committed: the worker it wakes then runs ahead of the committing goroutine
// rather than after it.
func (e *Early) Queued() {
	if !e.start {
		return
	}
	r := e.relay
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range e.targets {
		if r.closed {
			return
		}
		select {
		case r.jobs <- job{req: e.req, early: e, target: i}:
			e.started[i] = true
		default: // the workers are busy: Recorded hands it over later
		}
	}
}

// Claim takes the forwards for their first attempts. It runs inside the
// commit that records them, so the retry loop never finds them unclaimed. A
// claim held already is a stale one of the loop's on a deleted forward
// whose id the store gave again (without history): it is taken over.
func (e *Early) Claim(fwds []store.Forward) {
	r := e.relay
	r.mu.Lock()
	defer r.mu.Unlock()
	e.claimed = fwds
	for i, f := range fwds {
		e.tokens[i] = r.take(f.ID)
	}
}

// Recorded is told how the commit went: fwds are the recorded forwards, in
// the order of the targets. Forwards not yet started go to the workers now,
// or, when they are busy, stay due for the loop.
func (e *Early) Recorded(fwds []store.Forward, err error) {
	r := e.relay
	if err != nil {
		for i, f := range e.claimed {
			r.release(f.ID, e.tokens[i])
		}
		close(e.done)
		return
	}
	e.fwds = fwds
	close(e.done)
	if !e.start {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, f := range fwds {
		if e.started[i] {
			continue
		}
		if !r.closed {
			select {
			case r.jobs <- job{fwd: f, req: e.req, token: e.tokens[i]}:
				continue
			default:
			}
		}
		r.releaseLocked(f.ID, e.tokens[i])
		r.poke()
	}
}

// Passthrough makes the one attempt at the first forward while its sender
// waits; the claim keeps the retry loop off it meanwhile. OnAttempt is not
// told: the caller shows the attempt once it has shown the request.
func (e *Early) Passthrough(ctx context.Context) (Result, error) {
	r, f := e.relay, e.fwds[0]
	res, err := r.once(ctx, e.req, f, false)
	r.release(f.ID, e.tokens[0])
	if err == nil {
		r.forget(res)
	}
	return res, err
}

// attemptEarly sends a first attempt at once, then records it once the
// request is recorded.
func (r *Relay) attemptEarly(j job) {
	e := j.early
	at := r.cfg.Now()
	resp, latency, err := r.send(r.attemptCtx, e.req, e.targets[j.target])
	select {
	case <-e.done:
	case <-r.attemptCtx.Done():
		return // cut short: the forward stays pending, for the next relay
	}
	if e.fwds == nil {
		return // not recorded
	}
	f, token := e.fwds[j.target], e.tokens[j.target]
	res, err := r.record(r.attemptCtx, e.req, f, true, sent{at, resp, latency, err})
	if err == nil && r.cfg.OnAttempt != nil {
		r.cfg.OnAttempt(res)
	}
	r.settle(f, token, res, err)
}

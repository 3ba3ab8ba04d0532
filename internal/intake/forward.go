package intake

import (
	"context"
	"fmt"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// firstAttempts follows one request's forwards from before they are recorded:
// their first attempts are queued for the workers before the commit (a free
// worker sends while it runs), and recorded once it is done. If the commit
// fails their outcomes are dropped: the sender is told the event was not
// recorded, and may send it again.
type firstAttempts struct {
	req     *store.Request
	targets []string
	started []bool        // per target: queued by start
	done    chan struct{} // closed once the commit is done
	fwds    []store.Forward
}

// job is one attempt for a worker to make: the first at a forward of first
// (first.targets[target]), else at fwd, a forward of req (nil when the
// retry loop found fwd due: it is loaded then).
type job struct {
	first  *firstAttempts
	target int
	fwd    store.Forward
	req    *store.Request
}

// start queues the first attempts at req's forwards for the workers,
// before the forwards are recorded: a free worker sends while the commit
// runs; when all are busy, the attempts wait in jobs. Those that find jobs
// full are left to recorded.
func (in *Intake) start(req *store.Request, targets []string) *firstAttempts {
	first := &firstAttempts{req: req, targets: targets, started: make([]bool, len(targets)), done: make(chan struct{})}
	in.mu.Lock()
	defer in.mu.Unlock()
	for i := range targets {
		if in.closed {
			break
		}
		select {
		case in.jobs <- job{first: first, target: i}:
			first.started[i] = true
		default: // jobs is full: recorded queues it later
		}
	}
	return first
}

// recorded is told of the committed forwards (nil when the commit failed),
// lets the attempts start queued go on, and queues the others or, when jobs
// is still full, leaves them due for the loop.
func (in *Intake) recorded(first *firstAttempts, fwds []store.Forward) {
	first.fwds = fwds
	close(first.done)
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, f := range fwds {
		if first.started[i] {
			continue
		}
		if !in.closed {
			select {
			case in.jobs <- job{fwd: f, req: first.req}:
				continue
			default:
			}
		}
		delete(in.claims, f.ID)
		in.poke()
	}
}

// claimAll claims new forwards; the store calls it (Batch.BeforeCommit)
// inside the transaction that records them, so the loop never finds them
// unclaimed.
func (in *Intake) claimAll(fwds [][]store.Forward) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, fs := range fwds {
		for _, f := range fs {
			in.claims[f.ID] = struct{}{}
		}
	}
}

// releaseAll lets go of the forwards of a commit that was rolled back.
func (in *Intake) releaseAll(fwds [][]store.Forward) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, fs := range fwds {
		for _, f := range fs {
			delete(in.claims, f.ID)
		}
	}
}

// claim takes a forward for one attempt, unless one is being made.
func (in *Intake) claim(id int64) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, held := in.claims[id]; held {
		return false
	}
	in.claims[id] = struct{}{}
	return true
}

func (in *Intake) release(id int64) {
	in.mu.Lock()
	delete(in.claims, id)
	in.mu.Unlock()
}

// poke has the retry loop look for due forwards now.
func (in *Intake) poke() { in.due.Wake() }

// handOutDue is the retry loop's poll: it hands the forwards due at now,
// but those in flight, to the workers and says when the next is due. A
// store that fails is tried again when poked, or after a minute.
func (in *Intake) handOutDue(ctx context.Context, now time.Time) (next time.Time, err error) {
	st := in.cfg.Store
	due, err := st.DueForwards(ctx, now, 256)
	if err != nil {
		return time.Time{}, nil
	}
	for _, f := range due {
		if !in.claim(f.ID) {
			continue // in flight
		}
		select {
		case in.jobs <- job{fwd: f}:
		case <-ctx.Done():
			in.release(f.ID)
			return time.Time{}, nil
		}
	}
	if next, ok, err := st.NextForwardDue(ctx); err == nil && ok {
		return next, nil
	}
	return time.Time{}, nil
}

// attempt makes one attempt at a forward and records it.
func (in *Intake) attempt(j job) {
	ctx := in.attemptCtx
	if first := j.first; first != nil {
		sent := in.relay.Send(ctx, first.req, first.targets[j.target])
		select {
		case <-first.done:
		case <-ctx.Done():
			return // cut short: the forward stays pending, for the next run
		}
		if first.fwds == nil {
			return // not recorded
		}
		in.settle(first.req, first.fwds[j.target], sent)
		return
	}
	f, req := j.fwd, j.req
	if req == nil {
		// The loop read f before claiming it: an attempt that ended in
		// between may have finished it or put it off. It is attempted only
		// if it is still pending and due.
		now, err := in.cfg.Store.GetForward(ctx, f.ID)
		if err != nil || now.State != store.Pending || now.NextAttemptAt.After(in.cfg.Clock.Now()) {
			in.release(f.ID)
			return
		}
		loaded, err := in.cfg.Store.GetRequest(ctx, f.RequestID)
		if err != nil {
			in.release(f.ID)
			return
		}
		f, req = now, &loaded
	}
	in.settle(req, f, in.relay.Send(ctx, req, f.Target))
}

// settle records what an attempt came to and tells of it; then a pending
// forward is left for the loop, and without history a request whose
// forwards are finished is forgotten.
func (in *Intake) settle(req *store.Request, f store.Forward, sent relay.Sent) {
	if in.attemptCtx.Err() != nil {
		return // cut short by Close: the forward stays pending
	}
	res := in.relay.Judge(req, f, sent)
	err := in.recordAttempt(res.Attempt, res.Forward.State, res.Forward.NextAttemptAt)
	in.release(f.ID)
	if err != nil {
		if in.attemptCtx.Err() == nil {
			in.tellError(fmt.Errorf("forward %d to %s: %w", f.ID, f.Target, err))
		}
		return // it stays due
	}
	in.stream.publish(Item{Attempt: &res})
	if res.Forward.State == store.Pending {
		in.poke()
		return
	}
	in.forget(res)
}

// forget deletes, without history, a request whose forwards are all
// finished.
func (in *Intake) forget(res relay.Result) {
	if !in.cfg.KeepHistory && res.Forward.State != store.Pending {
		_ = in.cfg.Store.DeleteFinished(context.Background(), res.Request.ID)
	}
}

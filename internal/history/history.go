// Package history records what reaches `listen` in the store, committing
// requests in groups so that many arriving at once share one transaction.
package history

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// ErrClosed is returned by Record once the recorder has stopped.
var ErrClosed = errors.New("history is closed")

// Recorder commits requests and their forwards.
type Recorder struct {
	store  *store.Store
	items  chan *item
	done   chan struct{}
	maxAge time.Duration
	now    func() time.Time
}

type item struct {
	req     *store.Request
	targets []string
	early   Early
	fwds    []store.Forward
	err     chan error
}

// Early is told when a request is queued to be committed and, inside the
// commit, of its forwards, so that their first attempts can start while the
// commit runs (relay.Early).
type Early interface {
	Queued()
	Claim([]store.Forward)
}

// New returns a recorder; Run must be running for Record to return. A
// positive maxAge prunes finished requests older than that while it runs.
func New(st *store.Store, maxAge time.Duration, now func() time.Time) *Recorder {
	return &Recorder{store: st, items: make(chan *item, 1024), done: make(chan struct{}), maxAge: maxAge, now: now}
}

// Record stores req, with a pending forward to each target, and returns once
// it is committed. early, when not nil, is told as the request goes along.
func (r *Recorder) Record(ctx context.Context, req *store.Request, targets []string, early Early) ([]store.Forward, error) {
	req.EncodeHeader()
	it := &item{req: req, targets: targets, early: early, err: make(chan error, 1)}
	select {
	case r.items <- it:
	case <-r.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if early != nil {
		early.Queued()
	}
	select {
	case err := <-it.err:
		return it.fwds, err
	case <-r.done:
		select { // Run commits what is queued before it ends
		case err := <-it.err:
			return it.fwds, err
		default:
			return nil, ErrClosed
		}
	}
}

// Run commits what Record is given until ctx ends, then commits what is
// already queued and stops.
func (r *Recorder) Run(ctx context.Context) {
	defer close(r.done)
	prune := time.NewTicker(time.Minute)
	defer prune.Stop()
	r.prune()
	for {
		select {
		case it := <-r.items:
			r.commit(it)
		case <-prune.C:
			r.prune()
		case <-ctx.Done():
			for {
				select {
				case it := <-r.items:
					r.commit(it)
				default:
					return
				}
			}
		}
	}
}

// commit writes first and whatever else is waiting, up to 256, in one
// transaction. When the queue runs dry it yields, until a yield brings
// nothing, so that handlers about to queue join this commit rather than
// wait for the next (docs/benchmarks.md). On an idle listener the yield
// costs nothing: there is nothing else to run, and the first attempts at the
// request's forwards, started when it was queued, go first.
func (r *Recorder) commit(first *item) {
	batch := []*item{first}
	for yield := true; yield && len(batch) < 256; {
		select {
		case it := <-r.items:
			batch = append(batch, it)
			continue
		default:
		}
		runtime.Gosched()
		yield = len(r.items) > 0
	}
	reqs := make([]*store.Request, len(batch))
	targets := make([][]string, len(batch))
	for i, it := range batch {
		reqs[i], targets[i] = it.req, it.targets
	}
	fwds, err := r.store.RecordRequests(context.Background(), reqs, targets, func(fwds [][]store.Forward) {
		for i, it := range batch {
			if it.early != nil {
				it.early.Claim(fwds[i])
			}
		}
	})
	for i, it := range batch {
		if err == nil {
			it.fwds = fwds[i]
		}
		it.err <- err
	}
}

func (r *Recorder) prune() {
	if r.maxAge > 0 {
		_, _ = r.store.PruneRequests(context.Background(), r.now().Add(-r.maxAge))
	}
}

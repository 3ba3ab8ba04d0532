// Package history records what reaches `listen` in the store, committing
// requests in groups so that many arriving at once share one transaction.
package history

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// ErrClosed is returned by Record once the recorder has stopped.
var ErrClosed = errors.New("history is closed")

// Recorder commits requests, their forwards and attempts at them.
type Recorder struct {
	store  *store.Store
	items  chan *item
	done   chan struct{}
	maxAge time.Duration
	now    func() time.Time

	maxSize     int64  // see LimitSize
	sizePruning func() // told when pruning for size first deletes; then nil
	written     int64  // about how many bytes were committed since the size was last checked
}

// item is a request, or an attempt at a forward, to commit.
type item struct {
	req     *store.Request
	targets []string
	early   Early
	attempt *store.AttemptRecord
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

// RejectedBodyKept is how much of the body of a request not answered 200
// the history keeps: a stranger's requests cost it little.
const RejectedBodyKept = 64 << 10

// LimitSize keeps the database at about max bytes while Run runs, deleting
// the oldest requests whose forwards are all finished; started is told the
// first time that deletes any. Call it before Run.
func (r *Recorder) LimitSize(max int64, started func()) {
	r.maxSize, r.sizePruning = max, started
}

// Record stores req, with a pending forward to each target, and returns once
// it is committed; of a request not answered 200 it keeps the first
// RejectedBodyKept bytes of the body. early, when not nil, is told as the
// request goes along.
func (r *Recorder) Record(ctx context.Context, req *store.Request, targets []string, early Early) ([]store.Forward, error) {
	if req.Status != http.StatusOK && len(req.Body) > RejectedBodyKept {
		req.BodySize, req.Body = len(req.Body), req.Body[:RejectedBodyKept:RejectedBodyKept]
	}
	req.EncodeHeader()
	it := &item{req: req, targets: targets, early: early, err: make(chan error, 1)}
	if err := r.queue(ctx, it); err != nil {
		return nil, err
	}
	if early != nil {
		early.Queued()
	}
	err := r.wait(it)
	return it.fwds, err
}

// RecordAttempt stores an attempt at a forward and moves the forward to
// state, due again at next when pending, with the next commit; it returns
// once that is committed. Attempts share the commits of requests arriving
// meanwhile rather than take turns with them.
func (r *Recorder) RecordAttempt(ctx context.Context, a store.ForwardAttempt, state string, next time.Time) error {
	it := &item{attempt: &store.AttemptRecord{Attempt: a, State: state, Next: next}, err: make(chan error, 1)}
	if err := r.queue(ctx, it); err != nil {
		return err
	}
	return r.wait(it)
}

func (r *Recorder) queue(ctx context.Context, it *item) error {
	select {
	case r.items <- it:
		return nil
	case <-r.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Recorder) wait(it *item) error {
	select {
	case err := <-it.err:
		return err
	case <-r.done:
		select { // Run commits what is queued before it ends
		case err := <-it.err:
			return err
		default:
			return ErrClosed
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
// wait for the next (docs/benchmarks.md). On an idle listener the yield lets
// the first attempts at the request's forwards, started when it was queued,
// go first; the relay latency did not move with it.
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
	var b store.Batch
	var requests []*item // the items of b.Requests, in order
	for _, it := range batch {
		if it.attempt != nil {
			b.Attempts = append(b.Attempts, *it.attempt)
			continue
		}
		b.Requests, b.Targets = append(b.Requests, it.req), append(b.Targets, it.targets)
		requests = append(requests, it)
	}
	b.BeforeCommit = func(fwds [][]store.Forward) {
		for i, it := range requests {
			if it.early != nil {
				it.early.Claim(fwds[i])
			}
		}
	}
	fwds, err := r.store.Commit(context.Background(), b)
	for i, it := range requests {
		if err == nil {
			it.fwds = fwds[i]
		}
	}
	for _, it := range batch {
		it.err <- err
	}
	if r.maxSize <= 0 || err != nil {
		return
	}
	for _, req := range b.Requests {
		r.written += int64(len(req.Body)) + 512 // and its headers, about
	}
	for _, a := range b.Attempts {
		r.written += int64(len(a.Attempt.Response)) + 128
	}
	if r.written >= r.maxSize/32 {
		r.pruneToSize()
	}
}

func (r *Recorder) prune() {
	if r.maxAge > 0 {
		_, _ = r.store.PruneRequests(context.Background(), r.now().Add(-r.maxAge))
	}
	r.pruneToSize()
}

func (r *Recorder) pruneToSize() {
	r.written = 0
	if r.maxSize <= 0 {
		return
	}
	if n, _ := r.store.PruneToSize(context.Background(), r.maxSize); n > 0 && r.sizePruning != nil {
		r.sizePruning()
		r.sizePruning = nil
	}
}

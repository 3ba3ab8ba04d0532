package intake

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// RejectedBodyKept is how much of the body of a request not answered 200
// the history keeps: a stranger's requests cost it little.
const RejectedBodyKept = 64 << 10

// toCommit is a request (with a pending forward to each of its targets), or
// an attempt at a forward, waiting for the next commit.
type toCommit struct {
	req     *store.Request
	targets []string
	attempt *store.AttemptRecord
	fwds    []store.Forward // the request's forwards, once committed
	err     chan error
}

// committer writes what Accept and the workers queue, in groups: requests
// arriving together share one transaction.
type committer struct {
	queue chan *toCommit
	done  chan struct{} // closed once runCommits has committed the last group

	sizePruning func() // see Config.SizePruning; nil once told
	written     int64  // about how many bytes were committed since the size was last checked
}

// queue hands c to the committer.
func (in *Intake) queue(ctx context.Context, c *toCommit) error {
	c.err = make(chan error, 1)
	select {
	case in.commits.queue <- c:
		return nil
	case <-in.commits.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait returns once c, queued, is committed.
func (in *Intake) wait(c *toCommit) error {
	select {
	case err := <-c.err:
		return err
	case <-in.commits.done:
		select { // runCommits commits what is queued before it ends
		case err := <-c.err:
			return err
		default:
			return ErrClosed
		}
	}
}

// queueRequest queues req with a pending forward to each target; of a
// request not answered 200 it keeps the first RejectedBodyKept bytes of the
// body. The forwards are claimed inside the commit, before the retry loop
// can see them.
func (in *Intake) queueRequest(ctx context.Context, req *store.Request, targets []string) (*toCommit, error) {
	if req.Status != http.StatusOK && len(req.Body) > RejectedBodyKept {
		req.BodySize, req.Body = len(req.Body), req.Body[:RejectedBodyKept:RejectedBodyKept]
	}
	req.EncodeHeader() // here, rather than in the one goroutine that commits
	c := &toCommit{req: req, targets: targets}
	return c, in.queue(ctx, c)
}

// recordRequest commits req (see queueRequest) and returns its forwards.
func (in *Intake) recordRequest(ctx context.Context, req *store.Request, targets []string) ([]store.Forward, error) {
	c, err := in.queueRequest(ctx, req, targets)
	if err == nil {
		err = in.wait(c)
	}
	return c.fwds, err
}

// recordAttempt commits an attempt and its forward's new state with the
// next group: attempts share the commits of requests arriving meanwhile.
func (in *Intake) recordAttempt(a store.ForwardAttempt, state string, next time.Time) error {
	a.EncodeResponseHeader() // here, rather than in the one goroutine that commits
	c := &toCommit{attempt: &store.AttemptRecord{Attempt: a, State: state, Next: next}}
	if err := in.queue(context.Background(), c); err != nil {
		return err
	}
	return in.wait(c)
}

// runCommits commits what is queued until ctx ends, then what is still
// queued, and stops. It prunes the history when it starts, every minute
// with a MaxAge, and as the commits add up with a MaxSize.
func (in *Intake) runCommits(ctx context.Context) {
	defer close(in.commits.done)
	var pruneTimer clock.Timer
	var pruneTick <-chan time.Time // nil without a MaxAge: never ready
	if in.cfg.MaxAge > 0 {
		pruneTimer = in.cfg.Clock.NewTimer(time.Minute)
		defer pruneTimer.Stop()
		pruneTick = pruneTimer.C()
	}
	in.prune()
	for {
		select {
		case c := <-in.commits.queue:
			in.commitGroup(c)
		case <-pruneTick:
			in.prune()
			pruneTimer.Reset(time.Minute)
		case <-ctx.Done():
			in.commitQueued()
			return
		}
	}
}

func (in *Intake) commitQueued() {
	for {
		select {
		case c := <-in.commits.queue:
			in.commitGroup(c)
		default:
			return
		}
	}
}

// commitGroup writes first and whatever else is queued, up to 256, in one
// transaction. When the queue runs dry it yields, until a yield brings
// nothing, so that handlers about to queue join this commit rather than
// wait for the next (docs/benchmarks.md). On an idle listener the yield lets
// the first attempts at the request's forwards, queued with it, go first.
func (in *Intake) commitGroup(first *toCommit) {
	group := []*toCommit{first}
	for yield := true; yield && len(group) < 256; {
		select {
		case c := <-in.commits.queue:
			group = append(group, c)
			continue
		default:
		}
		runtime.Gosched()
		yield = len(in.commits.queue) > 0
	}
	var b store.Batch
	var requests []*toCommit // the items of b.Requests, in order
	for _, c := range group {
		if c.attempt != nil {
			b.Attempts = append(b.Attempts, *c.attempt)
			continue
		}
		b.Requests, b.Targets = append(b.Requests, c.req), append(b.Targets, c.targets)
		requests = append(requests, c)
	}
	b.BeforeCommit = in.claimAll
	fwds, err := in.cfg.Store.Commit(context.Background(), b)
	if err != nil {
		in.releaseAll(fwds) // rolled back
	}
	for i, c := range requests {
		if err == nil {
			c.fwds = fwds[i]
		}
	}
	for _, c := range group {
		c.err <- err
	}
	if in.cfg.MaxSize <= 0 || err != nil {
		return
	}
	for _, req := range b.Requests {
		in.commits.written += int64(len(req.Body)) + 512 // and its headers, about
	}
	for _, a := range b.Attempts {
		in.commits.written += int64(len(a.Attempt.Response)) + 128
	}
	if in.commits.written >= in.cfg.MaxSize/32 {
		in.pruneToSize()
	}
}

// prune forgets the finished requests older than MaxAge, then the oldest
// while the history is larger than MaxSize.
func (in *Intake) prune() {
	if in.cfg.MaxAge > 0 {
		_, _ = in.cfg.Store.PruneRequests(context.Background(), in.cfg.Clock.Now().Add(-in.cfg.MaxAge))
	}
	in.pruneToSize()
}

func (in *Intake) pruneToSize() {
	in.commits.written = 0
	if in.cfg.MaxSize <= 0 {
		return
	}
	if n, _ := in.cfg.Store.PruneToSize(context.Background(), in.cfg.MaxSize); n > 0 && in.commits.sizePruning != nil {
		in.commits.sizePruning()
		in.commits.sizePruning = nil
	}
}

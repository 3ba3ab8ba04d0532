package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/retry"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// ErrClosed is Accept's error once Close has stopped the commits.
var ErrClosed = errors.New("history is closed")

// Config sets up an Intake.
type Config struct {
	// Store is where requests, forwards and attempts are committed; nil
	// records nothing (no history and nothing to forward).
	Store *store.Store
	// KeepHistory false keeps only what is still to forward (--no-history,
	// with a Store in memory): a request without forwards is not recorded,
	// and one whose forwards are all finished is deleted.
	KeepHistory bool
	// MaxAge, when positive, forgets finished requests older than that.
	MaxAge time.Duration
	// MaxSize, when positive, forgets the oldest finished requests while
	// the history is larger than that; SizePruning is told the first time.
	MaxSize     int64
	SizePruning func()

	// Relay is how to reach the targets (Targets, Client, Timeout,
	// RetryMax, RetryFor, Backoff, re-signing); without Targets nothing is
	// forwarded. New sets its Now and PassAnswers.
	Relay relay.Config
	// Passthrough has the sender wait for the one attempt at the (one)
	// target and answers it with the target's answer.
	Passthrough bool
	// Workers is how many attempts run at once (32 when 0).
	Workers int
	// OnError is told of what could not be recorded: the forward stays
	// due and is tried again.
	OnError func(error)

	Clock clock.Clock // clock.Real() when nil
}

// Intake is what happens to each request the receiver accepts.
type Intake struct {
	cfg     Config
	relay   *relay.Relay // nil without targets
	commits committer
	stream  stream

	mu     sync.Mutex // guards closed, claims and handing jobs over
	closed bool
	// claims are the forwards an attempt is being made at: the loop
	// leaves them alone. Forward ids are never reused.
	claims map[int64]struct{}

	jobs     chan job
	due      *retry.Loop // hands due forwards to the workers (handOutDue)
	workers  sync.WaitGroup
	stopLoop context.CancelFunc
	loopDone chan struct{}
	// attempts run under attemptCtx, which Close cancels past its grace.
	attemptCtx     context.Context
	cancelAttempts context.CancelFunc
	stopCommits    context.CancelFunc

	closeOnce sync.Once
	left      int // the forwards left pending, counted by Close
}

// New starts an Intake: its committer, and with targets the workers and
// the loop that picks up due retries (forwards an earlier run left pending
// too). Close stops it.
func New(cfg Config) *Intake {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 32
	}
	in := &Intake{cfg: cfg, claims: map[int64]struct{}{}, jobs: make(chan job, 4096), loopDone: make(chan struct{})}
	in.commits = committer{queue: make(chan *toCommit, 1024), done: make(chan struct{}), sizePruning: cfg.SizePruning}
	in.attemptCtx, in.cancelAttempts = context.WithCancel(context.Background())
	if cfg.Store == nil {
		close(in.commits.done)
		close(in.loopDone)
		in.stopCommits, in.stopLoop = func() {}, func() {}
		return in
	}
	commitCtx, stopCommits := context.WithCancel(context.Background())
	in.stopCommits = stopCommits
	go in.runCommits(commitCtx)
	if len(cfg.Relay.Targets) == 0 {
		close(in.loopDone)
		in.stopLoop = func() {}
		return in
	}
	rc := cfg.Relay
	rc.Now, rc.PassAnswers = cfg.Clock.Now, cfg.Passthrough
	in.relay = relay.New(rc)
	for range cfg.Workers {
		in.workers.Add(1)
		go func() {
			defer in.workers.Done()
			for j := range in.jobs {
				in.attempt(j)
			}
		}()
	}
	// The loop waits at least 10 ms between looks at the store: forwards
	// in flight are still due there.
	in.due = &retry.Loop{Clock: cfg.Clock, Poll: in.handOutDue, MinWait: 10 * time.Millisecond, MaxWait: time.Minute}
	loopCtx, stopLoop := context.WithCancel(context.Background())
	in.stopLoop = stopLoop
	go func() {
		defer close(in.loopDone)
		_ = in.due.Run(loopCtx) // handOutDue never fails
	}()
	return in
}

// Subscribe follows what happens from now on, with room for buffer items
// not yet taken that hold at most maxBytes of bodies (one item always
// fits): past that, the subscriber loses items (each next item says how
// many), never the intake an event.
func (in *Intake) Subscribe(buffer int, maxBytes int64) *Subscription {
	return in.stream.subscribe(buffer, maxBytes)
}

// Accept records r, a request the receiver has judged (r.Status is what it
// means to answer) and answers once Accept returns, with a pending forward
// to each target its event goes to when it was accepted, and returns once
// that is committed; r is told to the subscribers then, before any attempt
// at its forwards. Without a Store, or without history and targets, it is
// only told. The first attempts are queued for the workers before the
// commit, so that a free worker sends them while it runs. With
// Passthrough, Accept makes the one attempt after the commit and returns
// the target's answer for the sender. An error means r was not recorded
// (the receiver answers receiver.NotRecorded).
func (in *Intake) Accept(ctx context.Context, r *receiver.Request) (*receiver.Answer, error) {
	var targets []string
	if in.relay != nil && r.Event != nil && r.Accepted() {
		targets = in.relay.Route(r.Event.Type)
	}
	if in.cfg.Store == nil || (!in.cfg.KeepHistory && len(targets) == 0) {
		in.publishRequest(*r, 0)
		return nil, nil
	}
	req := storeRequest(r)
	if len(targets) == 0 {
		_, err := in.recordRequest(ctx, req, nil)
		in.publishAnswered(*r, req.ID, err)
		return nil, err
	}
	if in.cfg.Passthrough {
		fwds, err := in.recordRequest(ctx, req, targets)
		if err != nil {
			in.publishAnswered(*r, req.ID, err)
			return nil, err
		}
		return in.passthrough(*r, req, fwds[0]), nil
	}
	c, err := in.queueRequest(ctx, req, targets)
	if err != nil {
		in.publishAnswered(*r, req.ID, err)
		return nil, err
	}
	// The first attempts are queued once the request is: a free worker
	// then runs ahead of the committing goroutine, not after it.
	first := in.start(req, targets)
	err = in.wait(c)
	in.publishAnswered(*r, req.ID, err)
	in.recorded(first, c.fwds)
	return nil, err
}

// publishAnswered tells of r, recorded as request id, as the receiver
// answers it: NotRecorded, and no id, when it could not be recorded.
func (in *Intake) publishAnswered(r receiver.Request, id int64, err error) {
	if err != nil {
		r.Status, id = receiver.NotRecorded, 0
	}
	in.publishRequest(r, id)
}

// publishRequest tells of r, the history's request id (0: not recorded).
func (in *Intake) publishRequest(r receiver.Request, id int64) {
	in.stream.publish(Item{Request: &r, RequestID: id})
}

// storeRequest is what the history keeps of r.
func storeRequest(r *receiver.Request) *store.Request {
	req := &store.Request{ReceivedAt: r.ReceivedAt, Method: r.Method, Path: r.Path, Header: r.Header, Body: r.Body,
		Status: r.Status, Verification: r.Verification, Scheme: r.Scheme, Reason: r.Reason, Duplicate: r.Duplicate}
	if r.Event != nil {
		req.EventID, req.EventType = r.Event.ID, r.Event.Type
	}
	return req
}

// passthrough makes the one attempt at f while the sender waits, records
// the status the sender is answered as the request's, tells of the request
// then of the attempt, and returns the answer: the target's status, headers
// and body, or 502 when the target did not answer or its answer is not one
// to pass on (a 1xx, or larger than relay.PassedResponse).
func (in *Intake) passthrough(r receiver.Request, req *store.Request, f store.Forward) *receiver.Answer {
	res := in.relay.JudgeFinal(req, f, in.relay.Send(context.Background(), req, f.Target))
	err := in.recordAttempt(res.Attempt, res.Forward.State, res.Forward.NextAttemptAt)
	in.release(f.ID)
	status := http.StatusBadGateway
	if err == nil && res.Response != nil {
		status = res.Response.Status
	}
	if err := in.cfg.Store.SetRequestStatus(context.Background(), req.ID, status); err != nil {
		in.tellError(fmt.Errorf("history: could not record the answer to request %d %w", req.ID, err))
	}
	r.Status = status
	in.publishRequest(r, req.ID)
	if err == nil {
		in.stream.publish(Item{Attempt: &res})
		in.forget(res)
	}
	if err == nil && res.Response != nil {
		return &receiver.Answer{Status: status, Header: res.Response.Header, Body: res.Response.Body}
	}
	code, msg := "target_unreachable", "the target did not answer"
	var unusable *relay.UnusableAnswerError
	switch {
	case err != nil:
		msg = "could not forward: " + err.Error()
	case errors.As(res.Err, &unusable):
		code, msg = "target_answer_not_passed", unusable.Error()
	case res.Attempt.Error != "":
		msg = "the target did not answer: " + res.Attempt.Error
	}
	body, _ := json.Marshal(map[string]string{"error": code, "message": msg})
	return &receiver.Answer{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: append(body, '\n')}
}

func (in *Intake) tellError(err error) {
	if in.cfg.OnError != nil {
		in.cfg.OnError(err)
	}
}

// Close stops the intake: it stops picking up retries, waits up to grace for
// the attempts in flight and those waiting in jobs, cuts the rest short (their
// forwards stay pending, for the next run on the same store), commits what is
// queued and ends the subscriptions. It returns how many forwards the store
// holds pending then, this run's and any an earlier run left (0 when it cannot
// tell). Accept must no longer be running.
func (in *Intake) Close(grace time.Duration) (leftPending int) {
	in.closeOnce.Do(func() { in.left = in.shutdown(grace) })
	return in.left
}

func (in *Intake) shutdown(grace time.Duration) int {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	in.stopLoop()
	<-in.loopDone
	close(in.jobs)
	drained := make(chan struct{})
	go func() { in.workers.Wait(); close(drained) }()
	t := in.cfg.Clock.NewTimer(grace)
	select {
	case <-drained:
	case <-t.C():
		in.cancelAttempts()
		<-drained
	}
	t.Stop()
	in.stopCommits()
	<-in.commits.done
	in.cancelAttempts()
	in.stream.close()
	return in.countPending()
}

// countPending is how many forwards the store holds pending.
func (in *Intake) countPending() int {
	if in.cfg.Store == nil {
		return 0
	}
	pending, err := in.cfg.Store.PendingTargets(context.Background())
	if err != nil {
		return 0
	}
	n := 0
	for _, count := range pending {
		n += count
	}
	return n
}

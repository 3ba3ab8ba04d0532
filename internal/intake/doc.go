// Package intake is what happens to a request the receiver has read and
// judged, before it answers it: it is recorded, its event is forwarded to
// the targets its type goes to, failed forwards are retried, and every step
// is told to whoever follows the intake (the terminal printer of `listen`
// today). The life of one relayed event, in order:
//
//  1. The receiver (internal/receiver) reads, verifies and parses the
//     request and calls its Record hook, which `listen` sets to Accept.
//  2. Accept asks the relay which targets the event goes to
//     (relay.Relay.Route). A request without any, with KeepHistory false
//     (--no-history), is only told to the subscribers (publishRequest).
//  3. queueRequest hands the request, with a pending forward to each
//     target, to the committer; start then queues the first attempts for
//     the workers (firstAttempts, in jobs, which holds 4096). A free worker
//     sends the event (relay.Relay.Send) while the commit runs: that is why
//     a target gets an event about as soon as the sender's 200
//     (docs/benchmarks.md). When all the workers are busy, the attempts
//     wait in jobs until one is free, during the commit or after it.
//  4. runCommits / commitGroup write whatever is queued, up to 256 requests
//     and attempts, in one transaction (store.Store.Commit). The store runs
//     claimAll (Batch.BeforeCommit) inside that transaction: it claims the
//     new forwards, so that the retry loop, reading the store, never takes
//     one whose first attempt is on its way. Forward ids are never reused,
//     so a claim is just an id in a set. (Passthrough's answer, known only
//     later, is written apart: SetRequestStatus, step 8.)
//  5. Accept waits for that commit (wait), tells the subscribers of the
//     request (publishAnswered), and only then lets the first attempts go
//     on (recorded): a request's item always comes before its attempts'.
//     Forwards whose first attempt found jobs full are queued now, or,
//     jobs being still full, stay due for the loop. Accept returns, and the
//     receiver answers.
//  6. Each worker's attempt ends in settle: relay.Relay.Judge makes the
//     outcome an attempt and the forward's next state (delivered; pending,
//     due after relay.Config.Backoff, within RetryMax and RetryFor; or
//     failed), recordAttempt commits it with the next group, the claim is
//     released and the attempt is told to the subscribers.
//  7. A pending forward is picked up by the retry loop (a retry.Loop whose
//     poll is handOutDue) when it is due: handOutDue reads the due
//     forwards, claims each (skipping those in flight) and hands it to a
//     worker, whose attempt (attempt, then settle as above) rereads it
//     first. The loop wakes when the next forward is due, and when poked:
//     by settle after a retry is recorded, by recorded for a forward it
//     could not queue. Without history, forget deletes a request whose
//     forwards are finished.
//  8. With Passthrough there is no early attempt: Accept makes the one
//     attempt after the commit (passthrough), records it with the next
//     group, writes the status the sender gets as the request's
//     (store.Store.SetRequestStatus, outside any group), tells of the
//     request then of the attempt, and returns the target's answer, or a
//     502, for the receiver to give. That attempt is final
//     (relay.Relay.JudgeFinal), never retried: the sender, not the intake,
//     tries again.
//  9. Close(grace) stops the loop, waits up to grace for the attempts in
//     flight and those waiting in jobs, cuts the rest short (their forwards
//     stay pending in the store, for the next run), commits what is queued
//     and ends the subscriptions.
//
// Subscribers (Subscribe) each have a buffer of their own, bounded in items
// and in bytes of bodies; publishing never waits for one. A subscriber too
// slow to keep up loses its own items and is told how many (Item.Missed,
// Subscription.Missed); the events are recorded and forwarded all the same.
//
// The committer also keeps the history's size: finished requests older
// than MaxAge are forgotten, and the oldest while it is larger than MaxSize.
// Time (due retries, pruning, Close's grace) comes from Config.Clock, so
// that tests move it by hand.
package intake

package intake

import (
	"sync"

	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
)

// Item is one thing that happened: a request, as it was answered, or an
// attempt at one of its forwards. A request's item comes before the items
// of the attempts at its forwards.
type Item struct {
	Request *receiver.Request
	// RequestID is Request's number in the history, 0 when it was not
	// recorded; an attempt's is Attempt.Forward.RequestID.
	RequestID int64
	Attempt   *relay.Result
	// Missed is how many items this subscriber lost, its buffer being full,
	// just before this one.
	Missed int
}

// size is about how much memory the item holds: the bodies it refers to.
func (it Item) size() int64 {
	n := 512 // the rest of the request or the attempt
	if it.Request != nil {
		n += len(it.Request.Body)
	}
	if a := it.Attempt; a != nil {
		if a.Request != nil {
			n += len(a.Request.Body)
		}
		if a.Response != nil {
			n += len(a.Response.Body)
		}
	}
	return int64(n)
}

// Subscription follows the intake's items in the order they happened.
type Subscription struct {
	c        chan Item
	maxBytes int64
	mu       sync.Mutex
	missed   int     // lost since the last item handed over
	sizes    []int64 // of the items in c, oldest first, and some already taken
	bytes    int64   // the sum of sizes
}

// Items are the items, until Close ends the stream.
func (s *Subscription) Items() <-chan Item { return s.c }

// Missed is how many items were lost after the last one Items gave: read it
// once Items is closed.
func (s *Subscription) Missed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.missed
}

// offer hands it over, or counts it lost when the buffer is full or the
// items in it hold maxBytes already.
func (s *Subscription) offer(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// c is first in, first out, and only offer puts items in it: the
	// oldest of sizes beyond what c holds were taken.
	for len(s.sizes) > len(s.c) {
		s.bytes -= s.sizes[0]
		s.sizes = s.sizes[1:]
	}
	size := it.size()
	if len(s.sizes) > 0 && s.bytes+size > s.maxBytes {
		s.missed++
		return
	}
	it.Missed = s.missed
	select {
	case s.c <- it:
		s.missed = 0
		s.sizes = append(s.sizes, size)
		s.bytes += size
	default:
		s.missed++
	}
}

// stream hands every item to every subscriber without ever waiting for one.
type stream struct {
	mu     sync.RWMutex // held for writing to subscribe and to close
	subs   []*Subscription
	closed bool
}

func (st *stream) subscribe(buffer int, maxBytes int64) *Subscription {
	s := &Subscription{c: make(chan Item, max(buffer, 1)), maxBytes: maxBytes}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		close(s.c)
		return s
	}
	st.subs = append(st.subs, s)
	return s
}

func (st *stream) publish(it Item) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.closed {
		return
	}
	for _, s := range st.subs {
		s.offer(it)
	}
}

func (st *stream) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return
	}
	st.closed = true
	for _, s := range st.subs {
		close(s.c)
	}
}

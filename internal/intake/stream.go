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
	Attempt *relay.Result
	// Missed is how many items this subscriber lost, its buffer being full,
	// just before this one.
	Missed int
}

// Subscription follows the intake's items in the order they happened.
type Subscription struct {
	c      chan Item
	mu     sync.Mutex
	missed int // lost since the last item handed over
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

// offer hands it over, or counts it lost when the buffer is full.
func (s *Subscription) offer(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it.Missed = s.missed
	select {
	case s.c <- it:
		s.missed = 0
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

func (st *stream) subscribe(buffer int) *Subscription {
	s := &Subscription{c: make(chan Item, max(buffer, 1))}
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

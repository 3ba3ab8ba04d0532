package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The pinned load generator is a raw HTTP/1.1 keep-alive client: each
// connection writes a request formatted in advance, reads the answer and goes
// on. net/http and signing as it sent capped it at 40 000-46 000 requests/s
// on one CPU, below what the bare handler answers (wrk: 67 000/s).

const (
	// rawRateCeiling is above the highest rate any server reached here (wrk
	// on the bare handler, about 67 000/s): events are made for that rate
	// over the run, and 20% more.
	rawRateCeiling = 80000
	// rawMaxEvents bounds the events made in advance (about 1.1 KB each).
	rawMaxEvents = 1500000
)

// petAdopted is a pet.adopted event of about 900 bytes (fixtures/pet.adopted.json
// with the fields a shelter's system would add), compact, with a final newline.
func petAdopted(id string) []byte {
	return []byte(`{"id":"` + id + `","eventType":"pet.adopted","timestamp":"2026-11-23T12:00:00Z","data":{` +
		`"pet":{"id":"pet_9ViCMJI9zkIejkk5","name":"Biscuit","species":"DOG","breed":"Labrador Retriever mix","status":"ADOPTED",` +
		`"sex":"MALE","ageMonths":26,"weightKg":27.4,"color":"yellow","microchipId":"985112004512345","neutered":true,` +
		`"vaccinations":[{"name":"rabies","date":"2026-03-14"},{"name":"DHPP","date":"2026-03-14"},{"name":"bordetella","date":"2026-09-02"}],` +
		`"tags":["good-with-kids","house-trained","leash-trained"]},` +
		`"adopter":{"id":"usr_5TidLABMM92YuEwj","name":"Maya Okafor","email":"maya.okafor@example.com","phone":"+1-503-555-0142",` +
		`"address":{"line1":"1824 SE Clinton St","city":"Portland","region":"OR","postalCode":"97202","country":"US"}},` +
		`"shelter":{"id":"shl_2","name":"Riverside Animal Shelter"},"adoptionDate":"2026-11-23",` +
		`"fee":{"amount":150.00,"currency":"USD"}}}` + "\n")
}

// eventIDPrefix starts the ids of a process's events.
func eventIDPrefix() string {
	return fmt.Sprintf("evt_bench_%d_%d_", os.Getpid(), time.Now().UnixNano())
}

// sign returns the X-Petstore-Signature of body.
func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// rawRequests are n POST requests to u, each a distinct signed pet.adopted
// event, formatted in one buffer: request i is buf[end[i-1]:end[i]].
type rawRequests struct {
	buf  []byte
	end  []int
	next atomic.Int64
}

func makeRawRequests(u *url.URL, n int) *rawRequests {
	// ids no other run gives: listen marks a repeated id as a duplicate,
	// which a user's traffic seldom has.
	prefix := eventIDPrefix()
	head := "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: "
	size := len(head) + len(petAdopted(prefix+"0000000")) + 100
	r := &rawRequests{buf: make([]byte, 0, n*size), end: make([]int, n)}
	m := hmac.New(sha256.New, []byte(secret))
	var sum [sha256.Size]byte
	for i := range n {
		body := petAdopted(prefix + strconv.Itoa(i))
		m.Reset()
		m.Write(body)
		r.buf = append(r.buf, head...)
		r.buf = strconv.AppendInt(r.buf, int64(len(body)), 10)
		r.buf = append(r.buf, "\r\nX-Petstore-Signature: sha256="...)
		r.buf = hex.AppendEncode(r.buf, m.Sum(sum[:0]))
		r.buf = append(r.buf, "\r\n\r\n"...)
		r.buf = append(r.buf, body...)
		r.end[i] = len(r.buf)
	}
	return r
}

// take returns the next request, or false when all have been taken.
func (r *rawRequests) take() ([]byte, bool) {
	i := int(r.next.Add(1)) - 1
	if i >= len(r.end) {
		return nil, false
	}
	from := 0
	if i > 0 {
		from = r.end[i-1]
	}
	return r.buf[from:r.end[i]], true
}

type rawConn struct {
	c net.Conn
	r *bufio.Reader
}

var errRanOut = errors.New("ran out of events made in advance")

// rawLoad sends requests on every connection until the clock passes until,
// then lets each finish the request it is on. It counts 2xx answers and
// others; an answer it cannot read as Content-Length HTTP/1.1 on a kept
// connection is an error.
func rawLoad(conns []*rawConn, reqs *rawRequests, until time.Time) (ok, other int64, err error) {
	var okN, otherN atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(until) {
				req, more := reqs.take()
				if !more {
					mu.Lock()
					errs = append(errs, errRanOut)
					mu.Unlock()
					return
				}
				status, err := c.roundTrip(req)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if status/100 == 2 {
					okN.Add(1)
				} else {
					otherN.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		if errors.Is(errs[0], errRanOut) {
			return 0, 0, fmt.Errorf("%w (%d) on %d connection(s): raise rawRateCeiling in tools/bench/raw.go, never reuse an id", errRanOut, len(reqs.end), len(errs))
		}
		return 0, 0, fmt.Errorf("%d of %d connections failed, the first: %w", len(errs), len(conns), errs[0])
	}
	return okN.Load(), otherN.Load(), nil
}

// roundTrip writes req and reads the answer: its status line, headers and a
// Content-Length body, which it discards.
func (c *rawConn) roundTrip(req []byte) (int, error) {
	if _, err := c.c.Write(req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, fmt.Errorf("reading the status line: %w", err)
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("not an HTTP/1.1 status line: %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("status line %q: %w", line, err)
	}
	length := -1
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, fmt.Errorf("reading the headers: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, fmt.Errorf("header %q", line)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, fmt.Errorf("answer with %q: this client reads Content-Length bodies only", line)
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			return 0, fmt.Errorf("the server closes the connection (%q) after a %d", line, status)
		}
	}
	if length < 0 {
		if status != 204 && status != 304 {
			return 0, fmt.Errorf("a %d answer without Content-Length", status)
		}
		length = 0
	}
	if _, err := c.r.Discard(length); err != nil {
		return 0, fmt.Errorf("reading a body of %d bytes: %w", length, err)
	}
	return status, nil
}

// loadChild is `bench -load URL CONNS WARMUP DURATION`, the load generator
// run as a process of its own (under taskset): it makes its events, warms up,
// says "measuring" on stderr, loads, and prints "OK OTHER SECONDS".
func loadChild(args []string) error {
	u, err := url.Parse(args[0])
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	warm, err := time.ParseDuration(args[2])
	if err != nil {
		return err
	}
	d, err := time.ParseDuration(args[3])
	if err != nil {
		return err
	}
	events := int(rawRateCeiling * (warm + d).Seconds() * 1.2)
	if events > rawMaxEvents {
		fmt.Fprintf(os.Stderr, "bench -load: %d events made in advance, enough for %.0f/s; a faster run fails\n",
			rawMaxEvents, rawMaxEvents/(warm+d).Seconds())
		events = rawMaxEvents
	}
	reqs := makeRawRequests(u, events)
	conns := make([]*rawConn, n)
	for i := range conns {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			return err
		}
		defer c.Close()
		conns[i] = &rawConn{c: c, r: bufio.NewReader(c)}
	}
	if _, _, err := rawLoad(conns, reqs, time.Now().Add(warm)); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	fmt.Fprintln(os.Stderr, "measuring")
	start := time.Now()
	ok, other, err := rawLoad(conns, reqs, start.Add(d))
	if err != nil {
		return err
	}
	fmt.Printf("%d %d %f\n", ok, other, time.Since(start).Seconds())
	return nil
}

package event

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"io"
	"sync"
	"time"
)

// last is the millisecond and counter of the latest id, so that the next
// one made in the same millisecond sorts after it.
var last struct {
	sync.Mutex
	ms      uint64
	counter uint64
}

// counterBits is the width of the counter that follows the timestamp: the
// 12 bits of rand_a and the top 30 of rand_b (RFC 9562, 6.2, method 1).
const counterBits = 42

// NewUUIDv7 returns a version 7 UUID (RFC 9562): 48 bits of now's Unix
// milliseconds, a 42-bit counter, then 32 random bits. Ids sort by time, and
// ids made one after another in the same millisecond sort in the order they
// were made: the counter starts at a random value below half its range when
// the millisecond changes and goes up by one for each further id in it. The
// id takes the time it is given, even one earlier than the latest id's.
func NewUUIDv7(now time.Time) string {
	var random [12]byte
	_, _ = rand.Read(random[:]) // never fails (crypto/rand documents it)
	ms := uint64(now.UnixMilli())
	fresh := freshCounter(random)
	counter := fresh
	last.Lock()
	if ms == last.ms && last.counter+1 < 1<<counterBits {
		last.counter++
		counter = last.counter
	} else {
		last.ms, last.counter = ms, fresh
	}
	last.Unlock()
	return formatUUIDv7(ms, counter, random)
}

// uuidFrom is a version 7 UUID whose random bits are read from r, with no
// counter shared with other ids: the same bytes make the same id.
func uuidFrom(now time.Time, r io.Reader) string {
	var random [12]byte
	_, _ = io.ReadFull(r, random[:])
	return formatUUIDv7(uint64(now.UnixMilli()), freshCounter(random), random)
}

// freshCounter is where the counter starts in a new millisecond: below
// half its range, to leave room to count up.
func freshCounter(random [12]byte) uint64 {
	return binary.BigEndian.Uint64(random[:8]) >> (64 - counterBits + 1)
}

func formatUUIDv7(ms, counter uint64, random [12]byte) string {
	var u [16]byte
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x70 | byte(counter>>38)&0x0f // version 7, counter bits 41-38
	u[7] = byte(counter >> 30)
	u[8] = 0x80 | byte(counter>>24)&0x3f // variant 10, counter bits 29-24
	u[9] = byte(counter >> 16)
	u[10] = byte(counter >> 8)
	u[11] = byte(counter)
	copy(u[12:], random[8:])
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

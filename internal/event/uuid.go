package event

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// NewUUIDv7 returns a version 7 UUID (RFC 9562): 48 bits of Unix milliseconds,
// then random bits, so ids sort by creation time.
func NewUUIDv7(now time.Time) string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // never fails (crypto/rand documents it)
	ms := uint64(now.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
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

package signature

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PetstoreHeader carries the Petstore API's signature.
const PetstoreHeader = "X-Petstore-Signature"

// bodyScheme signs the raw body alone with HMAC-SHA256 keyed with the
// secret's raw bytes, into one header: prefix and the digest in hex, or in
// base64.
type bodyScheme struct {
	name   string
	header string
	prefix string // "sha256=" or ""
	base64 bool
}

var (
	petstore = bodyScheme{name: "petstore", header: PetstoreHeader, prefix: "sha256="}
	github   = bodyScheme{name: "github", header: "X-Hub-Signature-256", prefix: "sha256="}
	shopify  = bodyScheme{name: "shopify", header: "X-Shopify-Hmac-Sha256", base64: true}
)

func newHex(o Options) Scheme {
	return bodyScheme{name: "hex", header: http.CanonicalHeaderKey(o.Header)}
}

func (s bodyScheme) Name() string           { return s.name }
func (s bodyScheme) Headers() Headers       { return Headers{Signature: s.header} }
func (bodyScheme) CheckSecret(string) error { return nil }

func (s bodyScheme) Sign(p Payload, secrets ...string) (http.Header, error) {
	secret, err := oneSecret(s.name, secrets)
	if err != nil {
		return nil, err
	}
	sum := hmacSHA256([]byte(secret), p.Body)
	encoded := hex.EncodeToString(sum)
	if s.base64 {
		encoded = base64.StdEncoding.EncodeToString(sum)
	}
	h := http.Header{}
	h.Set(s.header, s.prefix+encoded)
	return h, nil
}

func (s bodyScheme) Verify(h http.Header, body []byte, secrets []string, _ time.Time) error {
	if len(secrets) == 0 {
		return errNoSecret()
	}
	value, err := singleValue(h, s.header)
	if err != nil {
		return err
	}
	got, err := s.parse(value)
	if err != nil {
		return err
	}
	for _, secret := range secrets {
		if hmac.Equal(got, hmacSHA256([]byte(secret), body)) {
			return nil
		}
	}
	return errMismatch(len(secrets))
}

// parse decodes the header's value into the digest.
func (s bodyScheme) parse(value string) ([]byte, error) {
	value = strings.TrimSpace(value)
	if s.prefix != "" {
		algo, digest, ok := strings.Cut(value, "=")
		if !ok {
			return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want %s<hex>", s.header, s.prefix)
		}
		if !strings.EqualFold(algo+"=", s.prefix) {
			return nil, verifyErrorf(ReasonUnknownAlgorithm, "%s uses unknown algorithm %q: want sha256", s.header, truncate(algo, 20))
		}
		value = digest
	}
	if s.base64 {
		sum, err := base64.StdEncoding.DecodeString(value)
		if err != nil || len(sum) != sha256.Size {
			return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want the base64 of a 32-byte HMAC-SHA256", s.header)
		}
		return sum, nil
	}
	sum, err := decodeHexDigest(value, s.prefix)
	if err != nil {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: %v", s.header, err)
	}
	return sum, nil
}

// decodeHexDigest decodes a 32-byte digest in hex; prefix is what came before
// it, for the error.
func decodeHexDigest(s, prefix string) ([]byte, error) {
	if len(s) != 2*sha256.Size {
		after := ""
		if prefix != "" {
			after = " after " + prefix
		}
		return nil, errors.New("want 64 hex digits" + after + ", got " + strconv.Itoa(len(s)) + " characters")
	}
	sum, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("digest is not hex")
	}
	return sum, nil
}

func hmacSHA256(key []byte, parts ...[]byte) []byte {
	pool := keyedMACs(key)
	m := pool.Get().(hash.Hash)
	m.Reset()
	for _, p := range parts {
		m.Write(p)
	}
	sum := m.Sum(nil)
	pool.Put(m)
	return sum
}

// maxKeyedMACs bounds how many secrets keep HMACs for reuse: a listen or
// trigger run has a few, and an emulator with more webhooks than this
// keys a new HMAC for each of the others.
const maxKeyedMACs = 64

// macs holds, per secret, HMACs already keyed with it: keying one hashes
// two blocks, as much work as the HMAC of a small event.
var macs struct {
	sync.Mutex
	pools map[string]*sync.Pool
}

func keyedMACs(key []byte) *sync.Pool {
	macs.Lock()
	defer macs.Unlock()
	if p, ok := macs.pools[string(key)]; ok {
		return p
	}
	k := bytes.Clone(key)
	p := &sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}
	if macs.pools == nil {
		macs.pools = map[string]*sync.Pool{}
	}
	if len(macs.pools) < maxKeyedMACs {
		macs.pools[string(k)] = p
	}
	return p
}

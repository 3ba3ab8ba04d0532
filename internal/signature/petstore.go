package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// PetstoreHeader carries the Petstore API's signature.
const PetstoreHeader = "X-Petstore-Signature"

// Petstore is the Petstore API's scheme: "sha256=" and the lowercase hex
// HMAC-SHA256 of the raw body, keyed with the secret's raw bytes.
var Petstore Scheme = petstoreScheme{}

type petstoreScheme struct{}

func (petstoreScheme) Name() string { return "petstore" }

func (petstoreScheme) Sign(p Payload, secret string) (http.Header, error) {
	h := http.Header{}
	h.Set(PetstoreHeader, "sha256="+hex.EncodeToString(hmacSHA256([]byte(secret), p.Body)))
	return h, nil
}

func (petstoreScheme) Verify(h http.Header, body []byte, secrets []string, _ time.Time) error {
	if len(secrets) == 0 {
		return verifyErrorf(ReasonNoSecret, "no secret configured to verify with")
	}
	values := h.Values(PetstoreHeader)
	if len(values) == 0 {
		return verifyErrorf(ReasonMissing, "%s header missing", PetstoreHeader)
	}
	if len(values) > 1 {
		return verifyErrorf(ReasonMalformed, "%s header sent %d times", PetstoreHeader, len(values))
	}
	got, err := ParsePetstoreHeader(values[0])
	if err != nil {
		return err
	}
	for _, s := range secrets {
		if hmac.Equal(got, hmacSHA256([]byte(s), body)) {
			return nil
		}
	}
	return verifyErrorf(ReasonMismatch, "signature does not match %s", secretsPhrase(len(secrets)))
}

// ParsePetstoreHeader decodes "sha256=<64 hex digits>" into the digest.
func ParsePetstoreHeader(value string) ([]byte, error) {
	value = strings.TrimSpace(value)
	algo, digest, ok := strings.Cut(value, "=")
	if !ok {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want sha256=<hex>", PetstoreHeader)
	}
	if !strings.EqualFold(algo, "sha256") {
		return nil, verifyErrorf(ReasonUnknownAlgorithm, "%s uses unknown algorithm %q: want sha256", PetstoreHeader, truncate(algo, 20))
	}
	if len(digest) != 2*sha256.Size {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want 64 hex digits after sha256=, got %d characters", PetstoreHeader, len(digest))
	}
	sum, err := hex.DecodeString(digest)
	if err != nil {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: digest is not hex", PetstoreHeader)
	}
	return sum, nil
}

func hmacSHA256(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return m.Sum(nil)
}

func secretsPhrase(n int) string {
	if n == 1 {
		return "the secret"
	}
	return "any of the " + strconv.Itoa(n) + " secrets"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Package signature signs and verifies webhook payloads. Each provider's way of
// signing is a Scheme; callers pick one by name and never see its header format.
package signature

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// Payload is what a scheme signs: the raw body, plus the id and time that
// timestamped schemes put into their signed content.
type Payload struct {
	Body      []byte
	ID        string
	Timestamp time.Time
}

// Scheme is one provider's signature format.
type Scheme interface {
	Name() string
	// Sign returns the headers that carry the payload's signature.
	Sign(p Payload, secret string) (http.Header, error)
	// Verify checks the request's headers against its raw body, accepting a
	// signature made with any of the secrets. It returns a *VerifyError.
	Verify(h http.Header, body []byte, secrets []string, now time.Time) error
}

// Reason says, in a word a script can match, why verification failed.
type Reason string

const (
	ReasonMissing          Reason = "missing"
	ReasonMalformed        Reason = "malformed"
	ReasonUnknownAlgorithm Reason = "unknown_algorithm"
	ReasonMismatch         Reason = "mismatch"
	ReasonNoSecret         Reason = "no_secret"
)

// VerifyError is a failed verification with a reason a person can act on.
type VerifyError struct {
	Reason  Reason
	Message string
}

func (e *VerifyError) Error() string { return e.Message }

func verifyErrorf(r Reason, format string, args ...any) *VerifyError {
	return &VerifyError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// ReasonOf returns the reason of a verification error, or "" for nil.
func ReasonOf(err error) Reason {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// NewSecret returns a new webhook secret: "whsec_" and 24 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

var schemes = map[string]Scheme{
	Petstore.Name(): Petstore,
}

// Lookup returns the scheme with the given name.
func Lookup(name string) (Scheme, error) {
	if s, ok := schemes[name]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("unknown signature scheme %q (known: %v)", name, Names())
}

// Names lists the known schemes, sorted.
func Names() []string {
	names := make([]string, 0, len(schemes))
	for n := range schemes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

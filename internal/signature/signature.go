// Package signature signs and verifies webhook payloads. Each provider's way of
// signing is a Scheme; callers pick one by name and never see its header format.
package signature

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
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
	// Headers names the headers the scheme reads and writes.
	Headers() Headers
	// CheckSecret says why a secret cannot be used with the scheme.
	CheckSecret(secret string) error
	// Sign returns the headers that carry the payload's signature, one
	// signature per secret where the scheme carries several, else one secret.
	Sign(p Payload, secrets ...string) (http.Header, error)
	// Verify checks the request's headers against its raw body, accepting a
	// signature made with any of the secrets. It returns a *VerifyError.
	Verify(h http.Header, body []byte, secrets []string, now time.Time) error
}

// Headers are the names of a scheme's headers; Timestamp and ID are empty
// for schemes that sign the body alone.
type Headers struct {
	Signature, Timestamp, ID string
}

// Options adjust a scheme.
type Options struct {
	// Tolerance is how far a timestamp may be from now, either way
	// (DefaultTolerance when zero).
	Tolerance time.Duration
	// Header names the hex scheme's header (DefaultHexHeader when empty).
	Header string
}

const (
	DefaultTolerance = 5 * time.Minute
	DefaultHexHeader = "X-Webhook-Signature"
)

// Reason says, in a word a script can match, why verification failed.
type Reason string

const (
	ReasonMissing          Reason = "missing"
	ReasonMalformed        Reason = "malformed"
	ReasonUnknownAlgorithm Reason = "unknown_algorithm"
	ReasonMismatch         Reason = "mismatch"
	ReasonNoSecret         Reason = "no_secret"
	ReasonBadSecret        Reason = "bad_secret"
	ReasonTooOld           Reason = "too_old"
	ReasonInFuture         Reason = "in_future"
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

// NewSecret returns a new webhook secret: "whsec_" and 24 random bytes in
// base64, which every scheme accepts.
func NewSecret() string {
	return "whsec_" + base64.StdEncoding.EncodeToString(randomBytes(24))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return b
}

// Petstore is the Petstore API's scheme with default options.
var Petstore = must(New("petstore", Options{}))

var constructors = map[string]func(Options) Scheme{
	"petstore": func(Options) Scheme { return petstore },
	"github":   func(Options) Scheme { return github },
	"shopify":  func(Options) Scheme { return shopify },
	"hex":      newHex,
	"stripe":   newStripe,
	"standard": newStandard,
	"slack":    newSlack,
}

// New returns the scheme with the given name.
func New(name string, o Options) (Scheme, error) {
	c, ok := constructors[name]
	if !ok {
		return nil, fmt.Errorf("unknown signature scheme %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTolerance
	}
	if o.Header == "" {
		o.Header = DefaultHexHeader
	}
	return c(o), nil
}

// NewList returns the schemes with the given names, each once.
func NewList(names []string, o Options) ([]Scheme, error) {
	var list []Scheme
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		s, err := New(n, o)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	if len(list) == 0 {
		return nil, errors.New("no signature scheme given")
	}
	return list, nil
}

func must(s Scheme, err error) Scheme {
	if err != nil {
		panic(err)
	}
	return s
}

// Names lists the known schemes, sorted.
func Names() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HeaderNames are the names of the headers every scheme reads and writes,
// with default options.
func HeaderNames() []string {
	var names []string
	for _, n := range Names() {
		s, _ := New(n, Options{})
		for _, h := range []string{s.Headers().Signature, s.Headers().Timestamp, s.Headers().ID} {
			if h != "" && !slices.Contains(names, h) {
				names = append(names, h)
			}
		}
	}
	return names
}

// VerifyAny verifies with the first of the schemes whose signature header the
// request carries, and returns it. When none verifies it returns the error of
// the first scheme whose header was there, or, when no header was, one that
// names them all.
func VerifyAny(schemes []Scheme, h http.Header, body []byte, secrets []string, now time.Time) (Scheme, error) {
	var first error
	for _, s := range schemes {
		err := s.Verify(h, body, secrets, now)
		if err == nil {
			return s, nil
		}
		if first == nil && ReasonOf(err) != ReasonMissing {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	if len(schemes) == 1 {
		return nil, schemes[0].Verify(h, body, secrets, now)
	}
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = s.Headers().Signature
	}
	return nil, verifyErrorf(ReasonMissing, "no signature header: want one of %s", strings.Join(names, ", "))
}

// CheckSecrets checks every secret against every scheme.
func CheckSecrets(schemes []Scheme, secrets []string) error {
	for _, s := range schemes {
		for _, secret := range secrets {
			if err := s.CheckSecret(secret); err != nil {
				return err
			}
		}
	}
	return nil
}

func errNoSecret() error {
	return verifyErrorf(ReasonNoSecret, "no secret configured to verify with")
}

func errMismatch(secrets int) error {
	phrase := "the secret"
	if secrets > 1 {
		phrase = "any of the " + strconv.Itoa(secrets) + " secrets"
	}
	return verifyErrorf(ReasonMismatch, "signature does not match %s", phrase)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// oneSecret returns the only secret of a scheme that carries one signature.
func oneSecret(scheme string, secrets []string) (string, error) {
	if len(secrets) != 1 {
		return "", fmt.Errorf("the %s scheme carries one signature: sign with one secret, not %d", scheme, len(secrets))
	}
	return secrets[0], nil
}

// singleValues returns the one value of each named header, which the request
// must carry once each.
func singleValues(h http.Header, names ...string) ([]string, error) {
	values := make([]string, len(names))
	for i, name := range names {
		v, err := singleValue(h, name)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	return values, nil
}

// singleValue returns the one value of a header the request must carry once.
func singleValue(h http.Header, name string) (string, error) {
	values := h.Values(name)
	switch len(values) {
	case 0:
		return "", verifyErrorf(ReasonMissing, "%s header missing", name)
	case 1:
		return strings.TrimSpace(values[0]), nil
	}
	return "", verifyErrorf(ReasonMalformed, "%s header sent %d times", name, len(values))
}

// checkTimestamp parses a Unix time in seconds and checks it is within
// tolerance of now, either way.
func checkTimestamp(header, value string, now time.Time, tolerance time.Duration) error {
	ts, err := parseUnix(value)
	if err != nil {
		return verifyErrorf(ReasonMalformed, "%s header malformed: want Unix seconds, got %q", header, truncate(value, 20))
	}
	// Times, not durations, are compared: a duration between far-apart
	// times saturates, and a saturated negative one cannot be negated.
	switch {
	case ts.Before(now.Add(-tolerance)):
		return verifyErrorf(ReasonTooOld, "timestamp too old: %s is %s before now, more than the %s tolerance", header, now.Sub(ts).Truncate(time.Second), tolerance)
	case ts.After(now.Add(tolerance)):
		return verifyErrorf(ReasonInFuture, "timestamp in the future: %s is %s after now, more than the %s tolerance", header, ts.Sub(now).Truncate(time.Second), tolerance)
	}
	return nil
}

func parseUnix(s string) (time.Time, error) {
	if s == "" || len(s) > 12 {
		return time.Time{}, errors.New("not Unix seconds")
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return time.Time{}, errors.New("not Unix seconds")
		}
		n = n*10 + int64(c-'0')
	}
	return time.Unix(n, 0), nil
}

func unixString(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

var errNoSigningSecret = errors.New("no secret to sign with")

package signature

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Stripe's scheme: Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...], each
// v1 the HMAC-SHA256 of "<t>.<body>" keyed with the secret's raw bytes.
type stripeScheme struct{ tolerance time.Duration }

const stripeHeader = "Stripe-Signature"

func newStripe(o Options) Scheme { return stripeScheme{o.Tolerance} }

func (stripeScheme) Name() string             { return "stripe" }
func (stripeScheme) Headers() Headers         { return Headers{Signature: stripeHeader} }
func (stripeScheme) CheckSecret(string) error { return nil }

func (stripeScheme) Sign(p Payload, secrets ...string) (http.Header, error) {
	if len(secrets) == 0 {
		return nil, errNoSigningSecret
	}
	ts := unixString(p.Timestamp)
	parts := []string{"t=" + ts}
	for _, s := range secrets {
		parts = append(parts, "v1="+hex.EncodeToString(hmacSHA256([]byte(s), []byte(ts+"."), p.Body)))
	}
	h := http.Header{}
	h.Set(stripeHeader, strings.Join(parts, ","))
	return h, nil
}

func (s stripeScheme) Verify(h http.Header, body []byte, secrets []string, now time.Time) error {
	if len(secrets) == 0 {
		return errNoSecret()
	}
	value, err := singleValue(h, stripeHeader)
	if err != nil {
		return err
	}
	ts, sigs, err := ParseStripeHeader(value)
	if err != nil {
		return err
	}
	if !anyMatches(sigs, secrets, func(secret []byte) []byte { return hmacSHA256(secret, []byte(ts+"."), body) }) {
		return errMismatch(len(secrets))
	}
	return checkTimestamp(stripeHeader+" t", ts, now, s.tolerance)
}

// ParseStripeHeader returns the timestamp and the v1 digests of a
// Stripe-Signature value; other keys (v0, a future v2) are skipped.
func ParseStripeHeader(value string) (ts string, sigs [][]byte, err error) {
	for _, item := range strings.Split(value, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sum, err := decodeHexDigest(v, "v1=")
			if err != nil {
				return "", nil, verifyErrorf(ReasonMalformed, "%s header malformed: %v", stripeHeader, err)
			}
			sigs = append(sigs, sum)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", nil, verifyErrorf(ReasonMalformed, "%s header malformed: want t=<unix>,v1=<hex>", stripeHeader)
	}
	return ts, sigs, nil
}

// The Standard Webhooks scheme (also Svix's): webhook-id, webhook-timestamp
// and webhook-signature: "v1,<base64>" entries separated by spaces, each the
// HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the secret's bytes: the
// base64 after "whsec_".
type standardScheme struct{ tolerance time.Duration }

var standardHeaders = Headers{Signature: "Webhook-Signature", Timestamp: "Webhook-Timestamp", ID: "Webhook-Id"}
var svixHeaders = Headers{Signature: "Svix-Signature", Timestamp: "Svix-Timestamp", ID: "Svix-Id"}

func newStandard(o Options) Scheme { return standardScheme{o.Tolerance} }

func (standardScheme) Name() string     { return "standard" }
func (standardScheme) Headers() Headers { return standardHeaders }

func (standardScheme) CheckSecret(secret string) error {
	_, err := standardKey(secret)
	return err
}

// standardKey decodes a Standard Webhooks secret: optional "whsec_", then base64.
func standardKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return nil, &VerifyError{Reason: ReasonBadSecret, Message: "secret is not a Standard Webhooks secret: want whsec_ followed by base64"}
	}
	return key, nil
}

func (standardScheme) Sign(p Payload, secrets ...string) (http.Header, error) {
	if len(secrets) == 0 {
		return nil, errNoSigningSecret
	}
	id := p.ID
	if !headerSafe(id) {
		// An id a header cannot carry as it is (empty, padded, with control
		// characters) would give a signature no receiver can verify.
		id = "msg_" + hex.EncodeToString(randomBytes(12))
	}
	ts := unixString(p.Timestamp)
	var sigs []string
	for _, s := range secrets {
		key, err := standardKey(s)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(hmacSHA256(key, []byte(id+"."+ts+"."), p.Body)))
	}
	h := http.Header{}
	h.Set(standardHeaders.ID, id)
	h.Set(standardHeaders.Timestamp, ts)
	h.Set(standardHeaders.Signature, strings.Join(sigs, " "))
	return h, nil
}

func (s standardScheme) Verify(h http.Header, body []byte, secrets []string, now time.Time) error {
	if len(secrets) == 0 {
		return errNoSecret()
	}
	names := standardHeaders
	if h.Get(names.Signature) == "" && h.Get(svixHeaders.Signature) != "" {
		names = svixHeaders
	}
	values, err := singleValues(h, names.Signature, names.ID, names.Timestamp)
	if err != nil {
		return err
	}
	id, ts := values[1], values[2]
	sigs, err := ParseStandardSignatures(values[0])
	if err != nil {
		return err
	}
	keys := make([]string, len(secrets))
	for i, secret := range secrets {
		key, err := standardKey(secret)
		if err != nil {
			return err
		}
		keys[i] = string(key)
	}
	if !anyMatches(sigs, keys, func(key []byte) []byte { return hmacSHA256(key, []byte(id+"."+ts+"."), body) }) {
		return errMismatch(len(secrets))
	}
	return checkTimestamp(names.Timestamp, ts, now, s.tolerance)
}

// headerSafe reports whether s arrives as it is in a header value: not
// empty, no control characters, no space at either end.
func headerSafe(s string) bool {
	return s != "" && s == strings.TrimSpace(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// ParseStandardSignatures returns the v1 digests of a webhook-signature
// value; entries of other versions (v1a, asymmetric) are skipped.
func ParseStandardSignatures(value string) ([][]byte, error) {
	var sigs [][]byte
	for _, entry := range strings.Fields(value) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok {
			return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want v1,<base64> entries separated by spaces", standardHeaders.Signature)
		}
		if version != "v1" {
			continue
		}
		sum, err := base64.StdEncoding.DecodeString(sig)
		if err != nil || len(sum) != 32 {
			return nil, verifyErrorf(ReasonMalformed, "%s header malformed: a v1 signature is not the base64 of a 32-byte HMAC-SHA256", standardHeaders.Signature)
		}
		sigs = append(sigs, sum)
	}
	if len(sigs) == 0 {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: no v1 signature", standardHeaders.Signature)
	}
	return sigs, nil
}

// Slack's scheme: X-Slack-Signature: v0=<hex>, the HMAC-SHA256 of
// "v0:<timestamp>:<body>", with X-Slack-Request-Timestamp.
type slackScheme struct{ tolerance time.Duration }

var slackHeaders = Headers{Signature: "X-Slack-Signature", Timestamp: "X-Slack-Request-Timestamp"}

func newSlack(o Options) Scheme { return slackScheme{o.Tolerance} }

func (slackScheme) Name() string             { return "slack" }
func (slackScheme) Headers() Headers         { return slackHeaders }
func (slackScheme) CheckSecret(string) error { return nil }

func (slackScheme) Sign(p Payload, secrets ...string) (http.Header, error) {
	secret, err := oneSecret("slack", secrets)
	if err != nil {
		return nil, err
	}
	ts := unixString(p.Timestamp)
	h := http.Header{}
	h.Set(slackHeaders.Timestamp, ts)
	h.Set(slackHeaders.Signature, "v0="+hex.EncodeToString(hmacSHA256([]byte(secret), []byte("v0:"+ts+":"), p.Body)))
	return h, nil
}

func (s slackScheme) Verify(h http.Header, body []byte, secrets []string, now time.Time) error {
	if len(secrets) == 0 {
		return errNoSecret()
	}
	values, err := singleValues(h, slackHeaders.Signature, slackHeaders.Timestamp)
	if err != nil {
		return err
	}
	ts := values[1]
	sig, err := ParseSlackSignature(values[0])
	if err != nil {
		return err
	}
	if !anyMatches([][]byte{sig}, secrets, func(secret []byte) []byte { return hmacSHA256(secret, []byte("v0:"+ts+":"), body) }) {
		return errMismatch(len(secrets))
	}
	return checkTimestamp(slackHeaders.Timestamp, ts, now, s.tolerance)
}

// ParseSlackSignature decodes "v0=<hex>" into the digest.
func ParseSlackSignature(value string) ([]byte, error) {
	version, digest, ok := strings.Cut(value, "=")
	if !ok || version != "v0" {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: want v0=<hex>", slackHeaders.Signature)
	}
	sum, err := decodeHexDigest(digest, "v0=")
	if err != nil {
		return nil, verifyErrorf(ReasonMalformed, "%s header malformed: %v", slackHeaders.Signature, err)
	}
	return sum, nil
}

// anyMatches reports whether one of sigs is what mac computes for one of keys.
func anyMatches(sigs [][]byte, keys []string, mac func(key []byte) []byte) bool {
	for _, k := range keys {
		want := mac([]byte(k))
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return true
			}
		}
	}
	return false
}

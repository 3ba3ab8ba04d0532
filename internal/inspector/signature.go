package inspector

import (
	"strconv"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

type signatureJSON struct {
	Verification string `json:"verification"`
	Scheme       string `json:"scheme"`
	Reason       string `json:"reason"`
	// Expected is the start of what the first secret in force signs this
	// body as: enough to compare with what came, never enough to forge.
	Expected string `json:"expected,omitempty"`
	Header   string `json:"header"`
}

// schemeOf is the scheme a request was verified with, else the first one
// in force; nil when there is none.
func (s *Server) schemeOf(r *store.Request) signature.Scheme {
	name := r.Scheme
	for _, sc := range s.cfg.Schemes {
		if sc.Name() == name {
			return sc
		}
	}
	if name != "" {
		if sc, err := signature.New(name, signature.Options{}); err == nil {
			return sc
		}
	}
	if len(s.cfg.Schemes) > 0 {
		return s.cfg.Schemes[0]
	}
	return nil
}

func (s *Server) signatureOf(r *store.Request) signatureJSON {
	sig := signatureJSON{Verification: r.Verification, Scheme: r.Scheme, Reason: r.Reason}
	scheme := s.schemeOf(r)
	if scheme == nil {
		return sig
	}
	if sig.Scheme == "" {
		sig.Scheme = scheme.Name()
	}
	sig.Header = scheme.Headers().Signature
	if len(s.cfg.Secrets) > 0 && r.BodySize <= len(r.Body) {
		sig.Expected = expectedSignature(scheme, r, s.cfg.Secrets[0])
	}
	return sig
}

// expectedSignature is the start of what secret signs r's body as with
// scheme, at the time and with the id its headers carry; "" when they do
// not carry what the scheme signs.
func expectedSignature(scheme signature.Scheme, r *store.Request, secret string) string {
	names := scheme.Headers()
	p := signature.Payload{Body: r.Body}
	if names.ID != "" {
		if p.ID = r.Header.Get(names.ID); p.ID == "" {
			return ""
		}
	}
	var ts string
	switch {
	case names.Timestamp != "":
		ts = r.Header.Get(names.Timestamp)
	case scheme.Name() == "stripe": // the time is in the signature header
		ts, _, _ = signature.ParseStripeHeader(r.Header.Get(names.Signature))
	}
	if names.Timestamp != "" || scheme.Name() == "stripe" {
		unix, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return ""
		}
		p.Timestamp = time.Unix(unix, 0)
	}
	signed, err := scheme.Sign(p, secret)
	if err != nil {
		return ""
	}
	return cutDigest(signed.Get(names.Signature))
}

// cutDigest keeps a signature value up to the first 12 characters of its
// digest (the first run of at least 16 hex or base64 characters), and "…".
func cutDigest(v string) string {
	run := 0
	for i := 0; i < len(v); i++ {
		if !digestChar(v[i]) {
			run = 0
			continue
		}
		run++
		if run == 16 {
			return v[:i-15+12] + "…"
		}
	}
	return "" // no digest: show nothing rather than a whole secret-derived value
}

func digestChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '+' || c == '/' || c == '-' || c == '_'
}

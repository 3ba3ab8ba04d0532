package inspector

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// maxReplayRequest bounds a replay's request: a body as large as listen
// takes by default, as JSON text (escapes make it longer), and the rest.
const maxReplayRequest = 8 << 20

type replayRequest struct {
	To     string  `json:"to"`
	Body   *string `json:"body"`
	Sign   string  `json:"sign"` // original, secret or as-is
	Scheme string  `json:"scheme"`
	Secret string  `json:"secret"`
}

type replayJSON struct {
	To              string               `json:"to"`
	Status          int                  `json:"status"`
	LatencyMs       float64              `json:"latencyMs"`
	Error           string               `json:"error"`
	Response        string               `json:"response"`
	ResponseHeaders []render.HeaderField `json:"responseHeaders"`
	SentSha256      string               `json:"sentSha256"`
	SignedWith      string               `json:"signedWith"`
}

const (
	signOriginal = "original"
	signSecret   = "secret"
	signAsIs     = "as-is"
)

// serveReplay sends a recorded request again, once, through the relay: as
// it came, or with a new body, signed again or not signed. The attempt is
// not recorded.
func (s *Server) serveReplay(w http.ResponseWriter, r *http.Request) {
	req, ok := s.request(w, r)
	if !ok {
		return
	}
	var rr replayRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReplayRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rr); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a replay's request is at most %d MiB", maxReplayRequest>>20))
			return
		}
		writeError(w, http.StatusBadRequest, `want {"to":"…","body":"…","sign":"original|secret|as-is","scheme":"…","secret":"…"}: `+err.Error())
		return
	}
	out, cfg, signedWith, err := s.replayOf(&req, rr)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	t, err := s.destination(rr.To)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	cfg.Targets = []relay.Target{t} // a target named by its Name is sent to its URL
	rl := relay.New(cfg)
	res := rl.JudgeFinal(out, store.Forward{}, rl.Send(r.Context(), out, t.Name()))
	sum := sha256.Sum256(out.Body)
	answer := replayJSON{To: t.Name(), Status: res.Attempt.Status, LatencyMs: latencyMs(res.Attempt.Latency), Error: res.Attempt.Error,
		Response: string(res.Attempt.Response), ResponseHeaders: []render.HeaderField{}, SentSha256: hex.EncodeToString(sum[:]), SignedWith: signedWith}
	if res.Response != nil {
		answer.ResponseHeaders = render.HeaderFields(res.Response.Header)
	}
	writeJSON(w, http.StatusOK, answer)
}

// replayOf is the copy of req to send and the relay's config to send it
// with, as rr asks, and the scheme it is signed with ("" for none).
func (s *Server) replayOf(req *store.Request, rr replayRequest) (*store.Request, relay.Config, string, error) {
	cfg := s.cfg.Relay
	cfg.Now = s.cfg.Now
	cfg.ForwardSecret, cfg.ForwardScheme = "", nil
	out := *req
	out.Header = req.Header.Clone()
	if rr.Body != nil {
		out.Body, out.BodySize = []byte(*rr.Body), 0
		env, _ := event.ParseEnvelope(out.Body) // an edited body need not be an event
		out.EventID = env.ID
	} else if req.BodySize > len(req.Body) {
		return nil, cfg, "", fmt.Errorf("only the first %d of the %d bytes of request %d's body were kept: give a body to send", len(req.Body), req.BodySize, req.ID)
	}
	sign := rr.Sign
	if sign == "" {
		sign = signOriginal
		if rr.Body != nil {
			sign = signSecret
		}
	}
	if sign != signSecret && (rr.Scheme != "" || rr.Secret != "") {
		return nil, cfg, "", fmt.Errorf("scheme and secret go with sign %q", signSecret)
	}
	switch sign {
	case signOriginal:
		return &out, cfg, "", nil
	case signAsIs, signSecret:
	default:
		return nil, cfg, "", fmt.Errorf("sign: want %s, %s or %s", signOriginal, signSecret, signAsIs)
	}
	signatureHeaders := signature.HeaderNames()
	for name := range out.Header {
		if slices.ContainsFunc(signatureHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
			delete(out.Header, name)
		}
	}
	if sign == signAsIs {
		return &out, cfg, "", nil
	}
	scheme, secret, err := s.signer(rr)
	if err != nil {
		return nil, cfg, "", err
	}
	cfg.ForwardSecret, cfg.ForwardScheme = secret, scheme
	return &out, cfg, scheme.Name(), nil
}

// signer is the scheme and secret a replay is signed with: those the
// request names, else listen's forward secret and scheme, else its first
// secret and scheme.
func (s *Server) signer(rr replayRequest) (signature.Scheme, string, error) {
	scheme, secret := s.cfg.Relay.ForwardScheme, s.cfg.Relay.ForwardSecret
	if secret == "" {
		scheme = nil
		if len(s.cfg.Secrets) > 0 {
			secret = s.cfg.Secrets[0]
		}
	}
	if scheme == nil && len(s.cfg.Schemes) > 0 {
		scheme = s.cfg.Schemes[0]
	}
	if rr.Secret != "" {
		secret = rr.Secret
	}
	if rr.Scheme != "" {
		scheme = nil
		for _, sc := range s.cfg.Schemes {
			if sc.Name() == rr.Scheme {
				scheme = sc
			}
		}
		if scheme == nil {
			var err error
			if scheme, err = signature.New(rr.Scheme, signature.Options{}); err != nil {
				return nil, "", fmt.Errorf("scheme: %v", err)
			}
		}
	}
	if scheme == nil {
		scheme = signature.Petstore
	}
	if secret == "" {
		return nil, "", fmt.Errorf("no secret is in force to sign with: give one, or send the body as-is")
	}
	if err := scheme.CheckSecret(secret); err != nil {
		return nil, "", fmt.Errorf("the secret does not suit the %s scheme: %v", scheme.Name(), err)
	}
	return scheme, secret, nil
}

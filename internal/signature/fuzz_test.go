package signature

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

var fuzzNow = time.Unix(1700000000, 0)

// FuzzVerifyEveryScheme gives every scheme's headers random values: each
// scheme answers a *VerifyError with a reason and a printable one-line
// message of bounded length, and accepts only a signature bound to the body.
func FuzzVerifyEveryScheme(f *testing.F) {
	stripe, _ := must(New("stripe", Options{})).Sign(Payload{Body: []byte("{}"), Timestamp: fuzzNow}, "k")
	standard, _ := must(New("standard", Options{})).Sign(Payload{Body: []byte("{}"), ID: "msg_1", Timestamp: fuzzNow}, "whsec_aw==")
	slack, _ := must(New("slack", Options{})).Sign(Payload{Body: []byte("{}"), Timestamp: fuzzNow}, "k")
	petstoreSig, _ := Petstore.Sign(Payload{Body: []byte("{}")}, "k")
	for _, s := range []struct{ sig, ts, id, body, secret string }{
		{stripe.Get(stripeHeader), "1700000000", "", "{}", "k"},
		{standard.Get("Webhook-Signature"), "1700000000", "msg_1", "{}", "whsec_aw=="},
		{slack.Get("X-Slack-Signature"), "1700000000", "", "{}", "k"},
		{petstoreSig.Get(PetstoreHeader), "", "", "{}", "k"},
		{"sha256=" + "00", "17e8", "\x1b[2J", "", ""},
		{"SHA256=\x1b]0;title\x07", "99999999999999999999", "id\nforged", "x", "whsec_"},
		{"v1,\u009b v1a,x", "-1", "", "", "not base64!"},
		{"t=1700000000,v1=zz,v1=" + "ab", "", "", "", "k"},
		{"v0=" + string(make([]byte, 64)), "1700000000", "", "", "k"},
	} {
		f.Add(s.sig, s.ts, s.id, []byte(s.body), s.secret, false)
		f.Add(s.sig, s.ts, s.id, []byte(s.body), s.secret, true)
	}
	f.Fuzz(func(t *testing.T, sig, ts, id string, body []byte, secret string, svix bool) {
		for _, name := range Names() {
			s := must(New(name, Options{}))
			names := s.Headers()
			if svix && name == "standard" {
				names = svixHeaders
			}
			h := http.Header{}
			h.Set(names.Signature, sig)
			if names.Timestamp != "" {
				h.Set(names.Timestamp, ts)
			}
			if names.ID != "" {
				h.Set(names.ID, id)
			}
			err := s.Verify(h, body, []string{secret}, fuzzNow)
			if err == nil {
				err := s.Verify(h, append(body, '!'), []string{secret}, fuzzNow)
				if ReasonOf(err) != ReasonMismatch {
					t.Fatalf("%s: verified %q for the body %q and for it with a byte more: %v", name, sig, body, err)
				}
				continue
			}
			if ReasonOf(err) == "" {
				t.Fatalf("%s: an error without a reason: %v", name, err)
			}
			msg := err.Error()
			if len(msg) > 300 {
				t.Fatalf("%s: a %d-byte message", name, len(msg))
			}
			for _, r := range msg {
				if unicode.IsControl(r) {
					t.Fatalf("%s: control character %q in %q", name, r, msg)
				}
			}
		}
	})
}

// FuzzSignThenVerify: what a scheme signs, it verifies at the same time, and
// not for another body.
func FuzzSignThenVerify(f *testing.F) {
	for _, s := range []struct {
		body, secret, id string
		ts               int64
	}{
		{"{}", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1700000000},
		{"", "k", "", 0},
		{"\x00\xff", "whsec_aw==", "evt_ü", -1},
		{"x", "a", "big", 1 << 40},
		{"x", "whsec_aw==", " padded ", 1700000000},
		{"x", "whsec_aw==", "a\nb", 1700000000},
	} {
		f.Add([]byte(s.body), s.secret, s.id, s.ts)
	}
	f.Fuzz(func(t *testing.T, body []byte, secret, id string, ts int64) {
		now := time.Unix(ts, 0)
		for _, name := range Names() {
			s := must(New(name, Options{}))
			if s.CheckSecret(secret) != nil {
				continue
			}
			h, err := s.Sign(Payload{Body: body, ID: id, Timestamp: now}, secret)
			if err != nil {
				t.Fatalf("%s: Sign with a secret CheckSecret accepts: %v", name, err)
			}
			if ts < 0 || ts > 999999999999 {
				continue // no Unix time a header carries
			}
			if err := s.Verify(h, body, []string{secret}, now); err != nil {
				t.Fatalf("%s: does not verify its own signature (id %q, t %d): %v", name, id, ts, err)
			}
			if err := s.Verify(h, append(body, '!'), []string{secret}, now); ReasonOf(err) != ReasonMismatch {
				t.Fatalf("%s: verified a signature for another body: %v", name, err)
			}
		}
	})
}

// An event id a header cannot carry as it is gets a fresh one, so that the
// signature verifies where it arrives (a padded id was trimmed there).
func TestStandardSignReplacesAnIDNoHeaderCarries(t *testing.T) {
	s := must(New("standard", Options{}))
	for _, id := range []string{" evt_1", "evt_1\n", "a\x1bb"} {
		h, err := s.Sign(Payload{Body: []byte("{}"), ID: id, Timestamp: fuzzNow}, "whsec_aw==")
		if err != nil || !strings.HasPrefix(h.Get("Webhook-Id"), "msg_") {
			t.Fatalf("id %q: %v %v", id, h, err)
		}
		if err := s.Verify(h, []byte("{}"), []string{"whsec_aw=="}, fuzzNow); err != nil {
			t.Fatalf("id %q: %v", id, err)
		}
	}
}

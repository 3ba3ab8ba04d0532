package signature

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

var vectorTime = time.Unix(1614265330, 0)

// The vectors published in ../shared/petstore-api.md.
func TestPublishedVectors(t *testing.T) {
	slackBody := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	tests := []struct {
		scheme, secret, body, id string
		ts                       time.Time
		header, want             string
	}{
		{"github", "It's a Secret to Everybody", "Hello, World!", "", vectorTime, "X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
		{"petstore", "It's a Secret to Everybody", "Hello, World!", "", vectorTime, PetstoreHeader, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
		{"standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", `{"test": 2432232314}`, "msg_p5jXN8AQM9LWM0D4loKWxJek", vectorTime, "Webhook-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
		{"slack", "8f742231b10e8888abcd99yyyzzz85a5", slackBody, "", time.Unix(1531420618, 0), "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			s := must(New(tt.scheme, Options{}))
			h, err := s.Sign(Payload{Body: []byte(tt.body), ID: tt.id, Timestamp: tt.ts}, tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Get(tt.header); got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.header, got, tt.want)
			}
			if err := s.Verify(h, []byte(tt.body), []string{tt.secret}, tt.ts.Add(time.Minute)); err != nil {
				t.Fatalf("the vector does not verify: %v", err)
			}
		})
	}
}

// Every scheme: what it signs verifies; a changed body, timestamp or secret
// does not, each for the right reason.
func TestSchemesRejectTampering(t *testing.T) {
	body := []byte(`{"id":"evt_1","eventType":"pet.adopted"}`)
	now := time.Unix(1700000000, 0)
	const secret, other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_dGhlIG90aGVyIHNlY3JldA=="
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			s := must(New(name, Options{}))
			h, err := s.Sign(Payload{Body: body, ID: "msg_1", Timestamp: now}, secret)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(h, body, []string{secret}, now); err != nil {
				t.Fatalf("own signature rejected: %v", err)
			}
			if got := ReasonOf(s.Verify(h, append(body, ' '), []string{secret}, now)); got != ReasonMismatch {
				t.Errorf("changed body: reason %q, want mismatch", got)
			}
			if got := ReasonOf(s.Verify(h, body, []string{other}, now)); got != ReasonMismatch {
				t.Errorf("other secret: reason %q, want mismatch", got)
			}
			if err := s.Verify(h, body, []string{other, secret}, now); err != nil {
				t.Errorf("rotation, second secret: %v", err)
			}
			if s.Headers().Timestamp == "" && name != "stripe" {
				return
			}
			later, _ := s.Sign(Payload{Body: body, ID: "msg_1", Timestamp: now.Add(time.Second)}, secret)
			tampered := h.Clone()
			if name == "stripe" {
				tampered.Set(stripeHeader, strings.Replace(h.Get(stripeHeader), "t=1700000000", "t=1700000001", 1))
			} else {
				tampered.Set(s.Headers().Timestamp, later.Get(s.Headers().Timestamp))
			}
			if got := ReasonOf(s.Verify(tampered, body, []string{secret}, now)); got != ReasonMismatch {
				t.Errorf("changed timestamp: reason %q, want mismatch", got)
			}
			if got := ReasonOf(s.Verify(h, body, []string{secret}, now.Add(6*time.Minute))); got != ReasonTooOld {
				t.Errorf("6 minutes later: reason %q, want too_old", got)
			}
			if got := ReasonOf(s.Verify(h, body, []string{secret}, now.Add(-6*time.Minute))); got != ReasonInFuture {
				t.Errorf("6 minutes earlier: reason %q, want in_future", got)
			}
			if err := s.Verify(h, body, []string{secret}, now.Add(4*time.Minute)); err != nil {
				t.Errorf("4 minutes later, within tolerance: %v", err)
			}
		})
	}
}

func TestTolerance(t *testing.T) {
	s := must(New("slack", Options{Tolerance: 30 * time.Second}))
	now := time.Unix(1700000000, 0)
	h, _ := s.Sign(Payload{Body: []byte("x"), Timestamp: now}, "k")
	err := s.Verify(h, []byte("x"), []string{"k"}, now.Add(90*time.Second))
	want := "timestamp too old: X-Slack-Request-Timestamp is 1m30s before now, more than the 30s tolerance"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	err = s.Verify(h, []byte("x"), []string{"k"}, now.Add(-time.Hour))
	want = "timestamp in the future: X-Slack-Request-Timestamp is 1h0m0s after now, more than the 30s tolerance"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// Several signatures in one header: Stripe's repeated v1 and Standard
// Webhooks' list, made while a secret is being rolled.
func TestSignaturesOfSeveralSecrets(t *testing.T) {
	body, now := []byte("{}"), time.Unix(1700000000, 0)
	for _, name := range []string{"stripe", "standard"} {
		s := must(New(name, Options{}))
		h, err := s.Sign(Payload{Body: body, Timestamp: now}, "whsec_b2xk", "whsec_bmV3")
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"whsec_b2xk", "whsec_bmV3"} {
			if err := s.Verify(h, body, []string{secret}, now); err != nil {
				t.Errorf("%s: %s alone: %v", name, secret, err)
			}
		}
		if got := ReasonOf(s.Verify(h, body, []string{"whsec_dGhpcmQ="}, now)); got != ReasonMismatch {
			t.Errorf("%s: a third secret: reason %q", name, got)
		}
	}
	if got := signatureHeader(t, "stripe", "whsec_b2xk", "whsec_bmV3"); !strings.Contains(got, ",v1=") || strings.Count(got, "v1=") != 2 {
		t.Errorf("Stripe-Signature = %q, want two v1", got)
	}
	if _, err := Petstore.Sign(Payload{Body: body}, "a", "b"); err == nil || err.Error() != "the petstore scheme carries one signature: sign with one secret, not 2" {
		t.Errorf("petstore with two secrets: %v", err)
	}
}

// signatureHeader is the signature header a scheme makes for "{}" with secrets.
func signatureHeader(t *testing.T, scheme string, secrets ...string) string {
	t.Helper()
	s := must(New(scheme, Options{}))
	hdr, err := s.Sign(Payload{Body: []byte("{}"), Timestamp: time.Unix(1, 0)}, secrets...)
	if err != nil {
		t.Fatal(err)
	}
	return hdr.Get(s.Headers().Signature)
}

func TestStandardSecretsAndSvixHeaders(t *testing.T) {
	s := must(New("standard", Options{}))
	if err := s.CheckSecret("whsec_not base64!"); err == nil || ReasonOf(err) != ReasonBadSecret ||
		err.Error() != "secret is not a Standard Webhooks secret: want whsec_ followed by base64" {
		t.Fatalf("CheckSecret = %v", err)
	}
	if _, err := s.Sign(Payload{Body: []byte("{}")}, "whsec_%%%"); err == nil {
		t.Fatal("signed with a malformed secret")
	}
	// Svix's header names, and a secret without its prefix.
	now := time.Unix(1614265330, 0)
	h := http.Header{"Svix-Id": {"msg_p5jXN8AQM9LWM0D4loKWxJek"}, "Svix-Timestamp": {"1614265330"},
		"Svix-Signature": {"v1a,ignored v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}}
	if err := s.Verify(h, []byte(`{"test": 2432232314}`), []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, now); err != nil {
		t.Fatalf("svix headers: %v", err)
	}
	h.Del("Svix-Id")
	if err := s.Verify(h, []byte(`{"test": 2432232314}`), []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, now); ReasonOf(err) != ReasonMissing || err.Error() != "Svix-Id header missing" {
		t.Fatalf("no id: %v", err)
	}
}

func TestHexSchemeHeader(t *testing.T) {
	s := must(New("hex", Options{Header: "x-my-signature"}))
	h, _ := s.Sign(Payload{Body: []byte("Hello, World!")}, "It's a Secret to Everybody")
	if got := h.Get("X-My-Signature"); got != "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" {
		t.Fatalf("X-My-Signature = %q", got)
	}
	if got := must(New("hex", Options{})).Headers().Signature; got != "X-Webhook-Signature" {
		t.Fatalf("default header %q", got)
	}
}

func TestVerifyAny(t *testing.T) {
	list, err := NewList([]string{"github", "stripe", "github"}, Options{})
	if err != nil || len(list) != 2 {
		t.Fatalf("NewList = %v, %v", list, err)
	}
	now := time.Unix(1700000000, 0)
	h, _ := list[1].Sign(Payload{Body: []byte("{}"), Timestamp: now}, "k")
	if s, err := VerifyAny(list, h, []byte("{}"), []string{"k"}, now); err != nil || s.Name() != "stripe" {
		t.Fatalf("VerifyAny = %v, %v", s, err)
	}
	if _, err := VerifyAny(list, h, []byte("{!}"), []string{"k"}, now); ReasonOf(err) != ReasonMismatch {
		t.Fatalf("tampered: %v", err)
	}
	_, err = VerifyAny(list, http.Header{}, []byte("{}"), []string{"k"}, now)
	if err == nil || err.Error() != "no signature header: want one of X-Hub-Signature-256, Stripe-Signature" {
		t.Fatalf("none: %v", err)
	}
}

func TestStripeHeaderErrors(t *testing.T) {
	for v, want := range map[string]string{
		"v1=" + strings.Repeat("a", 64): "Stripe-Signature header malformed: want t=<unix>,v1=<hex>",
		"t=1,v0=abc":                    "Stripe-Signature header malformed: want t=<unix>,v1=<hex>",
		"t=1,v1=zz":                     "Stripe-Signature header malformed: want 64 hex digits after v1=, got 2 characters",
	} {
		if _, _, err := ParseStripeHeader(v); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", v, err, want)
		}
	}
	s := must(New("stripe", Options{}))
	h := http.Header{stripeHeader: {"t=abc,v1=" + strings.Repeat("a", 64)}}
	if err := s.Verify(h, nil, []string{"k"}, time.Now()); ReasonOf(err) != ReasonMismatch {
		t.Errorf("bad t: %v", err)
	}
}

func FuzzBodySchemeParse(f *testing.F) {
	for _, s := range []string{"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "sha1=x", "", "=", "sha256=", " sha256=zz", "dXNlcg==", "4bJKvMcQ1Tn2qkOEdl0PA0w8XYalzAUkR13hNRjzq1Q="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, s := range []bodyScheme{petstore, shopify, newHex(Options{Header: DefaultHexHeader}).(bodyScheme)} {
			sum, err := s.parse(v)
			if err == nil && len(sum) != 32 {
				t.Fatalf("%s accepted %q with a %d-byte digest", s.name, v, len(sum))
			}
			if err != nil && ReasonOf(err) == "" {
				t.Fatalf("error without a reason: %v", err)
			}
		}
	})
}

func FuzzParseStripeHeader(f *testing.F) {
	for _, s := range []string{"t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39", "", "t=", ",,,", "v1=,t=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ts, sigs, err := ParseStripeHeader(v)
		if err != nil {
			if ReasonOf(err) != ReasonMalformed {
				t.Fatalf("error without the malformed reason: %v", err)
			}
			return
		}
		if ts == "" || len(sigs) == 0 {
			t.Fatalf("accepted %q without t or v1", v)
		}
		for _, s := range sigs {
			if len(s) != 32 {
				t.Fatalf("accepted %q with a %d-byte digest", v, len(s))
			}
		}
	})
}

func FuzzParseStandardSignatures(f *testing.F) {
	for _, s := range []string{"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1a,x v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "", "v1,", ",", "v2,abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		sigs, err := ParseStandardSignatures(v)
		if err != nil {
			if ReasonOf(err) != ReasonMalformed {
				t.Fatalf("error without the malformed reason: %v", err)
			}
			return
		}
		for _, s := range sigs {
			if len(s) != 32 {
				t.Fatalf("accepted %q with a %d-byte digest", v, len(s))
			}
		}
	})
}

func FuzzParseSlackSignature(f *testing.F) {
	for _, s := range []string{"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "v0=", "v1=ab", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		sum, err := ParseSlackSignature(v)
		if err == nil && len(sum) != 32 {
			t.Fatalf("accepted %q with a %d-byte digest", v, len(sum))
		}
		if err != nil && ReasonOf(err) != ReasonMalformed {
			t.Fatalf("error without the malformed reason: %v", err)
		}
	})
}

func FuzzCheckTimestamp(f *testing.F) {
	for _, s := range []string{"1700000000", "", "-1", "99999999999999999999", "17e8", " 1"} {
		f.Add(s)
	}
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, v string) {
		err := checkTimestamp("T", v, now, time.Minute)
		if err != nil && ReasonOf(err) == "" {
			t.Fatalf("error without a reason: %v", err)
		}
		if err == nil && v != "1700000000" && !strings.HasPrefix(v, "17") && !strings.HasPrefix(v, "0") {
			t.Fatalf("accepted %q as within a minute of %d", v, now.Unix())
		}
	})
}

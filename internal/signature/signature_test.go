package signature

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// GitHub's published vector holds for the Petstore scheme too.
func TestPetstoreSignGitHubVector(t *testing.T) {
	h, err := Petstore.Sign(Payload{Body: []byte("Hello, World!")}, "It's a Secret to Everybody")
	if err != nil {
		t.Fatal(err)
	}
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := h.Get(PetstoreHeader); got != want {
		t.Fatalf("signature = %q, want %q", got, want)
	}
}

func TestPetstoreVerify(t *testing.T) {
	body := []byte(`{"id":"1","eventType":"pet.adopted"}`)
	signed := func(secret string) http.Header {
		h, _ := Petstore.Sign(Payload{Body: body}, secret)
		return h
	}
	header := func(v string) http.Header { return http.Header{PetstoreHeader: {v}} }
	valid := signed("whsec_current").Get(PetstoreHeader)

	tests := []struct {
		name    string
		header  http.Header
		body    []byte
		secrets []string
		reason  Reason
		message string
	}{
		{"valid", signed("whsec_current"), body, []string{"whsec_current"}, "", ""},
		{"previous secret during rotation", signed("whsec_old"), body, []string{"whsec_current", "whsec_old"}, "", ""},
		{"uppercase hex accepted", header("sha256=" + strings.ToUpper(valid[7:])), body, []string{"whsec_current"}, "", ""},
		{"surrounding space", header(" " + valid + " "), body, []string{"whsec_current"}, "", ""},
		{"missing header", http.Header{}, body, []string{"s"}, ReasonMissing, "X-Petstore-Signature header missing"},
		{"no secret", signed("s"), body, nil, ReasonNoSecret, "no secret configured to verify with"},
		{"no equals sign", header("abcdef"), body, []string{"s"}, ReasonMalformed, "X-Petstore-Signature header malformed: want sha256=<hex>"},
		{"unknown algorithm", header("sha1=abc"), body, []string{"s"}, ReasonUnknownAlgorithm, `X-Petstore-Signature uses unknown algorithm "sha1": want sha256`},
		{"short digest", header("sha256=abc"), body, []string{"s"}, ReasonMalformed, "X-Petstore-Signature header malformed: want 64 hex digits after sha256=, got 3 characters"},
		{"not hex", header("sha256=" + strings.Repeat("z", 64)), body, []string{"s"}, ReasonMalformed, "X-Petstore-Signature header malformed: digest is not hex"},
		{"sent twice", http.Header{PetstoreHeader: {valid, valid}}, body, []string{"whsec_current"}, ReasonMalformed, "X-Petstore-Signature header sent 2 times"},
		{"wrong secret", signed("whsec_other"), body, []string{"whsec_current"}, ReasonMismatch, "signature does not match the secret"},
		{"wrong secrets", signed("whsec_other"), body, []string{"a", "b"}, ReasonMismatch, "signature does not match any of the 2 secrets"},
		{"body changed by one byte", signed("whsec_current"), append([]byte(" "), body...), []string{"whsec_current"}, ReasonMismatch, "signature does not match the secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Petstore.Verify(tt.header, tt.body, tt.secrets, time.Now())
			if got := ReasonOf(err); got != tt.reason {
				t.Fatalf("reason = %q, want %q (err %v)", got, tt.reason, err)
			}
			if err != nil && err.Error() != tt.message {
				t.Fatalf("message = %q, want %q", err.Error(), tt.message)
			}
		})
	}
}

func TestVerifyErrorNeverContainsSecret(t *testing.T) {
	h, _ := Petstore.Sign(Payload{Body: []byte("x")}, "whsec_visible")
	err := Petstore.Verify(h, []byte("y"), []string{"whsec_topsecret"}, time.Now())
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("err = %v", err)
	}
}

func TestNew(t *testing.T) {
	for _, name := range Names() {
		if s, err := New(name, Options{}); err != nil || s.Name() != name {
			t.Fatalf("New(%s) = %v, %v", name, s, err)
		}
	}
	if _, err := New("nope", Options{}); err == nil || err.Error() != `unknown signature scheme "nope" (known: github, hex, petstore, shopify, slack, standard, stripe)` {
		t.Fatalf("New(nope) err = %v, want the known names", err)
	}
}

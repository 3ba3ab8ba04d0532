package signing

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// TestSignAndVerifyRenderings: Options → output, as a terminal and piped.
// sign prints the signature, verify says on stderr which scheme accepted
// it.
func TestSignAndVerifyRenderings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(file, []byte("Hello, World!"), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "It's a Secret to Everybody"
	standard, err := signature.New("standard", signature.Options{})
	if err != nil {
		t.Fatal(err)
	}
	github, _ := signature.New("github", signature.Options{})
	sign := func(o SignOptions) func(*cmdutil.Factory) error {
		return func(f *cmdutil.Factory) error {
			o.IO, o.Config, o.Now, o.File = f.IOStreams, f.Config, f.Now, file
			return signRun(context.Background(), &o)
		}
	}
	verify := func(o VerifyOptions) func(*cmdutil.Factory) error {
		return func(f *cmdutil.Factory) error {
			o.IO, o.Config, o.Now, o.File = f.IOStreams, f.Config, f.Now, file
			return verifyRun(context.Background(), &o)
		}
	}
	for name, run := range map[string]func(*cmdutil.Factory) error{
		"sign":              sign(SignOptions{Secrets: []string{secret}, Scheme: signature.Petstore}),
		"sign-standard":     sign(SignOptions{Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, Scheme: standard, ID: "msg_1", Timestamp: time.Unix(1614265330, 0)}),
		"verify":            verify(VerifyOptions{Secrets: []string{secret}, Schemes: []signature.Scheme{signature.Petstore}, Header: http.Header{"X-Petstore-Signature": {vectorSig}}}),
		"verify-of-several": verify(VerifyOptions{Secrets: []string{"new", secret}, Schemes: []signature.Scheme{github, signature.Petstore}, Header: http.Header{"X-Petstore-Signature": {vectorSig}}}),
	} {
		t.Run(name, func(t *testing.T) {
			if termErr, pipeErr := cmdtest.AssertRenderingsOf(t, name, nil, run); termErr != nil || pipeErr != nil {
				t.Fatal(termErr, pipeErr)
			}
		})
	}
	// PrintHeaders prints headers to paste into a request (curl -H): a
	// terminal gets them whole too, wider than 80 columns as they are.
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := sign(SignOptions{Secrets: []string{secret}, Scheme: signature.Petstore, PrintHeaders: true})(f); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "sign-print-headers", cmdtest.Rendered(s))
	}
}

package signing

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// TestSignAndVerifyRenderings: sign prints the signature (and with
// --print-headers every header of the scheme), verify says which scheme
// accepted it.
func TestSignAndVerifyRenderings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(file, []byte("Hello, World!"), 0o600); err != nil {
		t.Fatal(err)
	}
	sign := func(f *cmdutil.Factory) *cobra.Command { return NewCmdSign(f, nil) }
	verify := func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerify(f, nil) }
	const secret = "It's a Secret to Everybody"
	for name, run := range map[string]func() (error, error){
		"sign": func() (error, error) { return cmdtest.AssertRenderings(t, "sign", nil, sign, file, "--secret", secret) },
		"verify": func() (error, error) {
			return cmdtest.AssertRenderings(t, "verify", nil, verify, file, "--secret", secret, "--signature", vectorSig)
		},
	} {
		if termErr, pipeErr := run(); termErr != nil || pipeErr != nil {
			t.Errorf("%s: %v, %v", name, termErr, pipeErr)
		}
	}
	// --print-headers prints headers to paste into a request (curl -H): a
	// terminal gets them whole too, wider than 80 columns as they are.
	for _, terminal := range []bool{true, false} {
		f, s := cmdtest.Factory(t, nil)
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := cmdtest.Run(sign(f), file, "--secret", secret, "--print-headers"); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "sign-print-headers", cmdtest.Rendered(s))
	}
}

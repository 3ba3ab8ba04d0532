package cli

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// listen and events resend check the forward secret alike, in the same
// words: an empty --forward-secret once sent unsigned from resend, and
// --forward-scheme then claimed that no secret was given.
func TestForwardSecretChecksAreShared(t *testing.T) {
	commands := map[string][]string{
		"listen":        {"listen", "--no-history", "--forward-to", "3000"},
		"events resend": {"events", "resend", "1", "--to", "3000"},
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--forward-secret", ""}, "Error: --forward-secret is empty: give the secret, or leave the flag out to forward the signature headers as they came\n"},
		{[]string{"--forward-secret", "", "--forward-scheme", "github"}, "Error: --forward-secret is empty: give the secret, or leave the flag out to forward the signature headers as they came\n"},
		{[]string{"--forward-scheme", "github"}, "Error: --forward-scheme needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET\n"},
		{[]string{"--forward-signature-header", "X-Sig"}, "Error: --forward-signature-header needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET\n"},
	}
	for name, base := range commands {
		for _, tt := range tests {
			args := append(append([]string{}, base...), tt.args...)
			_, stderr, code := run(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_test"}, args...)
			want := tt.want + "Run 'petstore-webhooks " + name + " --help' for usage.\n"
			if code != cmdutil.ExitUsage || stderr != want {
				t.Errorf("%q: exit %d, stderr\n%s\nwant exit 2 and\n%s", args, code, stderr, want)
			}
		}
	}
}

// Without --forward-to, listen has nothing to sign for.
func TestListenForwardSchemeWithoutForwardTo(t *testing.T) {
	_, stderr, code := run(t, nil, "listen", "--no-history", "--forward-scheme", "github")
	if want := "Error: --forward-scheme goes with --forward-to\nRun 'petstore-webhooks listen --help' for usage.\n"; code != cmdutil.ExitUsage || stderr != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, stderr, want)
	}
}

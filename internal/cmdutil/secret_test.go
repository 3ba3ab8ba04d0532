package cmdutil

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// CheckForwardFlags is the one check of the flags that listen --forward-to
// and events resend share.
func TestCheckForwardFlags(t *testing.T) {
	for _, tt := range []struct {
		name       string
		args       []string
		env        string // $PETSTORE_FORWARD_SECRET
		wantSecret string
		wantScheme string
		wantHeader http.Header
		wantErr    string
	}{
		{name: "defaults", wantScheme: "petstore", wantHeader: http.Header{}},
		{name: "secret from the environment", env: "whsec_env", wantSecret: "whsec_env", wantScheme: "petstore", wantHeader: http.Header{}},
		{name: "flag over environment", args: []string{"--forward-secret", "s", "-H", "X-A: 1"}, env: "whsec_env", wantSecret: "s", wantScheme: "petstore",
			wantHeader: http.Header{"X-A": {"1"}}},
		{name: "scheme", args: []string{"--forward-secret", "whsec_YQ==", "--forward-scheme", "standard"}, wantSecret: "whsec_YQ==", wantScheme: "standard", wantHeader: http.Header{}},
		{name: "secret unfit for the scheme", args: []string{"--forward-secret", "not base64!", "--forward-scheme", "standard"},
			wantErr: "secret is not a Standard Webhooks secret: want whsec_ followed by base64"},
		{name: "scheme without a secret", args: []string{"--forward-scheme", "stripe"},
			wantErr: "--forward-scheme needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET"},
		{name: "unknown scheme", args: []string{"--forward-secret", "s", "--forward-scheme", "acme"},
			wantErr: `--forward-scheme: unknown signature scheme "acme" (known: github, hex, petstore, shopify, slack, standard, stripe)`},
		{name: "bad header", args: []string{"-H", "X-A"}, wantErr: `--header "X-A": want "Name: value"`},
		{name: "no timeout", args: []string{"--forward-timeout", "0s"}, wantErr: "--forward-timeout must be positive, got 0s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got Forwarding
			var headers []string
			var timeout time.Duration
			cmd := &cobra.Command{Use: "x", SilenceErrors: true, SilenceUsage: true}
			secret := AddForwardSecretFlags(cmd, "re-sign")
			scheme := AddSchemeFlags(cmd, SchemeFlagsFor{Prefix: "forward-"})
			cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, "")
			cmd.Flags().DurationVar(&timeout, "forward-timeout", 10*time.Second, "")
			ios, _, _, _ := iostreams.Test()
			cmd.RunE = func(cmd *cobra.Command, _ []string) (err error) {
				got, err = CheckForwardFlags(cmd, ios, func(string) string { return tt.env }, secret, scheme, headers, timeout)
				return err
			}
			cmd.SetArgs(append([]string{}, tt.args...))
			err := cmd.Execute()
			if tt.wantErr != "" {
				if CodeOf(err) != ExitUsage || err.Error() != tt.wantErr {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, CodeOf(err), tt.wantErr)
				}
				return
			}
			if err != nil || got.Secret != tt.wantSecret || got.Scheme.Name() != tt.wantScheme || !reflect.DeepEqual(got.Headers, tt.wantHeader) || got.Timeout != 10*time.Second {
				t.Fatalf("got %+v, %v; want secret %q, scheme %s, headers %v, timeout 10s", got, err, tt.wantSecret, tt.wantScheme, tt.wantHeader)
			}
		})
	}
}

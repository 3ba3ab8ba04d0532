package listen

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// The forward secret need not be on the command line, where ps shows it.
func TestForwardSecretFromEnvironmentOrFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret.txt")
	os.WriteFile(file, []byte("whsec_fromfile\r\nignored\n"), 0o600)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("\n"), 0o600)
	env := cmdtest.Env{cmdutil.ForwardSecretEnv: "whsec_fromenv"}
	tests := []struct {
		name    string
		env     cmdtest.Env
		args    []string
		want    string
		wantErr string
	}{
		{"environment", env, []string{"--forward-to", "3000"}, "whsec_fromenv", ""},
		{"environment with a scheme", env, []string{"--forward-to", "3000", "--forward-scheme", "github"}, "whsec_fromenv", ""},
		{"file", nil, []string{"--forward-to", "3000", "--forward-secret-file", file}, "whsec_fromfile", ""},
		{"file over environment", env, []string{"--forward-to", "3000", "--forward-secret-file", file}, "whsec_fromfile", ""},
		{"flag over environment", env, []string{"--forward-to", "3000", "--forward-secret", "whsec_flag"}, "whsec_flag", ""},
		{"environment without --forward-to", env, nil, "", ""},
		{"flag and file", nil, []string{"--forward-to", "3000", "--forward-secret", "s", "--forward-secret-file", file}, "", "choose one of --forward-secret and --forward-secret-file"},
		{"empty file", nil, []string{"--forward-to", "3000", "--forward-secret-file", empty}, "", "--forward-secret-file " + empty + ": its first line is empty"},
		{"file without --forward-to", nil, []string{"--forward-secret-file", file}, "", "--forward-secret-file goes with --forward-to"},
		{"scheme without any secret", nil, []string{"--forward-to", "3000", "--forward-scheme", "github"}, "", "--forward-scheme needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.Factory(t, tt.env)
			var got *Options
			err := cmdtest.Run(NewCmdListen(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				cmdtest.AssertUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil || got.ForwardSecret != tt.want {
				t.Fatalf("err = %v, forward secret %q, want %q", err, got.ForwardSecret, tt.want)
			}
		})
	}
}

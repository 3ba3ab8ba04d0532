package signing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

const vectorSig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

func TestSignGitHubVector(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--secret", "It's a Secret to Everybody"}, vectorSig + "\n"},
		{[]string{"-", "--secret", "It's a Secret to Everybody", "--header"}, "X-Petstore-Signature: " + vectorSig + "\n"},
	}
	for _, tt := range tests {
		f, s := cmdtest.Factory(t, nil)
		s.In.WriteString("Hello, World!")
		if err := cmdtest.Run(NewCmdSign(f, nil), tt.args...); err != nil {
			t.Fatal(err)
		}
		if s.Out.String() != tt.want {
			t.Fatalf("sign %v = %q, want %q", tt.args, s.Out, tt.want)
		}
	}
}

func TestSignFileWithConfiguredSecret(t *testing.T) {
	file := filepath.Join(t.TempDir(), "body")
	os.WriteFile(file, []byte("Hello, World!"), 0o644)
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "It's a Secret to Everybody"})
	if err := cmdtest.Run(NewCmdSign(f, nil), file); err != nil || s.Out.String() != vectorSig+"\n" {
		t.Fatalf("sign FILE = %q, %v", s.Out, err)
	}
}

func TestSignErrors(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	if err := cmdtest.Run(NewCmdSign(f, nil)); err != cmdutil.ErrNoSecret {
		t.Fatalf("no secret: %v", err)
	}
	err := cmdtest.Run(NewCmdSign(f, nil), filepath.Join(t.TempDir(), "missing"), "--secret", "s")
	if err == nil || !strings.HasSuffix(err.Error(), "missing: no such file or directory") {
		t.Fatalf("missing file: %v", err)
	}
	if err := cmdtest.Run(NewCmdSign(f, nil), "a", "b"); cmdutil.CodeOf(err) != cmdutil.ExitUsage {
		t.Fatalf("two files: %v", err)
	}
	f.IOStreams.SetTTY(true, false, false)
	err = cmdtest.Run(NewCmdSign(f, nil), "--secret", "s")
	cmdtest.AssertUsageError(t, err, "no input: name a FILE or pipe the payload into standard input")
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    cmdutil.ExitCode
		message string
	}{
		{"valid", []string{"--signature", vectorSig, "--secret", "It's a Secret to Everybody"}, 0, ""},
		{"valid with the old of two secrets", []string{"--signature", vectorSig, "--secret", "new", "--secret", "It's a Secret to Everybody"}, 0, ""},
		{"wrong secret", []string{"--signature", vectorSig, "--secret", "other"}, 1, "signature is not valid: signature does not match the secret"},
		{"malformed", []string{"--signature", "sha256=12", "--secret", "s"}, 1, "signature is not valid: X-Petstore-Signature header malformed: want 64 hex digits after sha256=, got 2 characters"},
		{"unknown algorithm", []string{"--signature", "md5=12", "--secret", "s"}, 1, `signature is not valid: X-Petstore-Signature uses unknown algorithm "md5": want sha256`},
		{"no --signature", []string{"--secret", "s"}, 2, "--signature is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, s := cmdtest.Factory(t, nil)
			s.In.WriteString("Hello, World!")
			err := cmdtest.Run(NewCmdVerify(f, nil), tt.args...)
			if code := cmdutil.CodeOf(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil && err.Error() != tt.message {
				t.Fatalf("message %q, want %q", err.Error(), tt.message)
			}
			if err == nil && s.Err.String() != "✓ signature is valid\n" {
				t.Fatalf("stderr %q", s.Err)
			}
			if strings.Contains(s.Out.String()+s.Err.String()+tt.message, "Everybody") {
				t.Fatal("a secret was printed")
			}
		})
	}
}

package signing

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
)

const standardBody = `{"test": 2432232314}`

const vectorSig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

func TestSignGitHubVector(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--secret", "It's a Secret to Everybody"}, vectorSig + "\n"},
		{[]string{"-", "--secret", "It's a Secret to Everybody", "--print-headers"}, "X-Petstore-Signature: " + vectorSig + "\n"},
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

// sign's --header printed header lines where -H/--header takes "Name: value"
// everywhere else: it is --print-headers now, and --header an alias that warns.
func TestSignPrintHeadersFlag(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		want       bool
		wantStderr string
	}{
		{nil, false, ""},
		{[]string{"--print-headers"}, true, ""},
		{[]string{"--header"}, true, "warning: --header is now --print-headers; the old name will go away\n"},
	} {
		f, s := cmdtest.Factory(t, nil)
		var got *SignOptions
		if err := cmdtest.Run(NewCmdSign(f, func(_ context.Context, o *SignOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatalf("sign %v: %v", tt.args, err)
		}
		if got.PrintHeaders != tt.want || s.Err.String() != tt.wantStderr {
			t.Errorf("sign %v: PrintHeaders %v, stderr %q; want %v, %q", tt.args, got.PrintHeaders, s.Err, tt.want, tt.wantStderr)
		}
	}
	f, _ := cmdtest.Factory(t, nil)
	if err := cmdtest.Run(NewCmdSign(f, nil), "-H", "X: y"); err == nil {
		t.Error("sign -H is accepted: it would read as --header, which sign does not take")
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
		body    string // "Hello, World!" when empty
	}{
		{"valid", []string{"--signature", vectorSig, "--secret", "It's a Secret to Everybody"}, 0, "", ""},
		{"valid with the old of two secrets", []string{"--signature", vectorSig, "--secret", "new", "--secret", "It's a Secret to Everybody"}, 0, "", ""},
		{"wrong secret", []string{"--signature", vectorSig, "--secret", "other"}, 1, "signature is not valid: signature does not match the secret", ""},
		{"malformed", []string{"--signature", "sha256=12", "--secret", "s"}, 1, "signature is not valid: X-Petstore-Signature header malformed: want 64 hex digits after sha256=, got 2 characters", ""},
		{"unknown algorithm", []string{"--signature", "md5=12", "--secret", "s"}, 1, `signature is not valid: X-Petstore-Signature uses unknown algorithm "md5": want sha256`, ""},
		{"no --signature", []string{"--secret", "s"}, 2, "give the signature with --signature, or the request's headers with -H", ""},
		{"standard vector", []string{"--scheme", "standard", "--signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "--timestamp", "1614265330",
			"--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--tolerance", "100000h", "-"}, 0, "", standardBody},
		{"standard vector, too old", []string{"--scheme", "standard", "-H", "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "-H", "webhook-timestamp: 1614265330",
			"-H", "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "-"}, 1,
			"signature is not valid: timestamp too old: Webhook-Timestamp is 33860h57m50s before now, more than the 5m0s tolerance", standardBody},
		{"standard, malformed secret", []string{"--scheme", "standard", "--signature", "v1,x", "--timestamp", "1", "--id", "m", "--secret", "whsec_!!"}, 2,
			"secret is not a Standard Webhooks secret: want whsec_ followed by base64", ""},
		{"several schemes and --signature", []string{"--scheme", "github,stripe", "--signature", "x", "--secret", "s"}, 2,
			"--signature, --timestamp and --id need one --scheme; with several, give headers with -H", ""},
		{"--timestamp with github", []string{"--scheme", "github", "--signature", "x", "--timestamp", "1", "--secret", "s"}, 2, "--timestamp does not go with the github scheme", ""},
		{"unknown scheme", []string{"--scheme", "acme", "--signature", "x", "--secret", "s"}, 2,
			`--scheme: unknown signature scheme "acme" (known: github, hex, petstore, shopify, slack, standard, stripe)`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := "Hello, World!"
			if tt.body != "" {
				stdin = tt.body
			}
			f, s := cmdtest.Factory(t, nil)
			s.In.WriteString(stdin)
			err := cmdtest.Run(NewCmdVerify(f, nil), tt.args...)
			if code := cmdutil.CodeOf(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil && err.Error() != tt.message {
				t.Fatalf("message %q, want %q", err.Error(), tt.message)
			}
			if err == nil && !strings.HasPrefix(s.Err.String(), "✓ signature is valid (") {
				t.Fatalf("stderr %q", s.Err)
			}
			if strings.Contains(s.Out.String()+s.Err.String()+tt.message, "Everybody") {
				t.Fatal("a secret was printed")
			}
		})
	}
}

// sign's output for each scheme: the published vectors, and values computed
// with openssl (printf '%s' "$CONTENT" | openssl dgst -sha256 -hmac KEY).
func TestSignSchemes(t *testing.T) {
	tests := []struct {
		args []string
		body string
		want string
	}{
		{[]string{"--scheme", "github", "--secret", "It's a Secret to Everybody"}, "Hello, World!", vectorSig + "\n"},
		{[]string{"--scheme", "hex", "--signature-header", "X-Sig", "--print-headers", "--secret", "It's a Secret to Everybody"}, "Hello, World!",
			"X-Sig: 757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n"},
		{[]string{"--scheme", "standard", "--print-headers", "--timestamp", "1614265330", "--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, standardBody,
			"Webhook-Id: msg_p5jXN8AQM9LWM0D4loKWxJek\nWebhook-Timestamp: 1614265330\nWebhook-Signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"},
		{[]string{"--scheme", "standard", "--timestamp", "2021-02-25T15:02:10Z", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, `{"id":"msg_p5jXN8AQM9LWM0D4loKWxJek","eventType":"pet.adopted"}`,
			"v1,2OQyaDHeD9ILOCw3y2qWWUoQpDzbf6yNfu/o4r92wus=\n"},
		{[]string{"--scheme", "stripe", "--timestamp", "1700000000", "--secret", "a", "--secret", "b"}, "{}",
			"t=1700000000,v1=eab98e46d6a7669b200bed581845cac2cf8e7917ea5943531e51b6b4afd6211d,v1=caa7156eafac5d0fa3c3417b5ece741bfa1e25c68d393d98c83d2b3bf4e43178\n"},
	}
	for _, tt := range tests {
		f, s := cmdtest.Factory(t, nil)
		s.In.WriteString(tt.body)
		if err := cmdtest.Run(NewCmdSign(f, nil), tt.args...); err != nil {
			t.Fatalf("sign %v: %v", tt.args, err)
		}
		if s.Out.String() != tt.want {
			t.Errorf("sign %v = %q, want %q", tt.args, s.Out, tt.want)
		}
	}
}

func TestSignSchemeErrors(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		message string
	}{
		{[]string{"--scheme", "slack", "--secret", "a", "--secret", "b"}, "the slack scheme carries one signature: sign with one secret, not 2"},
		{[]string{"--scheme", "standard", "--secret", "whsec_@"}, "secret is not a Standard Webhooks secret: want whsec_ followed by base64"},
		{[]string{"--timestamp", "yesterday", "--secret", "a"}, `--timestamp "yesterday": want Unix seconds or an RFC 3339 time`},
		{[]string{"--scheme", "github,stripe", "--secret", "a"}, "--scheme takes one scheme here, got 2"},
		{[]string{"--scheme", "hex", "--signature-header", "X Sig", "--secret", "a"}, `--signature-header "X Sig" is not a header name`},
		{[]string{"--scheme", "standard", "--secret", "whsec_YQ==", "--id", "a\x1b[2J"}, `--id "a\x1b[2J" cannot travel in a header: give one without control characters or surrounding spaces`},
		{[]string{"--scheme", "standard", "--secret", "whsec_YQ==", "--id", " evt_1"}, `--id " evt_1" cannot travel in a header: give one without control characters or surrounding spaces`},
	} {
		f, s := cmdtest.Factory(t, nil)
		s.In.WriteString("{}")
		cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdSign(f, nil), tt.args...), tt.message)
	}
}

// bigFile is a sparse file one byte over the input limit.
func bigFile(t *testing.T) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(name, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(name, inputfile.MaxSize+1); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestSignAndVerifyRefuseInputsOverTheLimit(t *testing.T) {
	big := bigFile(t)
	for _, tt := range []struct {
		name  string
		cmd   func(*cmdutil.Factory) *cobra.Command
		args  []string
		stdin int
		want  string
	}{
		{"sign FILE", func(f *cmdutil.Factory) *cobra.Command { return NewCmdSign(f, nil) }, []string{big, "--secret", "s"}, 0, big},
		{"sign stdin", func(f *cmdutil.Factory) *cobra.Command { return NewCmdSign(f, nil) }, []string{"-", "--secret", "s"}, inputfile.MaxSize + 1, "standard input"},
		{"verify FILE", func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerify(f, nil) }, []string{big, "--secret", "s", "--signature", vectorSig}, 0, big},
		{"verify stdin", func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerify(f, nil) }, []string{"--secret", "s", "--signature", vectorSig}, inputfile.MaxSize + 1, "standard input"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, s := cmdtest.Factory(t, nil)
			s.In.Write(make([]byte, tt.stdin))
			err := cmdtest.Run(tt.cmd(f), tt.args...)
			want := tt.want + " is larger than the 1 MiB limit on input files: use a smaller file"
			if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != want {
				t.Fatalf("err = %v (exit %d), want %q (exit 2)", err, cmdutil.CodeOf(err), want)
			}
		})
	}
}

func TestSignRefusesADirectory(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	dir := t.TempDir()
	err := cmdtest.Run(NewCmdSign(f, nil), dir, "--secret", "s")
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != dir+" is a directory: name a file" {
		t.Fatalf("err = %v", err)
	}
}

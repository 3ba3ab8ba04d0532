package configcmd

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// fixedPath is where the rendered config file lives, the same in every run.
const fixedPath = "/home/someone/.config/petstore-webhooks/config.yaml"

// Options → exact stdout and stderr, as a terminal and piped
// (testdata/<name>.terminal.golden and .piped.golden; -update rewrites).
func TestRenderings(t *testing.T) {
	env := cmdtest.Env{"PETSTORE_API_BASE": "https://user:pass@api.example.com/v1/a/very/long/path/that/does/not/fit/on/one/line",
		"PETSTORE_WEBHOOK_SECRET": "whsec_0123456789abcdef", "PETSTORE_FIXTURES_DIR": "/home/someone/projects/petstore/fixtures\x1b[2J"}
	fixed := func() (*config.Config, error) { return config.Load(fixedPath) }
	// inTemp is a config file of its own for a run that writes one.
	inTemp := func() func() (*config.Config, error) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		return func() (*config.Config, error) { return config.Load(path) }
	}
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		env     cmdtest.Env
		run     func(f *cmdutil.Factory) error
		wantErr string
	}{
		{"list", env, func(f *cmdutil.Factory) error {
			return listRun(ctx, &ListOptions{IO: f.IOStreams, Config: fixed, Format: "human"})
		}, ""},
		{"list-reveal", env, func(f *cmdutil.Factory) error {
			return listRun(ctx, &ListOptions{IO: f.IOStreams, Config: fixed, Reveal: true, Format: "human"})
		}, ""},
		{"get-secret", env, func(f *cmdutil.Factory) error {
			return getRun(ctx, &GetOptions{IO: f.IOStreams, Config: fixed, Setting: setting("webhook_secret")})
		}, ""},
		{"get-unset", env, func(f *cmdutil.Factory) error {
			return getRun(ctx, &GetOptions{IO: f.IOStreams, Config: fixed, Setting: setting("api_key")})
		}, "api_key is not set"},
		{"path", nil, func(f *cmdutil.Factory) error {
			return pathRun(ctx, &PathOptions{IO: f.IOStreams, Config: fixed})
		}, ""},
		{"set-under-env", env, func(f *cmdutil.Factory) error {
			return setRun(ctx, &SetOptions{IO: f.IOStreams, Config: inTemp(), Setting: setting("api_base"), Value: "http://127.0.0.1:4010/v1"})
		}, ""},
		{"set", nil, func(f *cmdutil.Factory) error {
			return setRun(ctx, &SetOptions{IO: f.IOStreams, Config: inTemp(), Setting: setting("api_key"), Value: "tok_123"})
		}, ""},
		{"unset", nil, func(f *cmdutil.Factory) error {
			return unsetRun(ctx, &UnsetOptions{IO: f.IOStreams, Config: inTemp(), Setting: setting("api_key")})
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			termErr, pipeErr := cmdtest.AssertRenderingsOf(t, tt.name, tt.env, tt.run)
			for _, err := range []error{termErr, pipeErr} {
				if got := errString(err); got != tt.wantErr {
					t.Errorf("err = %q, want %q", got, tt.wantErr)
				}
			}
		})
	}
}

// --format json is one array, the same on a terminal and piped, with each
// setting's source and secrets masked.
func TestListJSON(t *testing.T) {
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_KEY": "tok_0123456789abcdef"})
	f.IOStreams.SetTTY(false, true, true)
	if err := listRun(context.Background(), &ListOptions{IO: f.IOStreams, Config: func() (*config.Config, error) { return config.Load(fixedPath) }, Format: "json"}); err != nil {
		t.Fatal(err)
	}
	want := `[{"key":"webhook_secret","value":"","source":""},{"key":"api_key","value":"tok_****cdef","source":"env"},` +
		`{"key":"api_base","value":"https://api.petstoreapi.com/v1","source":"default"},{"key":"fixtures_dir","value":"","source":""},` +
		`{"key":"listen_addr","value":"127.0.0.1:8080","source":"default"}]` + "\n"
	if s.Out.String() != want || s.Err.Len() > 0 {
		t.Fatalf("stdout %s\nstderr %q", s.Out, s.Err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// set writes the file with mode 0600, keeps its other keys and never the
// environment's values; unset removes the key only.
func TestSetAndUnsetWriteTheFile(t *testing.T) {
	cmdtest.Factory(t, cmdtest.Env{"PETSTORE_WEBHOOK_SECRET": "whsec_fromenv0123456789"})
	path := filepath.Join(t.TempDir(), "config.yaml")
	load := func() (*config.Config, error) { return config.Load(path) }
	ctx := context.Background()
	if err := setRun(ctx, &SetOptions{Config: load, Setting: setting("api_key"), Value: "tok_123"}); err != nil {
		t.Fatal(err)
	}
	if err := setRun(ctx, &SetOptions{Config: load, Setting: setting("fixtures_dir"), Value: "/tmp/fx"}); err != nil {
		t.Fatal(err)
	}
	if err := unsetRun(ctx, &UnsetOptions{Config: load, Setting: setting("api_key")}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil || string(raw) != "fixtures_dir: /tmp/fx\n" {
		t.Fatalf("file %q, %v", raw, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
}

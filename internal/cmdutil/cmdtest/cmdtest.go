// Package cmdtest builds Factories for command tests: buffers for streams,
// a config file in a temporary directory, a fixed clock.
package cmdtest

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// Now is the test clock's time.
var Now = time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)

// Env is a fake environment for a test.
type Env map[string]string

// Streams are a test's standard streams.
type Streams struct {
	In, Out, Err *bytes.Buffer
}

// Factory returns a Factory for a command test: buffers for streams, the
// fake environment env, a fixed clock, and a config file (config.yaml) in a
// temporary directory. The configuration's viper reads the process
// environment, so the settings' variables are set to env's for the test (and
// those env leaves out to empty, which is unset): such a test cannot be
// parallel.
func Factory(t *testing.T, env Env) (*cmdutil.Factory, Streams) {
	t.Helper()
	for _, s := range config.Settings {
		t.Setenv(s.Env, env[s.Env])
	}
	ios, in, out, errOut := iostreams.Test()
	getenv := func(k string) string { return env[k] }
	ios.SetGetenv(getenv)
	path := filepath.Join(t.TempDir(), "config.yaml")
	f := &cmdutil.Factory{
		AppVersion: "test",
		IOStreams:  ios,
		Getenv:     getenv,
		Now:        func() time.Time { return Now },
		HTTPClient: func() *http.Client { return &http.Client{Timeout: 5 * time.Second} },
	}
	f.Config = func() (*config.Config, error) { return config.Load(path) }
	f.Fixtures = func() (*fixtures.Set, error) { return fixtures.Load("") }
	return f, Streams{in, out, errOut}
}

// Run executes cmd with args the way the root would, and returns its error.
func Run(cmd *cobra.Command, args ...string) error {
	if args == nil {
		args = []string{} // nil would make cobra read the test binary's own arguments
	}
	cmd.SetArgs(args)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	_, err := cmd.ExecuteC()
	return err
}

// AssertUsageError fails the test unless err is a usage error saying want.
func AssertUsageError(t *testing.T, err error, want string) {
	t.Helper()
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || err.Error() != want {
		t.Fatalf("err = %v, want usage error %q", err, want)
	}
}

package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// The root binds --config and the running command's --api-base and
// --api-key to the one viper the Factory's Config reads: a flag wins over
// the environment, which wins over the file.
func TestRootBindsFlagsToTheConfig(t *testing.T) {
	for _, s := range config.Settings {
		t.Setenv(s.Env, "")
	}
	t.Setenv("PETSTORE_API_KEY", "tok_env")
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":[]}`))
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "elsewhere.yaml")
	if err := os.WriteFile(path, []byte("api_base: http://file.invalid/v1\nfixtures_dir: /from/file\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	loader := config.NewLoader()
	f := newFactory(loader)
	ios, _, out, errOut := iostreams.Test()
	f.IOStreams = ios
	root := NewCmdRoot(f, loader)
	root.SetArgs([]string{"list", "--config", path, "--api-base", srv.URL + "/v1", "--api-key", "tok_flag", "--format", "json"})
	if err := root.Execute(); err != nil {
		t.Fatalf("%v\nstdout %s\nstderr %s", err, out, errOut)
	}
	cfg, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string][2]string{
		"api_base":     {srv.URL + "/v1", config.SourceFlag},
		"api_key":      {"tok_flag", config.SourceFlag},
		"fixtures_dir": {"/from/file", config.SourceFile},
	} {
		s, _ := config.Lookup(key)
		if v, src := cfg.Value(s); v != want[0] || src != want[1] {
			t.Errorf("%s = %q from %q, want %q from %q", key, v, src, want[0], want[1])
		}
	}
	if cfg.Path != path || cfg.APIBase != srv.URL+"/v1" || cfg.APIKey != "tok_flag" {
		t.Errorf("config = %+v", cfg)
	}
	if auth != "Bearer tok_flag" {
		t.Errorf("Authorization = %q", auth)
	}
}

package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestConfigPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("api_base: http://file.example/v1\nwebhook_secret: whsec_file\n"), 0o600)
	env := map[string]string{"PETSTORE_WEBHOOK_SECRET": "whsec_env"}
	c, err := LoadConfig(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookSecret != "whsec_env" || c.APIBase != "http://file.example/v1" || c.APIKey != "" {
		t.Fatalf("config = %+v", c)
	}
	for key, want := range map[string][2]string{
		"webhook_secret": {"whsec_env", "env"},
		"api_base":       {"http://file.example/v1", "file"},
		"api_key":        {"", ""},
	} {
		s, _ := LookupSetting(key)
		if v, src := c.Value(s); v != want[0] || src != want[1] {
			t.Errorf("%s = %q from %q, want %q from %q", key, v, src, want[0], want[1])
		}
	}
	d, _ := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"), func(string) string { return "" })
	if d.APIBase != "https://api.petstoreapi.com/v1" {
		t.Fatalf("default api_base = %q", d.APIBase)
	}
}

func TestConfigBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("api_base: [1, 2]\n"), 0o600)
	if _, err := LoadConfig(path, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsureWebhookSecretWritesOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.yaml")
	noenv := func(string) string { return "" }
	// Two processes starting at once must end up with one secret.
	secrets := make([]string, 8)
	var wg sync.WaitGroup
	for i := range secrets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := LoadConfig(path, noenv)
			if err != nil {
				t.Error(err)
				return
			}
			s, _, err := c.EnsureWebhookSecret()
			if err != nil {
				t.Error(err)
			}
			secrets[i] = s
		}()
	}
	wg.Wait()
	for _, s := range secrets {
		if s != secrets[0] || !strings.HasPrefix(s, "whsec_") || len(s) != 38 {
			t.Fatalf("secrets = %q", secrets)
		}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode = %v, %v", fi.Mode(), err)
	}
	c, _ := LoadConfig(path, noenv)
	if s, generated, _ := c.EnsureWebhookSecret(); generated || s != secrets[0] {
		t.Fatalf("second run: %q generated=%v", s, generated)
	}
}

func TestSetAndUnsetKeepOtherKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	noenv := func(string) string { return "" }
	c, _ := LoadConfig(path, noenv)
	if err := c.SetInFile("api_key", "tok"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetInFile("fixtures_dir", "/tmp/fx"); err != nil {
		t.Fatal(err)
	}
	if err := c.UnsetInFile("api_key"); err != nil {
		t.Fatal(err)
	}
	c, _ = LoadConfig(path, noenv)
	if c.APIKey != "" || c.FixturesDir != "/tmp/fx" {
		t.Fatalf("config = %+v", c)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"whsec_AYsVepYa5mYDSeg4HrdpTaA9NQ+ASLDR": "whsec_****SLDR",
		"short":                                  "****",
		"whsec_abc":                              "whsec_****",
		"":                                       "",
		"tok_0123456789abcdef":                   "tok_****cdef",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeOf(t *testing.T) {
	if CodeOf(nil) != 0 || CodeOf(FlagErrorf("x")) != 2 || CodeOf(Exit(ExitNon2xx, nil)) != 3 ||
		CodeOf(ErrCancel) != 130 || CodeOf(os.ErrNotExist) != 1 {
		t.Fatal("exit code mapping")
	}
}

func TestReceiverURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/webhooks",
		"9000":           "http://127.0.0.1:9000/webhooks",
		":9000":          "http://127.0.0.1:9000/webhooks",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/webhooks",
		"[::]:9000":      "http://127.0.0.1:9000/webhooks",
		"[::1]:9000":     "http://[::1]:9000/webhooks",
		"localhost:9000": "http://localhost:9000/webhooks",
	} {
		if got, err := ReceiverURL(addr); err != nil || got != want {
			t.Errorf("ReceiverURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := ReceiverURL("a:b:c"); err == nil {
		t.Error("ReceiverURL(a:b:c) gave no error")
	}
}

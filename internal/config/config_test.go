package config

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/pflag"
)

// clearEnv unsets every setting's variable for the test, so that the
// developer's own environment does not leak in.
func clearEnv(t *testing.T) {
	for _, s := range Settings {
		t.Setenv(s.Env, "")
	}
}

// Each layer wins over the ones below it: flag > env > file > default.
func TestPrecedence(t *testing.T) {
	const key = "api_base"
	for _, tt := range []struct {
		name                  string
		flag, env, file       string
		wantValue, wantSource string
	}{
		{"flag over all", "http://flag/v1", "http://env/v1", "http://file/v1", "http://flag/v1", SourceFlag},
		{"env over file", "", "http://env/v1", "http://file/v1", "http://env/v1", SourceEnv},
		{"file over default", "", "", "http://file/v1", "http://file/v1", SourceFile},
		{"default", "", "", "", "https://api.petstoreapi.com/v1", SourceDefault},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("PETSTORE_API_BASE", tt.env)
			path := filepath.Join(t.TempDir(), "config.yaml")
			if tt.file != "" {
				writeFile(t, path, key+": "+tt.file+"\n")
			}
			fs := pflag.NewFlagSet("cmd", pflag.ContinueOnError)
			fs.String("api-base", "", "")
			var args []string
			if tt.flag != "" {
				args = []string{"--api-base", tt.flag}
			}
			if err := fs.Parse(args); err != nil {
				t.Fatal(err)
			}
			l := NewLoader()
			l.BindFlags(fs)
			c, err := l.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := Lookup(key)
			if v, src := c.Value(s); v != tt.wantValue || src != tt.wantSource {
				t.Errorf("Value = %q from %q, want %q from %q", v, src, tt.wantValue, tt.wantSource)
			}
			if c.APIBase != tt.wantValue {
				t.Errorf("APIBase = %q, want %q", c.APIBase, tt.wantValue)
			}
		})
	}
}

// Each documented variable (help environment) sets its key, and the file's
// keys each theirs.
func TestEveryKeyFromTheEnvironmentAndTheFile(t *testing.T) {
	for _, s := range Settings {
		clearEnv(t)
		t.Setenv(s.Env, "from-env")
		path := filepath.Join(t.TempDir(), "config.yaml")
		writeFile(t, path, s.Key+": from-file\n")
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if v, src := c.Value(s); v != "from-env" || src != SourceEnv {
			t.Errorf("%s: %q from %q, want from-env from env", s.Env, v, src)
		}
		clearEnv(t)
		if c, err = Load(path); err != nil {
			t.Fatal(err)
		}
		if v, src := c.Value(s); v != "from-file" || src != SourceFile {
			t.Errorf("%s: %q from %q, want from-file from file", s.Key, v, src)
		}
	}
}

func TestUnsetKeyHasNoValueNorSource(t *testing.T) {
	clearEnv(t)
	c, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Lookup("api_key")
	if v, src := c.Value(s); v != "" || src != "" || c.APIKey != "" {
		t.Fatalf("api_key = %q from %q (field %q), want unset", v, src, c.APIKey)
	}
	if c.ListenAddr != "127.0.0.1:8080" {
		t.Fatalf("default listen_addr = %q", c.ListenAddr)
	}
}

// --config names the file; the setting flags are bound only where a
// command has them, and a flag left alone does not hide the environment.
func TestBindFlags(t *testing.T) {
	clearEnv(t)
	t.Setenv("PETSTORE_API_KEY", "tok_env")
	fs := pflag.NewFlagSet("cmd", pflag.ContinueOnError)
	fs.String("config", "", "")
	fs.String("api-key", "", "")
	fs.StringArray("secret", nil, "")
	if err := fs.Parse([]string{"--config", "/x/config.yaml", "--secret", "whsec_flag"}); err != nil {
		t.Fatal(err)
	}
	l := NewLoader()
	if l.File() != "" {
		t.Fatalf("File() before binding = %q", l.File())
	}
	l.BindFlags(fs)
	if l.File() != "/x/config.yaml" {
		t.Fatalf("File() = %q", l.File())
	}
	c, err := l.Load(filepath.Join(t.TempDir(), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIKey != "tok_env" || c.WebhookSecret != "" {
		t.Fatalf("config = %+v", c)
	}
}

func TestBadFile(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "api_base: [1, 2]\n")
	_, err := Load(path)
	if want := "config file " + path + " is not a YAML map of keys to strings: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want it to start %q", err, want)
	}
}

func TestEnsureWebhookSecretWritesOnceWithMode0600(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "sub", "config.yaml")
	// Two processes starting at once must end up with one secret.
	secrets := make([]string, 8)
	var wg sync.WaitGroup
	for i := range secrets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Load(path)
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
	c, _ := Load(path)
	if s, generated, _ := c.EnsureWebhookSecret(); generated || s != secrets[0] {
		t.Fatalf("second run: %q generated=%v", s, generated)
	}
}

// A secret or key from the environment is used, never written to the file.
func TestEnvironmentSecretsStayOutOfTheFile(t *testing.T) {
	clearEnv(t)
	t.Setenv("PETSTORE_WEBHOOK_SECRET", "whsec_fromenv0123456789")
	t.Setenv("PETSTORE_API_KEY", "tok_fromenv0123456789")
	path := filepath.Join(t.TempDir(), "config.yaml")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s, generated, err := c.EnsureWebhookSecret(); err != nil || generated || s != "whsec_fromenv0123456789" {
		t.Fatalf("EnsureWebhookSecret = %q, %v, %v", s, generated, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file was written: %v", err)
	}
	if err := c.SetInFile("fixtures_dir", "/tmp/fx"); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); string(raw) != "fixtures_dir: /tmp/fx\n" {
		t.Fatalf("file:\n%s", raw)
	}
}

func TestSetAndUnsetKeepOtherKeys(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	c, _ := Load(path)
	if err := c.SetInFile("api_key", "tok"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetInFile("fixtures_dir", "/tmp/fx"); err != nil {
		t.Fatal(err)
	}
	if err := c.UnsetInFile("api_key"); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(path)
	if c.APIKey != "" || c.FixturesDir != "/tmp/fx" {
		t.Fatalf("config = %+v", c)
	}
}

func TestLookupAndKeys(t *testing.T) {
	if s, ok := Lookup("listen_addr"); !ok || s.Env != "PETSTORE_LISTEN_ADDR" {
		t.Fatalf("Lookup(listen_addr) = %+v, %v", s, ok)
	}
	if _, ok := Lookup("nope"); ok {
		t.Fatal("Lookup(nope) found a setting")
	}
	if got := strings.Join(Keys(), ","); got != "webhook_secret,api_key,api_base,fixtures_dir,listen_addr" {
		t.Fatalf("Keys() = %s", got)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Keys are not case-sensitive (viper's are not): a file written with
// WEBHOOK_SECRET is read by `config get webhook_secret` as by listen.
// Before #14 `config get` said "not set" while listen used the value.
func TestKeysInAnyCaseAreRead(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "WEBHOOK_SECRET: x\nListen_Addr: 127.0.0.1:9000\n")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Lookup("webhook_secret")
	if v, src := c.Value(s); v != "x" || src != SourceFile || c.WebhookSecret != "x" || c.ListenAddr != "127.0.0.1:9000" {
		t.Fatalf("webhook_secret = %q from %q; config %+v", v, src, c)
	}
}

// Setting or unsetting a key replaces it in whatever case the file wrote
// it: the file never holds it twice, whose reading would pick either.
func TestSetAndUnsetReplaceAKeyInAnyCase(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "WEBHOOK_SECRET: x\nlisten_addr: 127.0.0.1:9000\n")
	c, _ := Load(path)
	if err := c.SetInFile("webhook_secret", "y"); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); string(raw) != "listen_addr: 127.0.0.1:9000\nwebhook_secret: \"y\"\n" {
		t.Fatalf("after set, file:\n%s", raw)
	}
	writeFile(t, path, "Webhook_Secret: x\n")
	if err := c.UnsetInFile("webhook_secret"); err != nil {
		t.Fatal(err)
	}
	if c, _ = Load(path); c.WebhookSecret != "" {
		t.Fatalf("after unset, webhook_secret = %q", c.WebhookSecret)
	}
}

// A file holding a key twice in different cases is refused, with what to
// do, rather than read as either value.
func TestAKeyTwiceInDifferentCasesIsRefused(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "webhook_secret: x\nWEBHOOK_SECRET: y\n")
	_, err := Load(path)
	want := "config file " + path + ` has the key "webhook_secret" twice, as "WEBHOOK_SECRET" and "webhook_secret" (keys are not case-sensitive): keep one`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

// Every setting's variable is PETSTORE_ and its key in capitals, the name
// help environment documents and the one read.
func TestEachSettingIsReadFromTheVariableItNames(t *testing.T) {
	for _, s := range Settings {
		if want := "PETSTORE_" + strings.ToUpper(s.Key); s.Env != want {
			t.Errorf("%s: Env %s, want %s", s.Key, s.Env, want)
		}
		t.Setenv(s.Env, "from-"+s.Env)
	}
	c, err := Load(filepath.Join(t.TempDir(), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if got, source := c.Value(s); got != "from-"+s.Env || source != SourceEnv {
			t.Errorf("%s = %q from %q, want it from %s", s.Key, got, source, s.Env)
		}
	}
}

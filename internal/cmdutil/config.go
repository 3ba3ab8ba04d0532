package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"go.yaml.in/yaml/v3"
)

// Setting is one configuration key.
type Setting struct {
	Key     string
	Env     string
	Default string
	Secret  bool
	Help    string
}

// Settings lists every key the config file and environment may set.
var Settings = []Setting{
	{Key: "webhook_secret", Env: "PETSTORE_WEBHOOK_SECRET", Secret: true, Help: "secret that signs and verifies Petstore events (generated on first use)"},
	{Key: "api_key", Env: "PETSTORE_API_KEY", Secret: true, Help: "token for the Petstore API, sent as Authorization: Bearer"},
	{Key: "api_base", Env: "PETSTORE_API_BASE", Default: "https://api.petstoreapi.com/v1", Help: "base URL of the Petstore API"},
	{Key: "fixtures_dir", Env: "PETSTORE_FIXTURES_DIR", Help: "directory of EVENT.json fixtures that add to and replace the bundled ones"},
	{Key: "listen_addr", Env: "PETSTORE_LISTEN_ADDR", Default: "127.0.0.1:8080", Help: "where 'listen' receives, and so where 'trigger' sends by default (http://ADDR/webhooks)"},
}

// LookupSetting returns the setting of a key, or a usage error naming them all.
func LookupSetting(key string) (Setting, error) {
	for _, s := range Settings {
		if s.Key == key {
			return s, nil
		}
	}
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return Setting{}, FlagErrorf("unknown config key %s (known: %s)", Quote(key), strings.Join(keys, ", "))
}

// Config is the configuration in force: environment over file over default.
// Flags are applied by each command on top.
type Config struct {
	Path          string
	WebhookSecret string `mapstructure:"webhook_secret"`
	APIKey        string `mapstructure:"api_key"`
	APIBase       string `mapstructure:"api_base"`
	FixturesDir   string `mapstructure:"fixtures_dir"`
	ListenAddr    string `mapstructure:"listen_addr"`

	file   map[string]string
	getenv func(string) string
}

// DefaultConfigPath is $XDG_CONFIG_HOME/petstore-webhooks/config.yaml.
func DefaultConfigPath(getenv func(string) string) (string, error) {
	return xdgPath(getenv, "XDG_CONFIG_HOME", ".config", "config.yaml", "--config")
}

// DefaultHistoryPath is $XDG_STATE_HOME/petstore-webhooks/history.db.
func DefaultHistoryPath(getenv func(string) string) (string, error) {
	return xdgPath(getenv, "XDG_STATE_HOME", ".local/state", "history.db", "--history")
}

// DefaultEmulatorDB is $XDG_DATA_HOME/petstore-webhooks/emulator.db.
func DefaultEmulatorDB(getenv func(string) string) (string, error) {
	return xdgPath(getenv, "XDG_DATA_HOME", ".local/share", "emulator.db", "--db")
}

// xdgPath is name in petstore-webhooks/ under the directory that env names,
// else under home/fallback; flag is how to do without either.
func xdgPath(getenv func(string) string, env, fallback, name, flag string) (string, error) {
	dir := getenv(env)
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", fmt.Errorf("cannot find where to keep %s: set %s or use %s", name, env, flag)
			}
		}
		dir = filepath.Join(home, filepath.FromSlash(fallback))
	}
	return filepath.Join(dir, "petstore-webhooks", name), nil
}

// ErrNoSecret explains how to get a webhook secret.
var ErrNoSecret = errors.New("no webhook secret: pass --secret, set PETSTORE_WEBHOOK_SECRET, or run `petstore-webhooks listen` once to make one")

// LoadConfig reads the file at path (a missing file is an empty one) and
// the PETSTORE_ environment.
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	raw, file, err := readConfigFile(path)
	if err != nil {
		return nil, err
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	for _, s := range Settings {
		v.SetDefault(s.Key, s.Default)
		// The environment is read through getenv so that tests can fake it.
		// No flag is bound to this viper (commands apply their own flags), so
		// Set, viper's top layer, puts the environment over the file.
		if val := getenv(s.Env); val != "" {
			v.Set(s.Key, val)
		}
	}
	c := &Config{Path: path, file: file, getenv: getenv}
	if err := v.Unmarshal(c); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return c, nil
}

// Value returns a key's value in force and where it came from: "env",
// "file", "default" or "" when it is not set at all.
func (c *Config) Value(s Setting) (value, source string) {
	if v := c.getenv(s.Env); v != "" {
		return v, "env"
	}
	if v, ok := c.file[s.Key]; ok {
		return v, "file"
	}
	if s.Default != "" {
		return s.Default, "default"
	}
	return "", ""
}

// SetInFile writes key=value into the config file.
func (c *Config) SetInFile(key, value string) error {
	return c.updateFile(func(file map[string]string) { file[key] = value })
}

// UnsetInFile removes key from the config file.
func (c *Config) UnsetInFile(key string) error {
	return c.updateFile(func(file map[string]string) { delete(file, key) })
}

// EnsureWebhookSecret returns the webhook secret in force; when there is
// none it makes a whsec_ secret, saves it in the file and reports that it did.
func (c *Config) EnsureWebhookSecret() (secret string, generated bool, err error) {
	if c.WebhookSecret != "" {
		return c.WebhookSecret, false, nil
	}
	err = c.updateFile(func(file map[string]string) {
		if file["webhook_secret"] == "" {
			file["webhook_secret"] = signature.NewSecret()
			generated = true
		}
		secret = file["webhook_secret"]
	})
	if err != nil {
		return "", false, err
	}
	c.WebhookSecret = secret
	return secret, generated, nil
}

// SaySecretMade tells the user that EnsureWebhookSecret made a secret and
// where it is, within the width of a terminal (the path whole).
func SaySecretMade(ios *iostreams.IOStreams, path string) {
	fmt.Fprintln(ios.ErrOut, render.FitLines(render.StderrWidth(ios), "", " ", append(strings.Fields("Made a webhook secret and saved it in"), iostreams.Escape(path))...))
}

// updateFile re-reads the file under a lock, changes it and writes it back
// atomically with mode 0600, so two processes starting at once agree.
func (c *Config) updateFile(change func(map[string]string)) error {
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	unlock, err := lockFile(c.Path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	_, file, err := readConfigFile(c.Path)
	if err != nil {
		return err
	}
	change(file)
	out, err := yaml.Marshal(file)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.Path), ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing config: %w", err)
	}
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return fmt.Errorf("writing config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.Path); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	c.file = file
	return nil
}

func readConfigFile(path string) ([]byte, map[string]string, error) {
	file := map[string]string{}
	raw, err := inputfile.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, file, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading config: %w", err)
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, nil, fmt.Errorf("config file %s is not a YAML map of keys to strings: %w", path, err)
	}
	if file == nil {
		file = map[string]string{}
	}
	return raw, file, nil
}

// lockFile takes an exclusive lock by creating path; a lock older than
// 10 seconds is taken as left behind by a crashed process.
func lockFile(path string) (unlock func(), err error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("locking config: %w", err)
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > 10*time.Second {
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("config is locked by another process: remove %s if none is running", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Mask hides a secret but for its prefix up to "_" and its last 4 characters.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	prefix := ""
	if i := strings.IndexByte(secret, '_'); i >= 0 && i < 10 {
		prefix = secret[:i+1]
	}
	if len(secret)-len(prefix) < 12 {
		return prefix + "****"
	}
	return prefix + "****" + secret[len(secret)-4:]
}

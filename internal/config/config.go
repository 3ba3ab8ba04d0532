// Package config is the configuration in force: one viper holding the
// defaults, the config file, the PETSTORE_ environment and the flags bound to
// it, read once into a typed Config. Precedence: flag > env > file > default.
package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/petstoreapi/petstore-webhooks/internal/inputfile"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// Setting is one configuration key.
type Setting struct {
	Key     string
	Env     string // PETSTORE_ and the key in capitals
	Flag    string // the flag that sets it on the commands that have it, bound by Loader.BindFlags
	Default string
	Secret  bool
	Help    string
}

// Settings lists every key the config file, environment and flags may set.
//
// Two environment variables are deliberately not settings, and are read
// through the Factory's Getenv by the commands that take them:
// PETSTORE_FORWARD_SECRET (cmdutil.ForwardSecretEnv: the secret of the app
// behind `listen --forward-to` and `events resend`) and
// PETSTORE_EMULATOR_API_KEY (the key a local emulator accepts). Each stands
// in for a flag that ps would show, for one run; neither belongs in the
// config file, where `config set` would store it in clear beside the
// webhook secret and every later command would pick it up.
var Settings = []Setting{
	{Key: "webhook_secret", Env: "PETSTORE_WEBHOOK_SECRET", Secret: true, Help: "secret that signs and verifies Petstore events (generated on first use)"},
	{Key: "api_key", Env: "PETSTORE_API_KEY", Flag: "api-key", Secret: true, Help: "token for the Petstore API, sent as Authorization: Bearer"},
	{Key: "api_base", Env: "PETSTORE_API_BASE", Flag: "api-base", Default: "https://api.petstoreapi.com/v1", Help: "base URL of the Petstore API"},
	{Key: "fixtures_dir", Env: "PETSTORE_FIXTURES_DIR", Help: "directory of EVENT.json fixtures that add to and replace the bundled ones"},
	{Key: "listen_addr", Env: "PETSTORE_LISTEN_ADDR", Default: "127.0.0.1:8080", Help: "where 'listen' receives, and so where 'trigger' sends by default (http://ADDR/webhooks)"},
}

// Lookup returns the setting of a key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Keys are the known keys, in the order of Settings.
func Keys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// Where a value in force comes from; "" is not set at all.
const (
	SourceFlag    = "flag"
	SourceEnv     = "env"
	SourceFile    = "file"
	SourceDefault = "default"
)

// Config is the configuration in force.
type Config struct {
	Path          string `mapstructure:"-"`
	WebhookSecret string `mapstructure:"webhook_secret"`
	APIKey        string `mapstructure:"api_key"`
	APIBase       string `mapstructure:"api_base"`
	FixturesDir   string `mapstructure:"fixtures_dir"`
	ListenAddr    string `mapstructure:"listen_addr"`

	values, sources map[string]string
}

// Loader is the one viper of a run. The root binds the running command's
// flags to it, then the Factory loads it once.
type Loader struct {
	v     *viper.Viper
	flags map[string]*pflag.Flag
}

// NewLoader is a Loader with the defaults and the environment bound.
func NewLoader() *Loader {
	v := viper.New()
	for _, s := range Settings {
		v.SetDefault(s.Key, s.Default)
		_ = v.BindEnv(s.Key, s.Env) // the name help environment documents; an error needs an empty key
	}
	return &Loader{v: v, flags: map[string]*pflag.Flag{}}
}

// fileKey is the viper key of --config, the file to read.
const fileKey = "config"

// BindFlags binds the flags of fs that the configuration reads: --config,
// the file, and those that set a setting (--api-base, --api-key), which
// when given win over the environment and the file.
func (l *Loader) BindFlags(fs *pflag.FlagSet) {
	if fl := fs.Lookup(fileKey); fl != nil {
		_ = l.v.BindPFlag(fileKey, fl) // an error needs a nil flag
	}
	for _, s := range Settings {
		if s.Flag == "" {
			continue
		}
		if fl := fs.Lookup(s.Flag); fl != nil {
			_ = l.v.BindPFlag(s.Key, fl) // an error needs a nil flag
			l.flags[s.Key] = fl
		}
	}
}

// File is the config file --config names, or "" for the default one.
func (l *Loader) File() string { return l.v.GetString(fileKey) }

// Load reads the file at path (a missing file is an empty one) into the
// viper and unmarshals what is in force.
func (l *Loader) Load(path string) (*Config, error) {
	file, err := readFile(path)
	if err != nil {
		return nil, err
	}
	if err := l.v.MergeConfigMap(toAny(file)); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	c := &Config{Path: path, values: map[string]string{}, sources: map[string]string{}}
	if err := l.v.Unmarshal(c); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	for _, s := range Settings {
		c.values[s.Key] = l.v.GetString(s.Key)
		c.sources[s.Key] = l.source(s)
	}
	return c, nil
}

// Load is NewLoader().Load(path): the configuration without flags.
func Load(path string) (*Config, error) { return NewLoader().Load(path) }

// source says which of viper's layers gave s its value. It reads the
// process environment, as the viper does (an empty variable is unset to
// both), not the Factory's Getenv.
func (l *Loader) source(s Setting) string {
	switch fl := l.flags[s.Key]; {
	case fl != nil && fl.Changed:
		return SourceFlag
	case os.Getenv(s.Env) != "":
		return SourceEnv
	case l.v.InConfig(s.Key):
		return SourceFile
	case s.Default != "":
		return SourceDefault
	}
	return ""
}

// Value returns a key's value in force and where it came from: "flag",
// "env", "file", "default", or "" when it is not set at all.
func (c *Config) Value(s Setting) (value, source string) {
	return c.values[s.Key], c.sources[s.Key]
}

// SetInFile writes key=value into the config file.
func (c *Config) SetInFile(key, value string) error {
	return c.updateFile(func(file map[string]string) {
		deleteKey(file, key)
		file[key] = value
	})
}

// UnsetInFile removes key from the config file.
func (c *Config) UnsetInFile(key string) error {
	return c.updateFile(func(file map[string]string) { deleteKey(file, key) })
}

// deleteKey removes key from file in whatever case the file wrote it, as
// keys are not case-sensitive.
func deleteKey(file map[string]string, key string) {
	for k := range file {
		if strings.EqualFold(k, key) {
			delete(file, k)
		}
	}
}

// EnsureWebhookSecret returns the webhook secret in force; when there is
// none it makes a whsec_ secret, saves it in the file and reports that it did.
// A secret from the environment is never written to the file.
func (c *Config) EnsureWebhookSecret() (secret string, generated bool, err error) {
	if c.WebhookSecret != "" {
		return c.WebhookSecret, false, nil
	}
	err = c.updateFile(func(file map[string]string) {
		if file["webhook_secret"] == "" {
			deleteKey(file, "webhook_secret") // an empty WEBHOOK_SECRET, say
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

// updateFile re-reads the file under a lock, changes it and writes it back
// atomically with mode 0600, so two processes starting at once agree. It
// writes the file's own keys, never what the environment or a flag set.
func (c *Config) updateFile(change func(map[string]string)) error {
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	unlock, err := lockFile(c.Path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	file, err := readFile(c.Path)
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
	return nil
}

// readFile reads the config file within inputfile's bounds (never a FIFO nor
// a device) as a map of keys to strings; a missing file is an empty map.
func readFile(path string) (map[string]string, error) {
	file := map[string]string{}
	raw, err := inputfile.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return file, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("config file %s is not a YAML map of keys to strings: %w", path, err)
	}
	if file == nil {
		file = map[string]string{}
	}
	// Keys are not case-sensitive: one written twice would be read as
	// either value.
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(file)) {
		if other, ok := seen[strings.ToLower(k)]; ok {
			return nil, fmt.Errorf("config file %s has the key %q twice, as %q and %q (keys are not case-sensitive): keep one", path, strings.ToLower(k), other, k)
		}
		seen[strings.ToLower(k)] = k
	}
	return file, nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
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

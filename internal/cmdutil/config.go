package cmdutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
)

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

// SaySecretMade tells the user that EnsureWebhookSecret made a secret and
// where it is, within the width of a terminal (the path whole).
func SaySecretMade(ios *iostreams.IOStreams, path string) {
	fmt.Fprintln(ios.ErrOut, render.FitLines(render.StderrWidth(ios), "", " ", append(strings.Fields("Made a webhook secret and saved it in"), iostreams.Escape(path))...))
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

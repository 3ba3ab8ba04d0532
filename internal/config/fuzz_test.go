package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A hostile config.yaml is a one-line error, never a panic or a hang.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{
		"webhook_secret: whsec_x\n", "", "a: [1, 2]\n", "a: {b: c}\n", "- x\n", "&a [*a, *a]\n", "a: &a\n  b: *a\n",
		"listen_addr: !!binary aGk=\n", "? [a]\n: b\n", "a: 1\na: 2\n", "\x00", "a: \"\\x1b[2J\"\n",
		"a: &a [*a]\n", "x: !!float nan\n", "x: 1e999999\n", strings.Repeat("[", 5000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			if msg := err.Error(); msg == "" || len(msg) > 4096 {
				t.Fatalf("config error %q", msg)
			}
			return
		}
		for _, s := range Settings {
			c.Value(s)
		}
	})
}

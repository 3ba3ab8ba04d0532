package event

import (
	"errors"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// expandTree is how events were made before Template: placeholders
// replaced in the decoded tree, value by value in document order, then the
// tree encoded. A Template must make the same bytes from the same source.
func expandTree(g Generator, v any) (any, error) {
	switch t := v.(type) {
	case string:
		return g.ExpandString(t)
	case *Object:
		for _, k := range t.Keys() {
			old, _ := t.Get(k)
			nv, err := expandTree(g, old)
			if err != nil {
				return nil, err
			}
			t.Set(k, nv)
		}
	case []any:
		for i := range t {
			nv, err := expandTree(g, t[i])
			if err != nil {
				return nil, err
			}
			t[i] = nv
		}
	}
	return v, nil
}

func buildByTree(fixture []byte, g Generator) ([]byte, error) {
	v, err := DecodeJSON(fixture)
	if err != nil {
		return nil, err
	}
	root, ok := v.(*Object)
	if !ok {
		return nil, errors.New("not an object")
	}
	root.Set(presentKey(root, "id", "eventId"), "{{uuid}}")
	root.Set(presentKey(root, "timestamp", "created_at"), "{{now}}")
	if _, err := expandTree(g, root); err != nil {
		return nil, err
	}
	return EncodeJSON(root)
}

func FuzzTemplateMakesWhatTheTreeMade(f *testing.F) {
	bundled, _ := filepath.Glob("../../fixtures/*.json")
	if len(bundled) == 0 {
		f.Fatal("no bundled fixtures")
	}
	for _, name := range bundled {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body, byte(1))
	}
	for _, s := range []string{
		`{"a":"{{id:x}}{{digits:3}} and {{today}}","b":["{{", "{{A}}", "{{id:\"q\u2028}}", "\xff{{uuid}}"],"c":{"{{uuid}}":1}}`,
		`{"a":"{{nope}}"}`, `{"a":"{{digits:99}}"}`, `{"eventId":"x","created_at":"y","n":1.50,"z":null,"t":true}`,
	} {
		f.Add([]byte(s), byte(2))
	}
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, fixture []byte, seed byte) {
		want, wantErr := buildByTree(fixture, Generator{Now: now, Rand: mathrand.NewChaCha8([32]byte{seed})})
		tpl, err := Compile(fixture, Edits{})
		if err != nil {
			if wantErr == nil {
				t.Fatalf("Compile refused what the tree built: %v", err)
			}
			return
		}
		got, _, err := tpl.Build(Generator{Now: now, Rand: mathrand.NewChaCha8([32]byte{seed})})
		switch {
		case wantErr != nil && err == nil:
			t.Fatalf("the template built what the tree refused (%v):\n%s", wantErr, got)
		case wantErr == nil && err != nil:
			// Build also parses the envelope, which the tree did not.
			if _, perr := ParseEnvelope(want); perr == nil {
				t.Fatalf("the template refused what the tree built: %v\n%s", err, want)
			}
		case err == nil && string(got) != string(want):
			t.Fatalf("the template made\n%s\nthe tree made\n%s", got, want)
		}
	})
}

package configcmd

import (
	"context"
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// capture runs the command newCmd builds with args and stdin, and returns
// the Options it handed to runF, without the Factory's IO and Config.
func capture[O any](t *testing.T, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, stdin string, args []string) (any, error) {
	t.Helper()
	f, s := cmdtest.Factory(t, nil)
	s.In.WriteString(stdin)
	var got *O
	err := cmdtest.Run(newCmd(f, func(_ context.Context, o *O) error { got = o; return nil }), args...)
	if got == nil {
		return nil, err
	}
	// The Factory's IO and Config are the same in every row: compare the rest.
	v := reflect.ValueOf(got).Elem()
	v.FieldByName("IO").SetZero()
	v.FieldByName("Config").SetZero()
	return got, err
}

func setting(key string) config.Setting {
	s, _ := config.Lookup(key)
	return s
}

// Flags and arguments → the Options each subcommand runs with, or its
// usage error.
func TestFlagsToOptions(t *testing.T) {
	list := func(stdin string, args ...string) (any, error) { return capture(t, NewCmdList, stdin, args) }
	get := func(stdin string, args ...string) (any, error) { return capture(t, NewCmdGet, stdin, args) }
	set := func(stdin string, args ...string) (any, error) { return capture(t, NewCmdSet, stdin, args) }
	unset := func(stdin string, args ...string) (any, error) { return capture(t, NewCmdUnset, stdin, args) }
	path := func(stdin string, args ...string) (any, error) { return capture(t, NewCmdPath, stdin, args) }
	for _, tt := range []struct {
		name    string
		run     func(stdin string, args ...string) (any, error)
		stdin   string
		args    []string
		want    any
		wantErr string // a usage error
	}{
		{"list", list, "", nil, &ListOptions{Format: "human"}, ""},
		{"list reveal json", list, "", []string{"--reveal", "--format", "json"}, &ListOptions{Reveal: true, Format: "json"}, ""},
		{"list bad format", list, "", []string{"--format", "yaml"}, nil, `invalid --format "yaml": want human or json`},
		{"list argument", list, "", []string{"api_key"}, nil, `list takes no arguments, got "api_key"`},
		{"get", get, "", []string{"api_base"}, &GetOptions{Setting: setting("api_base")}, ""},
		{"get unknown key", get, "", []string{"api_url"}, nil, `unknown config key "api_url" (known: webhook_secret, api_key, api_base, fixtures_dir, listen_addr)`},
		{"get no key", get, "", nil, nil, "get needs a key"},
		{"set", set, "", []string{"api_key", "tok_123"}, &SetOptions{Setting: setting("api_key"), Value: "tok_123"}, ""},
		{"set from stdin", set, "whsec_fromstdin\nignored\n", []string{"webhook_secret", "-"}, &SetOptions{Setting: setting("webhook_secret"), Value: "whsec_fromstdin"}, ""},
		{"set bare port", set, "", []string{"listen_addr", "9000"}, &SetOptions{Setting: setting("listen_addr"), Value: "9000"}, ""},
		{"set empty", set, "", []string{"fixtures_dir", ""}, nil, "the value must not be empty: use `config unset fixtures_dir` to remove it"},
		{"set port 0", set, "", []string{"listen_addr", ":0"}, nil, `listen_addr ":0": port 0 is a new port each run, where trigger could not find listen: choose one`},
		{"set not a URL", set, "", []string{"api_base", "api.example.com"}, nil, `api_base must be an absolute http(s) URL, got "api.example.com"`},
		{"set unknown key", set, "", []string{"secret", "x"}, nil, `unknown config key "secret" (known: webhook_secret, api_key, api_base, fixtures_dir, listen_addr)`},
		{"set no value", set, "", []string{"api_key"}, nil, "set needs a key and a value"},
		{"unset", unset, "", []string{"fixtures_dir"}, &UnsetOptions{Setting: setting("fixtures_dir")}, ""},
		{"unset unknown key", unset, "", []string{"fixtures"}, nil, `unknown config key "fixtures" (known: webhook_secret, api_key, api_base, fixtures_dir, listen_addr)`},
		{"path", path, "", nil, &PathOptions{}, ""},
		{"path argument", path, "", []string{"x"}, nil, `path takes no arguments, got "x"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run(tt.stdin, tt.args...)
			if tt.wantErr != "" {
				cmdtest.AssertUsageError(t, err, tt.wantErr)
				if got != nil {
					t.Errorf("ran with %+v after a usage error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

package configcmd

import (
	"os"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// A secret given as - comes from standard input, out of the process list.
func TestSetReadsTheValueFromStandardInput(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	s.In.WriteString("whsec_fromstdin0123456789\n")
	if err := cmdtest.Run(NewCmdConfig(f), "set", "webhook_secret", "-"); err != nil {
		t.Fatal(err)
	}
	if err := cmdtest.Run(NewCmdConfig(f), "get", "webhook_secret"); err != nil || s.Out.String() != "whsec_fromstdin0123456789\n" {
		t.Fatalf("get: %q, %v", s.Out, err)
	}
}

func TestSetRefusesControlCharactersAndLongValues(t *testing.T) {
	for _, value := range []string{"whsec_a\x1b[2Jb", "http://x/\nfixtures_dir: /etc", strings.Repeat("a", 2049)} {
		f, _ := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdConfig(f), "set", "webhook_secret", value)
		cmdtest.AssertUsageError(t, err, "webhook_secret must be one line of at most 2048 characters without control characters")
	}
}

// A value from the environment reaches the table escaped.
func TestListEscapesValues(t *testing.T) {
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": "http://x\x1b]0;title\x07/v1"})
	if err := cmdtest.Run(NewCmdConfig(f), "list"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Out.String(), "api_base\thttp://x\\x1b]0;title\\x07/v1\tenv\n") {
		t.Fatalf("list:\n%q", s.Out)
	}
}

// A value every later command would trip over is refused when it is set.
func TestSetRefusesAddressesThatCannotWork(t *testing.T) {
	for _, tt := range []struct{ key, value, want string }{
		{"listen_addr", "not an address!!", `listen_addr "not an address!!": want HOST:PORT or PORT`},
		{"listen_addr", "notanaddr", `listen_addr "notanaddr": want HOST:PORT or PORT`}, // what was typed, not 127.0.0.1:notanaddr
		{"listen_addr", "127.0.0.1:99999", `listen_addr "127.0.0.1:99999": bad port "99999"`},
		{"listen_addr", ":0", `listen_addr ":0": port 0 is a new port each run, where trigger could not find listen: choose one`},
		{"api_base", "http://x:99999999/", `api_base must be an absolute http(s) URL, got "http://x:99999999/"`},
		{"api_base", "http://:80/v1", `api_base must be an absolute http(s) URL, got "http://:80/v1"`},
		// An invisible character is shown escaped once, not with its backslash doubled.
		{"api_base", "ftp://x\u200b/", `api_base must be an absolute http(s) URL, got "ftp://x\u200b/"`},
		{"listen_addr", "x\u200b:0", `listen_addr "x\u200b:0": port 0 is a new port each run, where trigger could not find listen: choose one`},
	} {
		f, _ := cmdtest.Factory(t, nil)
		cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdConfig(f), "set", tt.key, tt.value), tt.want)
	}
}

// A key the file wrote in capitals is the key: `config get` reads it as
// listen does (before #14 it said "not set"), and `config set` replaces it.
func TestGetAndSetAKeyWrittenInCapitals(t *testing.T) {
	f, s := cmdtest.Factory(t, nil)
	cfg, _ := f.Config()
	if err := os.WriteFile(cfg.Path, []byte("WEBHOOK_SECRET: whsec_upper\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cmdtest.Run(NewCmdConfig(f), "get", "webhook_secret"); err != nil || s.Out.String() != "whsec_upper\n" {
		t.Fatalf("get: %q, %v", s.Out, err)
	}
	s.Out.Reset()
	if err := cmdtest.Run(NewCmdConfig(f), "set", "webhook_secret", "whsec_lower"); err != nil {
		t.Fatal(err)
	}
	if err := cmdtest.Run(NewCmdConfig(f), "get", "webhook_secret"); err != nil || s.Out.String() != "whsec_lower\n" {
		t.Fatalf("get after set: %q, %v", s.Out, err)
	}
}

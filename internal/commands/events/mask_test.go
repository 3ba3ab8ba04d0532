package events

import (
	"path/filepath"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

func TestResendToErrorMasksCredentials(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	history := filepath.Join(t.TempDir(), "history.db")
	err := cmdtest.Run(NewCmdEvents(f), "resend", "1", "--history", history, "--to", "http://user:hunter2@127.0.0.1:0/")
	want := `--to "http://user:****@127.0.0.1:0/": want a URL, host:port[/path] or port[/path]`
	if cmdutil.CodeOf(err) != cmdutil.ExitUsage || err.Error() != want {
		t.Fatalf("resend: %v (exit %d), want %q", err, cmdutil.CodeOf(err), want)
	}
}

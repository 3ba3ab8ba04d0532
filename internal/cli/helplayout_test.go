package cli

import (
	"testing"

	"github.com/spf13/pflag"
)

// Flag descriptions wrap under their column, at spaces, and a word longer
// than the room gets a line of its own; pflag's defaults still show.
func TestFlagUsagesWrapUnderTheirColumn(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.StringP("header", "H", "", "add \"Name: value\" to forwarded requests; repeatable")
	fs.String("forward-signature-header", "X-Webhook-Signature", "header of the hex scheme's signature")
	fs.String("history", "", "history database (default $XDG_STATE_HOME/petstore-webhooks/history.db)")
	fs.Bool("verbose", false, "")
	want := `      --forward-signature-header string   header of the hex scheme's
                                          signature (default
                                          "X-Webhook-Signature")
  -H, --header string                     add "Name: value" to
                                          forwarded requests;
                                          repeatable
      --history string                    history database (default
                                          $XDG_STATE_HOME/petstore-webhooks/history.db)
      --verbose
`
	if got := wrapFlagUsages(fs, 70); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A help topic's table wraps each description under its column.
func TestHelpTableWrapsUnderTheDescriptions(t *testing.T) {
	got := helpTable([][2]string{{"  0", "success; for 'trigger', every delivery got a 2xx answer"}, {"130", "interrupted"}}, 40)
	want := `    0  success; for 'trigger', every
       delivery got a 2xx answer
  130  interrupted
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

package cmdutil

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

func TestConfirm(t *testing.T) {
	for _, tt := range []struct {
		name             string
		terminal, yes    bool
		answer           string
		want             bool
		wantErr, wantAsk string
	}{
		{"--yes", false, true, "", true, "", ""},
		{"no terminal", false, false, "y\n", false, "--yes is required to prune without a terminal to ask on", ""},
		{"y", true, false, "y\n", true, "", "Prune? [y/N] "},
		{"YES", true, false, " YES \n", true, "", "Prune? [y/N] "},
		{"n", true, false, "n\n", false, "", "Prune? [y/N] "},
		{"enter", true, false, "\n", false, "", "Prune? [y/N] "},
		{"end of input", true, false, "", false, "", "Prune? [y/N] "},
	} {
		ios, in, _, errOut := iostreams.Test()
		ios.SetTTY(tt.terminal, tt.terminal, tt.terminal)
		in.WriteString(tt.answer)
		got, err := Confirm(ios, tt.yes, "prune", "Prune?")
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) || errOut.String() != tt.wantAsk {
			t.Errorf("%s: %v, %v, asked %q; want %v, %q, asked %q", tt.name, got, err, errOut, tt.want, tt.wantErr, tt.wantAsk)
		}
	}
}

package cmdutil

import (
	"io"
	"strings"
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
		{"end of input", true, false, "", false, "", "Prune? [y/N] \n"},
		{"y, end of input", true, false, "y", true, "", "Prune? [y/N] \n"},
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

// lineAtATime reads as a terminal does: at most one line per Read.
type lineAtATime struct{ rest string }

func (r *lineAtATime) Read(p []byte) (int, error) {
	if r.rest == "" {
		return 0, io.EOF
	}
	line, _, _ := strings.Cut(r.rest, "\n")
	n := copy(p, r.rest[:min(len(line)+1, len(r.rest))])
	r.rest = r.rest[n:]
	return n, nil
}

// An answer longer than Confirm reads is read to its end all the same: what
// is left on a terminal's line would be run by the shell after exit.
func TestConfirmReadsTheWholeAnswerLine(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.SetTTY(true, true, true)
	in := &lineAtATime{rest: "y" + strings.Repeat(" rm -rf x", 1000) + "\nnext line\n"}
	ios.In = in
	if got, err := Confirm(ios, false, "prune", "Prune?"); got || err != nil {
		t.Errorf("Confirm = %v, %v; want false", got, err)
	}
	if in.rest != "next line\n" {
		t.Errorf("left unread %.40q..., want the next line only", in.rest)
	}
}

// The question wraps to the width of a terminal.
func TestConfirmFitsTheQuestionToTheTerminal(t *testing.T) {
	question := "Delete the requests received before 2026-11-30 04:04:18 (those with a forward pending stay)?"
	ios, in, _, errOut := iostreams.Test()
	ios.SetTTY(true, true, true)
	in.WriteString("y\n")
	if ok, err := Confirm(ios, false, "prune", question); !ok || err != nil {
		t.Fatalf("Confirm = %v, %v", ok, err)
	}
	want := "Delete the requests received before 2026-11-30 04:04:18 (those with a forward\npending stay)? [y/N] "
	if errOut.String() != want {
		t.Errorf("asked\n%q\nwant\n%q", errOut, want)
	}
}

package render

import (
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

func terminal(colour string) (*iostreams.IOStreams, *strings.Builder) {
	ios, _, _, _ := iostreams.Test()
	var b strings.Builder
	ios.Out = &b
	ios.SetTTY(false, true, true)
	ios.SetColorMode(colour)
	return ios, &b
}

func TestTable(t *testing.T) {
	ios, b := terminal("never")
	tb := NewTable(ios, "EVENT", "DESCRIPTION")
	tb.Row("pet.adopted", "a pet was adopted")
	tb.Row("order.created", "an order")
	tb.Render()
	if b.String() != "EVENT          DESCRIPTION\npet.adopted    a pet was adopted\norder.created  an order\n" {
		t.Fatalf("terminal table:\n%q", b.String())
	}
	ios, _, out, _ := iostreams.Test()
	tb = NewTable(ios, "EVENT", "DESCRIPTION")
	tb.Empty("No events.")
	tb.Row("pet.adopted", "a pet was adopted")
	tb.Render()
	if out.String() != "pet.adopted\ta pet was adopted\n" {
		t.Fatalf("piped table: %q", out.String())
	}
}

// A coloured cell in a column followed by another: the colour escapes do
// not count as width, so the next column starts where it does without colour.
func TestTableColourMovesNoColumn(t *testing.T) {
	render := func(colour string) string {
		ios, b := terminal(colour)
		st := ios.OutStyles()
		tb := NewTable(ios, "STATUS", "CREATED")
		tb.StyledRow(Cell{Text: "active", Style: st.Success}, Cell{Text: "09:30:00"})
		tb.StyledRow(Cell{Text: "disabled", Style: st.Warning}, Cell{Text: "2024-11-27"})
		tb.Render()
		return b.String()
	}
	coloured, plain := render("always"), render("never")
	if coloured == plain {
		t.Fatal("no colour")
	}
	want := "STATUS    CREATED\nactive    09:30:00\ndisabled  2024-11-27\n"
	if golden.Plain(coloured) != want || plain != want {
		t.Fatalf("coloured (escapes removed):\n%s\nplain:\n%s\nwant:\n%s", golden.Plain(coloured), plain, want)
	}
}

// Piped, with colour forced, the cells keep their colour and the tabs
// between them; without, they are plain.
func TestPipedTableColouredOnlyWhenForced(t *testing.T) {
	for _, colour := range []string{"always", "auto"} {
		ios, _, out, _ := iostreams.Test()
		ios.SetColorMode(colour)
		tb := NewTable(ios, "STATUS", "CREATED")
		tb.StyledRow(Cell{Text: "active", Style: ios.OutStyles().Success}, Cell{Text: "09:30:00"})
		tb.Render()
		want := "active\t09:30:00\n"
		if colour == "always" {
			want = "\x1b[32mactive\x1b[0m\t09:30:00\n"
		}
		if out.String() != want {
			t.Errorf("--color %s, piped: %q, want %q", colour, out.String(), want)
		}
	}
}

func TestTableElidesToFit(t *testing.T) {
	ios, b := terminal("never")
	tb := NewTable(ios, "ID", "URL", "ERROR")
	tb.Elide(1, ElideEnd)
	tb.Elide(2, ElideStart)
	tb.Row("wh_1", "https://hooks.example.com/"+strings.Repeat("p", 60), "dial tcp 127.0.0.1:9: connect: connection refused")
	tb.Render()
	golden.AssertFits(t, b.String(), TerminalWidth)
	lines := strings.Split(b.String(), "\n")
	if !strings.HasPrefix(lines[1], "wh_1") || !strings.Contains(lines[1], "https://hooks.example.com/ppp") ||
		!strings.Contains(lines[1], "…") || !strings.HasSuffix(lines[1], "connection refused") {
		t.Fatalf("elided:\n%s", b.String())
	}
	ios, b = terminal("never") // an escaped outside value in a column that is not to be elided
	tb = NewTable(ios, "ID", "URL")
	tb.Elide(1, ElideEnd)
	tb.Row(strings.Repeat(`\x1b`, 50), "https://hooks.example.com/")
	tb.Render()
	golden.AssertFits(t, b.String(), TerminalWidth)

	ios, b = terminal("never")
	tb = NewTable(ios, "A")
	tb.Empty("Nothing here.")
	tb.Render()
	if b.String() != "Nothing here.\n" {
		t.Fatalf("empty: %q", b.String())
	}
}

func TestShortID(t *testing.T) {
	for id, want := range map[string]string{
		"019b4132-70aa-764f-b315-e2803d882a24": "…3d882a24",
		"evt_1":                                "evt_1",
		"123456789":                            "123456789",
		"1234567890":                           "…34567890",
		"":                                     "",
		"é\\x1b[2Jabcdefgh":                    "…abcdefgh",
		// the raw id is cut, then escaped: no escape is cut in half
		"evt_0123456789\u200b\u00ad": "…\\u00ad",
		"evt_0123456789\x1b":         "…6789\\x1b",
		"evt_01234\xff":              "…1234\\xff",
		"evt_あいうえおか":                 "…うえおか",
	} {
		if got := ShortID(id); got != want {
			t.Errorf("ShortID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestTableTime(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.Local)
	for at, want := range map[time.Time]string{
		now.Add(-time.Hour):   "11:00:00",
		now.AddDate(0, 0, -2): "Jan 04 12:00",
		now.AddDate(-1, 0, 0): "2024-01-06",
		now.AddDate(0, 0, -6): "2024-12-31",
	} {
		if got := TableTime(at, now); got != want {
			t.Errorf("TableTime(%v) = %q, want %q", at, got, want)
		}
	}
}

package iostreams

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// family is one emoji of two columns: four joined by zero-width joiners.
const family = "👨\u200d👩\u200d👧\u200d👦"

func TestTruncateAndPad(t *testing.T) {
	tests := []struct {
		fn, in string
		width  int
		want   string
	}{
		{"Truncate", "pet.adopted", 20, "pet.adopted"},
		{"Truncate", "pet.adopted", 7, "pet.ad…"},
		{"Truncate", "猫猫猫猫", 5, "猫猫…"},
		{"Truncate", "abc", 0, ""},
		{"TruncateStart", "019b4132-70aa-764f-b315-e2803d882a24", 13, "…e2803d882a24"},
		{"TruncateStart", "evt_1", 13, "evt_1"},
		{"Pad", "pet.adopted", 14, "pet.adopted   "},
		{"Pad", "order.status_changed.v2", 20, "order.status_change…"},
		{"Pad", "猫", 3, "猫 "},
		// wide characters, emoji clusters and combining marks: never a
		// column too many, whichever side is cut
		{"TruncateStart", "事件编号一二三四五六七八九十", 8, "…八九十"},
		{"TruncateStart", "事件编号一二三四五六七八九十", 9, "…七八九十"},
		{"TruncateStart", "ab" + family + family + family + family + "x", 9, "…" + family + family + family + "x"},
		{"TruncateStart", "ab" + family + family + family + family + "x", 8, "…" + family + family + family + "x"},
		{"TruncateStart", "ab" + family + family + family + family + "x", 7, "…" + family + family + "x"},
		{"TruncateStart", strings.Repeat("e\u0301", 10), 8, "…" + strings.Repeat("e\u0301", 7)},
		{"Truncate", "事件编号一二三四五六七八九十", 8, "事件编…"},
		{"Truncate", "x" + family + family, 4, "x" + family + "…"},
		{"Truncate", "x" + family + family, 3, "x…"},
		{"Truncate", strings.Repeat("e\u0301", 10), 8, strings.Repeat("e\u0301", 7) + "…"},
		{"Pad", "事件编号一二三四五六七八九十", 8, "事件编… "},
	}
	for _, tt := range tests {
		var got string
		switch tt.fn {
		case "Truncate":
			got = Truncate(tt.in, tt.width)
		case "TruncateStart":
			got = TruncateStart(tt.in, tt.width)
		case "Pad":
			got = Pad(tt.in, tt.width)
		}
		// measured apart from x/ansi, which these functions use
		if cols := (&runewidth.Condition{}).StringWidth(got); got != tt.want || cols > tt.width {
			t.Errorf("%s(%q, %d) = %q (%d columns), want %q", tt.fn, tt.in, tt.width, got, cols, tt.want)
		}
	}
}

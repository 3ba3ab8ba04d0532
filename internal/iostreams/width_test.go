package iostreams

import "testing"

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
		if got != tt.want || Width(got) > tt.width {
			t.Errorf("%s(%q, %d) = %q (%d columns), want %q", tt.fn, tt.in, tt.width, got, Width(got), tt.want)
		}
	}
}

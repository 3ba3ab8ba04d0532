package golden

import (
	"strings"
	"testing"
)

func TestWidthLeavesColourOut(t *testing.T) {
	if got := Width("\x1b[32m✓ verified\x1b[0m"); got != 10 {
		t.Errorf("Width = %d, want 10", got)
	}
	for s, want := range map[string]int{"事件编号": 8, "…" + "👨\u200d👩\u200d👧\u200d👦": 3, "e\u0301·x": 3, "\x1b[2m猫\x1b[0m": 2} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
	if got := Plain("\x1b[1;36mpet.adopted\x1b[0m"); got != "pet.adopted" {
		t.Errorf("Plain = %q", got)
	}
}

func TestAssertFitsFlagsAWideLine(t *testing.T) {
	ft := &fakeT{TB: t}
	AssertFits(ft, "short\n"+strings.Repeat("x", 81), 80)
	if !ft.failed {
		t.Error("an 81-column line was not flagged")
	}
	ft = &fakeT{TB: t}
	AssertFits(ft, "    \x1b[2mX-Petstore-Signature:\x1b[0m sha256="+strings.Repeat("9f", 40), 80)
	if ft.failed {
		t.Error("a header's line, shown whole, was flagged")
	}
	ft = &fakeT{TB: t}
	AssertFits(ft, "\x1b[2mnot a header\x1b[0m "+strings.Repeat("x", 80), 80)
	if !ft.failed {
		t.Error("a wide line that is no header was not flagged")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }

package golden

import "testing"

func TestWidthLeavesColourOut(t *testing.T) {
	if got := Width("\x1b[32m✓ verified\x1b[0m"); got != 10 {
		t.Errorf("Width = %d, want 10", got)
	}
	if got := Plain("\x1b[1;36mpet.adopted\x1b[0m"); got != "pet.adopted" {
		t.Errorf("Plain = %q", got)
	}
}

func TestAssertFitsFlagsAWideLine(t *testing.T) {
	ft := &fakeT{TB: t}
	AssertFits(ft, "short\n"+string(make([]byte, 81)), 80)
	if !ft.failed {
		t.Error("an 81-column line was not flagged")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }

package render

import "testing"

func TestWrapAndStyleLines(t *testing.T) {
	got := Wrap(12, "  ", "one  two three\tfour")
	if want := "one two\n  three four"; got != want {
		t.Fatalf("Wrap = %q, want %q", got, want)
	}
	got = StyleLines(got, func(s string) string { return "<" + s + ">" })
	if want := "<one two>\n  <three four>"; got != want {
		t.Fatalf("StyleLines = %q, want %q", got, want)
	}
}

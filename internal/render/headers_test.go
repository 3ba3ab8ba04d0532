package render

import (
	"net/http"
	"slices"
	"testing"
)

func TestHeaderFieldsListsEveryValueAndMasksCredentials(t *testing.T) {
	h := http.Header{"X-Petstore-Signature": {"sha256=ab"}, "Authorization": {"Bearer s3cret"}, "Accept": {"a", "b"}, "Set-Cookie": {"id=1", "x=2"}}
	want := []HeaderField{{"Accept", "a", false}, {"Accept", "b", false}, {"Authorization", "****", true},
		{"Set-Cookie", "****", true}, {"Set-Cookie", "****", true}, {"X-Petstore-Signature", "sha256=ab", false}}
	if got := HeaderFields(h); !slices.Equal(got, want) {
		t.Errorf("HeaderFields = %+v\nwant %+v", got, want)
	}
	if got := HeaderFields(nil); got == nil || len(got) != 0 {
		t.Errorf("HeaderFields(nil) = %#v, want an empty list", got)
	}
}

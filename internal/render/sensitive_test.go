package render

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// Only the signature schemes' own headers escape masking, not every name
// that contains "signature".
func TestSensitiveMasksCredentialsNamedSignature(t *testing.T) {
	for _, name := range []string{"X-Signature-Key", "X-Auth-Signature", "Signature-Secret", "x-signature-token"} {
		if !Sensitive(name) {
			t.Errorf("%q is shown", name)
		}
	}
	for _, name := range signature.HeaderNames() {
		if Sensitive(name) {
			t.Errorf("scheme header %q is masked", name)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { Sensitive("X-Signature-Key"); Sensitive("X-Petstore-Signature") }); allocs != 0 {
		t.Errorf("Sensitive allocates %v times", allocs)
	}
}

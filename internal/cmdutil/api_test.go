package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// The hint for an API base on this machine that does not answer starts the
// emulator where the base points: with --addr unless that is its default.
func TestAPIErrorStartsTheEmulatorWhereTheBasePoints(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1:4010":  "'petstore-webhooks emulator',",
		"localhost:4010":  "'petstore-webhooks emulator',",
		"127.0.0.1:21411": "'petstore-webhooks emulator --addr 127.0.0.1:21411',",
		"localhost":       "'petstore-webhooks emulator --addr localhost:80',",
	} {
		err := APIError(&petstore.NetworkError{Host: host, Err: errors.New("connection refused")}, "")
		if CodeOf(err) != ExitAPI || !strings.Contains(err.Error(), "Start it with "+want) {
			t.Errorf("%s: %v", host, err)
		}
	}
}

package cli

import (
	"strings"
	"testing"
)

func TestEnvironmentHelpNamesForwardSecret(t *testing.T) {
	if !strings.Contains(environmentHelp(), "\n  PETSTORE_FORWARD_SECRET  listen: the secret that re-signs forwarded events") {
		t.Fatalf("help environment:\n%s", environmentHelp())
	}
}

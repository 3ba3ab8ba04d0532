package cli

import (
	"runtime/debug"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/config"
)

// The User-Agent of trigger, webhooks and the emulator names the version
// that 'version' prints: from the build information when no release version
// was stamped (it said petstore-webhooks/dev for a go install).
func TestUserAgentHasTheBuildVersion(t *testing.T) {
	defer func(old func() (*debug.BuildInfo, bool)) { readBuildInfo = old }(readBuildInfo)
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true
	}
	f := newFactory(config.NewLoader())
	if got, want := f.UserAgent(), "petstore-webhooks/v1.2.3"; got != want {
		t.Errorf("UserAgent() = %q, want %q", got, want)
	}
	if f.AppVersion != "v1.2.3" {
		t.Errorf("AppVersion = %q, want v1.2.3 (the emulator's User-Agent uses it)", f.AppVersion)
	}
}

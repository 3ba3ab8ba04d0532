package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "866d7b81ddd92cd6fef7dd662e6d430b1fed96ad"},
			{Key: "vcs.time", Value: "2026-12-01T03:21:15Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	for _, tc := range []struct {
		name                  string
		info                  debug.BuildInfo
		version, commit, date string
	}{
		{"go install module@tag", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3", "", ""},
		{"go build in a checkout", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201032115-866d7b81ddd9"}, Settings: vcs("false")},
			"v0.0.0-20261201032115-866d7b81ddd9", "866d7b81ddd9", "2026-12-01T03:21:15Z"},
		{"go build with changes", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201032115-866d7b81ddd9+dirty"}, Settings: vcs("true")},
			"v0.0.0-20261201032115-866d7b81ddd9+dirty", "866d7b81ddd9", "2026-12-01T03:21:15Z"},
		{"no module version, changes", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			"dev+dirty", "866d7b81ddd9", "2026-12-01T03:21:15Z"},
		{"nothing recorded", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, c, d := versionFromBuildInfo(&tc.info)
			if v != tc.version || c != tc.commit || d != tc.date {
				t.Fatalf("got %q %q %q, want %q %q %q", v, c, d, tc.version, tc.commit, tc.date)
			}
		})
	}
}

package cli

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
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

// Flags → Options: version takes no arguments and prints the build's
// version with its commit and date.
func TestVersionOptions(t *testing.T) {
	defer func(old func() (*debug.BuildInfo, bool)) { readBuildInfo = old }(readBuildInfo)
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "866d7b81ddd92cd6fef7dd662e6d430b1fed96ad"}, {Key: "vcs.time", Value: "2026-12-01T03:21:15Z"}}}, true
	}
	for _, tt := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{nil, "v1.2.3 (866d7b81ddd9, 2026-12-01T03:21:15Z)", ""},
		{[]string{"now"}, "", `version takes no arguments, got "now"`},
	} {
		f, _ := cmdtest.Factory(t, nil)
		var got *VersionOptions
		err := cmdtest.Run(NewCmdVersion(f, func(_ context.Context, o *VersionOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			cmdtest.AssertUsageError(t, err, tt.wantErr)
			if got != nil {
				t.Errorf("%q ran after a usage error", tt.args)
			}
			continue
		}
		if err != nil || got == nil || got.Version != tt.want || got.IO != f.IOStreams {
			t.Fatalf("%q: options %+v, %v; want version %q", tt.args, got, err, tt.want)
		}
	}
}

// Options → stdout, as a terminal and piped.
func TestVersionRenderings(t *testing.T) {
	termErr, pipeErr := cmdtest.AssertRenderingsOf(t, "version", nil, func(f *cmdutil.Factory) error {
		return versionRun(context.Background(), &VersionOptions{IO: f.IOStreams, Version: "v1.2.3 (866d7b81ddd9, 2026-12-01T03:21:15Z)"})
	})
	if termErr != nil || pipeErr != nil {
		t.Fatal(termErr, pipeErr)
	}
}

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A build from a git checkout with plain `go build` (no release -ldflags)
// says which commit it is, and +dirty with uncommitted changes. The checkout
// is a fresh repository holding this working tree's files: Go records no VCS
// information in a git worktree (golang/go#58218), and the machine's GOFLAGS
// may say -buildvcs=false, which the flag overrides.
func TestVersionOfABuildFromACheckout(t *testing.T) {
	src := t.TempDir()
	files, err := exec.Command("git", "-C", "../..", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files (this test needs a git checkout): %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join("..", "..", name))
		if os.IsNotExist(err) {
			continue // deleted, not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", src, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "a checkout")
	revision := git("rev-parse", "HEAD")
	version := func() string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "petstore-webhooks")
		// -trimpath, as in a release build, keeps the checkout's new
		// directory out of the compiled packages, so that they come from
		// the build cache: without it every run compiles the module again.
		// It changes file paths in the binary, not its VCS stamp.
		build := exec.Command("go", "build", "-buildvcs=true", "-trimpath", "-o", bin, "./cmd/petstore-webhooks")
		build.Dir = src
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			t.Fatal(err)
		}
		alt, _ := exec.Command(bin, "--version").Output()
		if string(alt) != string(out) {
			t.Fatalf("--version says %q, version %q", alt, out)
		}
		return string(out)
	}
	clean := regexp.MustCompile(`^petstore-webhooks v0\.0\.0-\d{14}-` + revision[:12] + ` \(` + revision[:12] + `, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$`)
	if got := version(); !clean.MatchString(got) {
		t.Fatalf("a build of commit %s says %q", revision[:12], got)
	}
	if err := os.WriteFile(filepath.Join(src, "uncommitted.txt"), []byte("a change\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dirty := regexp.MustCompile(`^petstore-webhooks v0\.0\.0-\d{14}-` + revision[:12] + `\+dirty \(` + revision[:12] + `, `)
	if got := version(); !dirty.MatchString(got) {
		t.Fatalf("a build with uncommitted changes says %q", got)
	}
}

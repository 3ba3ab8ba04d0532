package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A fixtures directory holding a FIFO, a symlink to /dev/zero, a directory
// named x.json, a symlink loop and a 300 MB sparse file: every trigger used
// to read them all first, hanging on the FIFO (deaf to SIGINT and SIGTERM).
// Now each spoils only its own event type.
func TestBadFixturesDirSpoilsOnlyItsBadFiles(t *testing.T) {
	u := newUser(t)
	dir := filepath.Join(u.dir, "fixtures")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(dir, 0o755))
	must(os.WriteFile(filepath.Join(dir, "shelter.opened.json"), []byte(`{"eventType":"shelter.opened","data":{"id":"{{uuid}}"}}`), 0o644))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.json"), 0o600))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")))
	must(os.Mkdir(filepath.Join(dir, "x.json"), 0o755))
	must(os.Symlink(filepath.Join(dir, "loop.json"), filepath.Join(dir, "loop.json")))
	must(os.WriteFile(filepath.Join(dir, "huge.json"), nil, 0o644))
	must(os.Truncate(filepath.Join(dir, "huge.json"), 300<<20))
	u.env = append(u.env, "PETSTORE_FIXTURES_DIR="+dir, "PETSTORE_WEBHOOK_SECRET=whsec_test")

	// run runs the binary with a deadline: the old code never returned.
	run := func(args ...string) (stdout, stderr string, code int) {
		t.Helper()
		l := u.start(nil, args...)
		code = l.wait(t)
		return l.stdout.String(), l.stderr.String(), code
	}

	for _, event := range []string{"pet.adopted", "shelter.opened"} {
		out, errOut, code := run("trigger", event, "--dry-run")
		if code != 0 || !strings.Contains(out, `"eventType":"`+event+`"`) || errOut != "" {
			t.Errorf("trigger %s --dry-run: exit %d\n%s\n%s", event, code, out, errOut)
		}
	}

	out, errOut, code := run("fixtures")
	wantErr := "warning: fixture " + filepath.Join(dir, "huge.json") + " is larger than the 1 MiB limit on input files: use a smaller file; skipped\n" +
		"warning: fixture " + filepath.Join(dir, "loop.json") + ": too many levels of symbolic links; skipped\n" +
		"warning: fixture " + filepath.Join(dir, "pipe.json") + ": not a regular file: a named pipe; skipped\n" +
		"warning: fixture " + filepath.Join(dir, "x.json") + ": not a regular file: a directory; skipped\n" +
		"warning: fixture " + filepath.Join(dir, "zero.json") + ": not a regular file: a device; skipped\n"
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if fields := strings.Fields(line); len(fields) > 0 {
			types = append(types, fields[0])
		}
	}
	wantTypes := "order.created order.status_changed payment.failed payment.succeeded pet.adopted pet.status_changed shelter.opened"
	if code != 0 || errOut != wantErr || strings.Join(types, " ") != wantTypes {
		t.Errorf("fixtures: exit %d\nstdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", code, out, errOut, wantErr)
	}

	for event, want := range map[string]string{
		"pipe": "Error: fixture " + filepath.Join(dir, "pipe.json") + ": not a regular file: a named pipe\n",
		"huge": "Error: fixture " + filepath.Join(dir, "huge.json") + " is larger than the 1 MiB limit on input files: use a smaller file\n",
	} {
		out, errOut, code := run("trigger", event, "--dry-run")
		if code == 0 || out != "" || errOut != want {
			t.Errorf("trigger %s --dry-run: exit %d\nstdout: %s\nstderr: %q\nwant: %q", event, code, out, errOut, want)
		}
	}
}

package inputfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadStopsAtTheLimit(t *testing.T) {
	if b, err := Read(bytes.NewReader(make([]byte, MaxSize)), "exact"); err != nil || len(b) != MaxSize {
		t.Fatalf("MaxSize bytes: %d, %v", len(b), err)
	}
	_, err := Read(bytes.NewReader(make([]byte, MaxSize+1)), "big.json")
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != "big.json is larger than the 1 MiB limit on input files: use a smaller file" {
		t.Fatalf("MaxSize+1 bytes: %v", err)
	}
}

func TestReadFileDevicesAndDirectories(t *testing.T) {
	var tl *TooLargeError
	if _, err := ReadFile("/dev/zero"); !errors.As(err, &tl) {
		t.Fatalf("/dev/zero: %v", err)
	}
	dir := t.TempDir()
	if _, err := ReadFile(dir); err == nil || err.Error() != dir+" is a directory: name a file" {
		t.Fatalf("directory: %v", err)
	}
}

func TestReadRegularRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.json")
	os.Symlink("/dev/zero", zero)
	loop := filepath.Join(dir, "loop.json")
	os.Symlink(loop, loop)
	huge := filepath.Join(dir, "huge.json")
	os.WriteFile(huge, nil, 0o644)
	os.Truncate(huge, 300<<20) // sparse
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{}`), 0o644)

	for name, want := range map[string]string{
		fifo: "not a regular file: a named pipe",
		zero: "not a regular file: a device",
		dir:  "not a regular file: a directory",
		loop: "too many levels of symbolic links",
		huge: huge + " is larger than the 1 MiB limit on input files: use a smaller file",
	} {
		if _, err := ReadRegular(name); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", filepath.Base(name), err, want)
		}
	}
	if b, err := ReadRegular(good); err != nil || !strings.EqualFold(string(b), "{}") {
		t.Fatalf("good: %q, %v", b, err)
	}
}

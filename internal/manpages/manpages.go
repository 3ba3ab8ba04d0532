// Package manpages writes the man pages that release archives carry. It is
// apart from the command tree so that the program itself does not link the
// roff generator, whose package initialisation every start-up paid.
package manpages

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// Write writes a gzipped man page, section 1, for every command of root
// into dir, dated date, naming source ("petstore-webhooks v1.2.0") as the
// program they document.
func Write(root *cobra.Command, dir string, date time.Time, source string) error {
	tmp, err := os.MkdirTemp("", "petstore-webhooks-man")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	header := &doc.GenManHeader{Title: "PETSTORE-WEBHOOKS", Section: "1", Source: source, Manual: "petstore-webhooks manual", Date: &date}
	if err := doc.GenManTree(root, header, tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(tmp, "*.1"))
	if err != nil {
		return err
	}
	for _, page := range pages {
		if err := gzipFile(page, filepath.Join(dir, filepath.Base(page)+".gz")); err != nil {
			return err
		}
	}
	return nil
}

func gzipFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, b.Bytes(), 0o644)
}

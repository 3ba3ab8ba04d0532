// Command petstore-webhooks-docs writes what is generated from the command
// tree: the shell completion scripts kept in completions/, and the man pages
// that release archives and packages carry.
//
//	go run ./cmd/petstore-webhooks-docs -completions completions -man manpages
//
// Man pages are dated $SOURCE_DATE_EPOCH when it is set, else today.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cli"
	"github.com/petstoreapi/petstore-webhooks/internal/manpages"
)

func main() {
	completions := flag.String("completions", "", "directory to write the completion scripts into")
	man := flag.String("man", "", "directory to write the man pages into")
	flag.Parse()
	if *completions == "" && *man == "" {
		fmt.Fprintln(os.Stderr, "petstore-webhooks-docs: give -completions DIR, -man DIR or both")
		os.Exit(2)
	}
	if err := run(*completions, *man); err != nil {
		fmt.Fprintln(os.Stderr, "petstore-webhooks-docs:", err)
		os.Exit(1)
	}
}

func run(completionsDir, manDir string) error {
	if completionsDir != "" {
		scripts, err := cli.Completions(cli.Tree())
		if err != nil {
			return err
		}
		if err := os.MkdirAll(completionsDir, 0o755); err != nil {
			return err
		}
		for name, script := range scripts {
			if err := os.WriteFile(filepath.Join(completionsDir, name), script, 0o644); err != nil {
				return err
			}
		}
	}
	if manDir != "" {
		date := time.Now()
		if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("SOURCE_DATE_EPOCH %q: want Unix seconds", s)
			}
			date = time.Unix(n, 0)
		}
		return manpages.Write(cli.ManTree(), manDir, date, "petstore-webhooks "+cli.Version())
	}
	return nil
}

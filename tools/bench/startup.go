package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// startupRuns is how many times hyperfine runs each start-up command, after
// 40 runs to warm the page cache.
const startupRuns = 200

// startup times the commands of issue #15's start-up target with hyperfine
// (-N: no shell; output to /dev/null), as the issue measured them, in a
// build made as the release's is (CGO_ENABLED=0, -trimpath, -s -w: what
// users download) and in the default `go build` that `go install` makes
// (linked to the C library when a C compiler is present, as here).
func startup(dir string) error {
	hyperfine, err := exec.LookPath("hyperfine")
	if err != nil {
		return fmt.Errorf("-startup needs hyperfine on PATH (apt-get install hyperfine)")
	}
	release := filepath.Join(dir, "bin", "petstore-webhooks-release")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", release, "./cmd/petstore-webhooks")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build (release settings): %v\n%s", err, out)
	}
	installed := filepath.Join(dir, "bin", "petstore-webhooks")
	commands := []string{"--version", "trigger order.created --dry-run --secret " + secret, "fixtures"}
	fmt.Printf("start-up: hyperfine -N, %d runs after 40 to warm up (target: no slower than 4 ms mean)\n", startupRuns)
	for _, bin := range []struct{ name, path string }{{"release build", release}, {"go build", installed}} {
		for _, args := range commands {
			report := filepath.Join(dir, "hyperfine.json")
			cmd := exec.Command(hyperfine, "-N", "-w", "40", "-r", strconv.Itoa(startupRuns), "--export-json", report, bin.path+" "+args)
			cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir, "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("hyperfine %s %s: %v\n%s", bin.name, args, err, out)
			}
			var result struct {
				Results []struct{ Mean, Stddev, User, System float64 }
			}
			data, err := os.ReadFile(report)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(data, &result); err != nil || len(result.Results) != 1 {
				return fmt.Errorf("hyperfine wrote no result for %s %s: %v", bin.name, args, err)
			}
			r := result.Results[0]
			shown, _, _ := strings.Cut(args, " --secret")
			fmt.Printf("  %-14s %-32s mean %.2f ms ± %.2f  (user %.2f, system %.2f)\n", bin.name, shown, r.Mean*1000, r.Stddev*1000, r.User*1000, r.System*1000)
		}
	}
	fmt.Println()
	return nil
}

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// profileConns is the load under which listen is profiled.
const profileConns = 32

// profiles takes, with a binary built with -tags pprof, a CPU profile of d
// under load and an allocation profile of listen with history, listen
// --no-history and trigger, saves them in outDir and prints the top of each.
// trigRate sizes trigger's --count so that it is still sending when both
// profiles have been taken (trigger's fastest rate in -trigger's rounds, or
// a guess).
func profiles(self, dir, outDir string, d time.Duration, trigRate float64) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	bin := filepath.Join(dir, "bin-pprof", "petstore-webhooks")
	fmt.Fprintln(os.Stderr, "building petstore-webhooks -tags pprof ...")
	if out, err := exec.Command("go", "build", "-tags", "pprof", "-o", bin, "./cmd/petstore-webhooks").CombinedOutput(); err != nil {
		return fmt.Errorf("go build -tags pprof: %v\n%s", err, out)
	}
	for _, l := range []struct {
		name, what string
		args       []string
	}{
		{"listen-history", "listen, history on", []string{"--history", filepath.Join(dir, "profile.db")}},
		{"listen-no-history", "listen --no-history", []string{"--no-history"}},
	} {
		fmt.Fprintf(os.Stderr, "profiling %s ...\n", l.what)
		if err := profileListen(self, bin, dir, filepath.Join(outDir, l.name), d, l.args); err != nil {
			return fmt.Errorf("profiling %s: %w", l.what, err)
		}
		fmt.Printf("profile of %s, pinned to CPU 1, under the raw load from CPU 0 at %d connections: CPU for %s, then allocations since start\n", l.what, profileConns, d)
		if err := printTops(filepath.Join(outDir, l.name)); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "profiling trigger ...")
	n, err := profileTrigger(self, bin, dir, filepath.Join(outDir, "trigger"), d, trigRate)
	if err != nil {
		return fmt.Errorf("profiling trigger: %w", err)
	}
	fmt.Printf("profile of trigger order.created --count %d --concurrency 32 on CPU 0 (under a pseudo-terminal: bar and summary on), to the bare handler on CPU 1: CPU for %s, then allocations since start\n", n, d)
	return printTops(filepath.Join(outDir, "trigger"))
}

// profileListen starts listen ARGS pinned to CPU 1, loads it from CPU 0 and
// takes its profiles as base.cpu.pprof and base.allocs.pprof.
func profileListen(self, bin, dir, base string, d time.Duration, args []string) error {
	pprofAddr := freeAddr()
	addr := freeAddr()
	cmd := pinnedCmd("1", bin, append([]string{"listen", "--addr", addr, "--format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "PETSTORE_WEBHOOKS_PPROF="+pprofAddr)
	p, err := start(cmd, addr, dir)
	if err != nil {
		return err
	}
	defer p.stop()
	if err := waitForPprof(pprofAddr); err != nil {
		return err
	}
	// The load runs a second longer than the profile, which starts when the
	// load generator says its warm-up is over.
	load := pinnedCmd("0", self, "-load", p.url, strconv.Itoa(profileConns), "1s", (d + time.Second).String())
	var out bytes.Buffer
	load.Stdout = &out
	errPipe, err := load.StderrPipe()
	if err != nil {
		return err
	}
	if err := load.Start(); err != nil {
		return err
	}
	var said strings.Builder
	sc := bufio.NewScanner(errPipe)
	measuring := false
	for !measuring && sc.Scan() {
		said.WriteString(sc.Text() + "\n")
		measuring = sc.Text() == "measuring"
	}
	var profErr error
	if measuring {
		profErr = fetchProfile(pprofAddr, "profile?seconds="+profileSeconds(d), base+".cpu.pprof")
	}
	for sc.Scan() {
		said.WriteString(sc.Text() + "\n")
	}
	if err := load.Wait(); err != nil || !measuring {
		return fmt.Errorf("load generator: %v\n%s", err, said.String())
	}
	if profErr != nil {
		return profErr
	}
	var ok, other int64
	var secs float64
	if _, err := fmt.Sscan(out.String(), &ok, &other, &secs); err != nil || other > 0 {
		return fmt.Errorf("load generator said %q (2xx, other, seconds)", out.String())
	}
	return fetchProfile(pprofAddr, "allocs", base+".allocs.pprof")
}

// profileTrigger runs trigger pinned to CPU 0 under a pseudo-terminal
// against the bare handler on CPU 1 and takes its profiles while it sends;
// it returns the --count it gave.
func profileTrigger(self, bin, dir, base string, d time.Duration, rate float64) (int, error) {
	if rate == 0 {
		rate = 50000 // about hey's rate here: trigger's target is 0.8x of it
	}
	// enough events to go on sending for d, the start-up and the fetch of
	// the allocations, with room for a faster trigger than measured
	n := int(rate * (d + 2*time.Second).Seconds() * 1.5)
	addr := freeAddr()
	p, err := start(pinnedCmd("1", self, "-serve-bare", addr), addr, dir)
	if err != nil {
		return 0, err
	}
	defer p.stop()
	pprofAddr := freeAddr()
	env := append(os.Environ(), "PETSTORE_WEBHOOK_SECRET="+secret, "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir, "PETSTORE_WEBHOOKS_PPROF="+pprofAddr)
	cmd := triggerUnderPTY(bin, env, "order.created", "--url", p.url, "--count", strconv.Itoa(n), "--concurrency", "32", "--secret", secret)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	profErr := waitForPprof(pprofAddr)
	if profErr == nil {
		profErr = fetchProfile(pprofAddr, "profile?seconds="+profileSeconds(d), base+".cpu.pprof")
	}
	if profErr == nil { // while it still sends: its allocations since start
		profErr = fetchProfile(pprofAddr, "allocs", base+".allocs.pprof")
	}
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("trigger: %v\n%s", err, tail(out.String()))
	}
	if profErr != nil {
		return 0, fmt.Errorf("%v (did trigger end first? --count %d at %.0f/s)", profErr, n, rate)
	}
	if _, err := readTriggerOutput(out.Bytes(), n); err != nil {
		return 0, err
	}
	if got, err := bareCount(p); err != nil || got.count != n {
		return 0, fmt.Errorf("trigger delivered %d events, the bare handler read %d requests (%v)", n, got.count, err)
	}
	return n, nil
}

// waitForPprof polls the process's profile server until it answers.
func waitForPprof(addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get("http://" + addr + "/debug/pprof/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			return fmt.Errorf("%s/debug/pprof/ answered %s: is the binary built with -tags pprof?", addr, resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no profile server on %s after 10s: %v", addr, err)
		}
		<-tick.C
	}
}

// fetchProfile saves /debug/pprof/WHAT to file.
func fetchProfile(addr, what, file string) error {
	resp, err := http.Get("http://" + addr + "/debug/pprof/" + what)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", what, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		return fmt.Errorf("fetching %s: %s %v\n%s", what, resp.Status, err, b)
	}
	return os.WriteFile(file, b, 0o644)
}

// printTops prints the top 25 of base's CPU profile, flat then cumulative,
// and of its allocation profile (bytes allocated since start). Go's profiles
// name their functions: pprof needs no binary.
func printTops(base string) error {
	for _, v := range []struct{ file, sort string }{
		{base + ".cpu.pprof", "-top"}, {base + ".cpu.pprof", "-cum"}, {base + ".allocs.pprof", "-top"},
	} {
		args := []string{"tool", "pprof", "-top", "-nodecount=25"}
		if v.sort == "-cum" {
			args = append(args, "-cum")
		}
		out, err := exec.Command("go", append(args, v.file)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		fmt.Printf("$ go %s %s\n%s\n", strings.Join(args, " "), v.file, out)
	}
	return nil
}

// profileSeconds is d in whole seconds, at least one (0 would mean 30).
func profileSeconds(d time.Duration) string { return strconv.Itoa(max(1, int(d.Seconds()))) }

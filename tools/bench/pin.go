package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// pinnedCmd runs cmd's program under `taskset -c cpu`.
func pinnedCmd(cpu string, name string, args ...string) *exec.Cmd {
	return exec.Command("taskset", append([]string{"-c", cpu, name}, args...)...)
}

// pinnedThroughput starts a server (already pinned to CPU 1 by its start
// function) and loads it from a child on CPU 0.
func pinnedThroughput(self string, d time.Duration, conns int, startServer func(string) (*process, error)) (float64, error) {
	p, err := startServer(freeAddr())
	if err != nil {
		return 0, err
	}
	defer p.stop()
	out, err := pinnedCmd("0", self, "-load", p.url, strconv.Itoa(conns), "1s", d.String()).Output()
	if err != nil {
		return 0, fmt.Errorf("pinned load generator: %v\n%s", err, stderrOf(err))
	}
	var ok, bad int64
	var secs float64
	if _, err := fmt.Sscan(string(out), &ok, &bad, &secs); err != nil {
		return 0, fmt.Errorf("pinned load generator said %q: %v", out, err)
	}
	if bad > 0 {
		return 0, fmt.Errorf("%d requests to %s failed", bad, p.url)
	}
	return float64(ok) / secs, nil
}

// pinned runs the throughput with every server on CPU 1 and the load
// generator on CPU 0; each listen run comes right after a bare run, and its
// ratio is to that run. With wrk on PATH, each round then runs wrk as issue
// #15 did (one identical body) on the bare handler, listen with history and
// listen --no-history, as a reference.
func pinned(self, bin, dir string, d time.Duration, conns, rounds int) error {
	bare := func(addr string) (*process, error) {
		return start(pinnedCmd("1", self, "-serve-bare", addr), addr, dir)
	}
	listen := func(args ...string) func(string) (*process, error) {
		return func(addr string) (*process, error) {
			return start(pinnedCmd("1", bin, append([]string{"listen", "--addr", addr, "--format", "json"}, args...)...), addr, dir)
		}
	}
	// Each run with history starts from an empty file, so that every round
	// and connection count writes into the same size of history.
	withHistory := func(name string) func(string) (*process, error) {
		path := filepath.Join(dir, name)
		return func(addr string) (*process, error) {
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, err
				}
			}
			return listen("--history", path)(addr)
		}
	}
	servers := []server{
		{"listen, history on", withHistory("pinned.db")},
		{"listen --no-history", listen("--no-history")},
	}
	wrk, _ := exec.LookPath("wrk")
	var wrkScript string
	wrkServers := []server{
		{"bare", bare},
		{"listen, history on", withHistory("pinned-wrk.db")},
		{"listen --no-history", listen("--no-history")},
	}
	wrkRates := make([][]float64, len(wrkServers))
	if wrk != "" {
		body := petAdopted("evt_bench_wrk_one_body")
		var err error
		if wrkScript, err = writeWrkScript(dir, "pinned-wrk.lua", body, sign(body)); err != nil {
			return err
		}
	}
	targets := []string{"0.6x", "0.9x"}
	bareRates := make([][]float64, len(servers))
	rates := make([][]float64, len(servers))
	for round := range rounds {
		for i, srv := range servers {
			fmt.Fprintf(os.Stderr, "pinned, %d connections, round %d: bare, then %s ...\n", conns, round+1, srv.name)
			b, err := pinnedThroughput(self, d, conns, bare)
			if err != nil {
				return err
			}
			r, err := pinnedThroughput(self, d, conns, srv.start)
			if err != nil {
				return err
			}
			bareRates[i] = append(bareRates[i], b)
			rates[i] = append(rates[i], r)
		}
		if wrk == "" {
			continue
		}
		for i, srv := range wrkServers {
			fmt.Fprintf(os.Stderr, "pinned, %d connections, round %d: wrk, one body, on %s ...\n", conns, round+1, srv.name)
			p, err := srv.start(freeAddr())
			if err != nil {
				return err
			}
			r, err := runWrk(wrk, wrkScript, conns, d, p.url)
			p.stop()
			if err != nil {
				return err
			}
			wrkRates[i] = append(wrkRates[i], r)
		}
	}
	if rounds == 0 {
		return nil
	}
	fmt.Printf("throughput (2xx answers per second), %d rounds, %d connections, pinned: server on CPU 1, load generator on CPU 0\n", rounds, conns)
	fmt.Printf("  load: the harness's raw HTTP/1.1 client, every request a distinct signed pet.adopted event of about %d bytes\n", len(petAdopted(eventIDPrefix()+"100000")))
	for i, srv := range servers {
		var ratios []float64
		fmt.Printf("  %-22s bare", srv.name)
		for round := range rates[i] {
			fmt.Printf(" %8.0f/s", bareRates[i][round])
		}
		fmt.Printf("  then")
		for round, r := range rates[i] {
			ratios = append(ratios, r/bareRates[i][round])
			fmt.Printf(" %8.0f/s", r)
		}
		fmt.Printf("   ratio to the bare run before, %s  target >= %s\n", ratioSummary(ratios), targets[i])
	}
	if wrk == "" {
		fmt.Println("  wrk: not on PATH; its reference rows skipped")
	} else {
		fmt.Printf("  reference, as issue #15 measured: taskset -c 0 wrk -t1 -c%d -d%s (wrk, one body: ids repeat, so listen marks every request after the first as a duplicate)\n", conns, d)
		for i, srv := range wrkServers {
			ratios := rateRow("  "+srv.name, 24, wrkRates[i], wrkRates[0])
			if i > 0 {
				fmt.Printf("   ratio to wrk's bare run of the round, %s", ratioSummary(ratios))
			}
			fmt.Println()
		}
	}
	fmt.Println()
	return nil
}

// writeWrkScript writes a wrk script that POSTs body, signed with sig, and
// returns its path.
func writeWrkScript(dir, name string, body []byte, sig string) (string, error) {
	script := filepath.Join(dir, name)
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Petstore-Signature\"] = %q\n", body, sig)
	return script, os.WriteFile(script, []byte(lua), 0o600)
}

// runWrk runs `taskset -c 0 wrk -t1 -cC -dD -s SCRIPT URL` and returns its
// Requests/sec; a non-2xx answer or a socket error is an error.
func runWrk(wrk, script string, c int, d time.Duration, url string) (float64, error) {
	out, err := pinnedCmd("0", wrk, "-t1", "-c"+strconv.Itoa(c), "-d"+d.String(), "-s", script, url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		return 0, fmt.Errorf("wrk got errors or non-2xx answers:\n%s", out)
	}
	m := reqPerSec.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk printed no Requests/sec:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// stderrOf is what a command run by Output said on stderr before it failed.
func stderrOf(err error) []byte {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Stderr
	}
	return nil
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// A follower is what follows the inspector's live stream while listen is
// loaded: a page, or only its stream.
type follower struct {
	name  string
	start func(uiURL string) (*exec.Cmd, error)
}

// followers are the harness's own reader of /api/stream (the server's cost
// of a follower alone) and, when chromium is on PATH, the inspector's page
// in headless Chromium (a browser tab as a user has it open). Both run on
// CPU 0, beside the load generator.
func followers(self, dir string) []follower {
	fs := []follower{{"stream reader", func(ui string) (*exec.Cmd, error) {
		cmd := pinnedCmd("0", self, "-follow", ui+"/api/stream")
		return cmd, cmd.Start()
	}}}
	if chromium, err := exec.LookPath("chromium"); err == nil {
		fs = append(fs, follower{"chromium page", func(ui string) (*exec.Cmd, error) {
			profile, err := os.MkdirTemp(dir, "chromium-*")
			if err != nil {
				return nil, err
			}
			cmd := pinnedCmd("0", chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
				"--user-data-dir="+profile, "--remote-debugging-port=0", ui+"/")
			return cmd, cmd.Start()
		}})
	}
	return fs
}

// followStream reads a Server-Sent Events stream until it ends (the
// -follow child): what a page's EventSource does, without drawing.
func followStream(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
	}
	return sc.Err()
}

// startFollower starts f on the inspector at uiURL and waits until the
// inspector counts a follower of its stream.
func startFollower(f follower, uiURL string) (stop func(), err error) {
	cmd, err := f.start(uiURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.name, err)
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	deadline := time.Now().Add(20 * time.Second)
	for {
		var info struct{ Followers int }
		resp, err := http.Get(uiURL + "/api/info")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&info)
			resp.Body.Close()
		}
		if err == nil && info.Followers > 0 {
			return stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("%s did not follow %s/api/stream within 20s (last: %v)", f.name, uiURL, err)
		}
		time.Sleep(20 * time.Millisecond) // polling the condition, not waiting for time to pass
	}
}

// inspectorCost measures what an open inspector costs listen (history on,
// pinned to CPU 1): the throughput of rounds alternating --no-ui and the
// inspector with each follower, each ratio to the --no-ui run just before,
// then the relay latency of each.
func inspectorCost(self, bin, dir string, d time.Duration, conns, rounds, latencyN int, bodies []signed) error {
	db := filepath.Join(dir, "inspector.db")
	listen := func(args ...string) func(string) (*process, error) {
		return func(addr string) (*process, error) {
			for _, f := range []string{db, db + "-wal", db + "-shm"} {
				os.Remove(f)
			}
			return start(pinnedCmd("1", bin, append([]string{"listen", "--addr", addr, "--format", "json", "--history", db}, args...)...), addr, dir)
		}
	}
	withFollower := func(f follower) func(string) (*process, error) {
		return func(addr string) (*process, error) {
			ui := freeAddr()
			p, err := listen("--ui-addr", ui)(addr)
			if err != nil {
				return nil, err
			}
			stop, err := startFollower(f, "http://"+ui)
			if err != nil {
				p.stop()
				return nil, err
			}
			p.also = stop
			return p, nil
		}
	}
	fs := followers(self, dir)
	base := make([][]float64, len(fs))
	rates := make([][]float64, len(fs))
	for round := range rounds {
		for i, f := range fs {
			fmt.Fprintf(os.Stderr, "inspector, %d connections, round %d: --no-ui, then the inspector with a %s ...\n", conns, round+1, f.name)
			b, err := pinnedThroughput(self, d, conns, listen("--no-ui"))
			if err != nil {
				return err
			}
			r, err := pinnedThroughput(self, d, conns, withFollower(f))
			if err != nil {
				return err
			}
			base[i], rates[i] = append(base[i], b), append(rates[i], r)
		}
	}
	fmt.Printf("inspector open: listen, history on, %d connections, pinned (listen on CPU 1; load generator and follower on CPU 0), %d rounds\n", conns, rounds)
	for i, f := range fs {
		rateRow("--no-ui", 24, base[i], base[i])
		fmt.Println()
		ratios := rateRow("with a "+f.name, 24, rates[i], base[i])
		fmt.Printf("   ratio to the --no-ui run before, %s  target >= 0.95x\n", ratioSummary(ratios))
	}
	fmt.Printf("relay latency added, %d events one at a time (target: within 5%% of --no-ui)\n", latencyN)
	direct, relayed, err := relayLatency(bin, dir, latencyN, bodies, []string{"--no-ui"}, nil)
	if err != nil {
		return err
	}
	fmt.Printf("  %-24s p50 %7s  p99 %7s\n", "--no-ui", us(pct(relayed, 50)-pct(direct, 50)), us(pct(relayed, 99)-pct(direct, 99)))
	for _, f := range fs {
		ui := freeAddr()
		direct, relayed, err := relayLatency(bin, dir, latencyN, bodies, []string{"--ui-addr", ui}, func(*process) (func(), error) {
			return startFollower(f, "http://"+ui)
		})
		if err != nil {
			return err
		}
		fmt.Printf("  %-24s p50 %7s  p99 %7s\n", "with a "+f.name, us(pct(relayed, 50)-pct(direct, 50)), us(pct(relayed, 99)-pct(direct, 99)))
	}
	fmt.Println()
	return nil
}

package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// pinnedCmd runs cmd's program under `taskset -c cpu`.
func pinnedCmd(cpu string, name string, args ...string) *exec.Cmd {
	return exec.Command("taskset", append([]string{"-c", cpu, name}, args...)...)
}

// freshBodies returns a source of events signed as they are taken, each with
// an id no other call of this process, nor another run, gives: listen takes a
// repeated id for a duplicate, which takes another path (not printed).
func freshBodies() func() signed {
	key := []byte(secret)
	prefix := fmt.Sprintf("bench-%d-%d-", os.Getpid(), time.Now().UnixNano())
	var n atomic.Int64
	return func() signed {
		id := prefix + strconv.FormatInt(n.Add(1), 10)
		b := []byte(`{"id":"` + id + `","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":{"order":{"id":"ord_0000001","status":"PENDING","items":[{"productId":"prod_1","quantity":2,"price":24.99}],"total":49.98,"currency":"USD"},"customer":{"id":"cus_1","email":"jordan.lee@example.com"}}}`)
		m := hmac.New(sha256.New, key)
		m.Write(b)
		return signed{body: b, sig: "sha256=" + hex.EncodeToString(m.Sum(nil)), id: id}
	}
}

// loadChild is `bench -load URL CONNS WARMUP DURATION`, the load generator
// run as a process of its own (under taskset): it warms up, loads, and
// prints "OK FAILED SECONDS".
func loadChild(args []string) error {
	conns, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	warm, err := time.ParseDuration(args[2])
	if err != nil {
		return err
	}
	d, err := time.ParseDuration(args[3])
	if err != nil {
		return err
	}
	next := freshBodies()
	ctx, cancel := context.WithTimeout(context.Background(), warm)
	loadFrom(ctx, args[0], conns, next)
	cancel()
	ctx, cancel = context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	ok, bad := loadFrom(ctx, args[0], conns, next)
	fmt.Printf("%d %d %f\n", ok, bad, time.Since(start).Seconds())
	return nil
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
		return 0, fmt.Errorf("pinned load generator: %v", err)
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
// ratio is to that run.
func pinned(self, bin, dir string, d time.Duration, conns, rounds int) error {
	bare := func(addr string) (*process, error) {
		return start(pinnedCmd("1", self, "-serve-bare", addr), addr, dir)
	}
	listen := func(args ...string) func(string) (*process, error) {
		return func(addr string) (*process, error) {
			return start(pinnedCmd("1", bin, append([]string{"listen", "--addr", addr, "--format", "json"}, args...)...), addr, dir)
		}
	}
	servers := []server{
		{"listen, history on", listen("--history", filepath.Join(dir, "pinned.db"))},
		{"listen --no-history", listen("--no-history")},
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
	}
	if rounds == 0 {
		return nil
	}
	fmt.Printf("throughput (2xx answers per second), %d rounds, %d connections, pinned: server on CPU 1, load generator on CPU 0\n", rounds, conns)
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
		fmt.Printf("   ratio to the bare run before, median %.2fx (rounds:", median(ratios))
		for _, x := range ratios {
			fmt.Printf(" %.2f", x)
		}
		fmt.Printf(")  target >= %s\n", targets[i])
	}
	fmt.Println()
	return nil
}

var (
	reqPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	heyStatus = regexp.MustCompile(`\[(\d+)\]\s+(\d+) responses`)
	answersPS = regexp.MustCompile(`([0-9.]+) answers/s`)
)

// triggerVsLoadTools sends n events at concurrency c to the bare handler on
// CPU 1 from CPU 0, with trigger, hey and wrk in turn, rounds times.
func triggerVsLoadTools(self, bin, dir string, n, c int, d time.Duration, rounds int) error {
	env := append(os.Environ(), "PETSTORE_WEBHOOK_SECRET="+secret, "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir)
	bare := func() (*process, error) {
		addr := freeAddr()
		return start(pinnedCmd("1", self, "-serve-bare", addr), addr, dir)
	}
	// One body, trigger's own, for hey and wrk.
	dry := exec.Command(bin, "trigger", "order.created", "--dry-run", "--url", "http://127.0.0.1:9/webhooks", "--secret", secret)
	dry.Env = env
	out, err := dry.Output()
	if err != nil {
		return fmt.Errorf("trigger --dry-run: %v", err)
	}
	head, body, found := strings.Cut(string(out), "\n\n")
	var sig string
	size := -1
	for _, line := range strings.Split(head, "\n") {
		if v, ok := strings.CutPrefix(line, "X-Petstore-Signature: "); ok {
			sig = v
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			size, _ = strconv.Atoi(v)
		}
	}
	if !found || sig == "" || size < 0 || size > len(body) {
		return fmt.Errorf("trigger --dry-run printed no signed request:\n%s", out)
	}
	body = body[:size] // the signed bytes, a final newline included
	bodyFile := filepath.Join(dir, "hey-body.json")
	if err := os.WriteFile(bodyFile, []byte(body), 0o600); err != nil {
		return err
	}
	script := filepath.Join(dir, "wrk.lua")
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Petstore-Signature\"] = %q\n", body, sig)
	if err := os.WriteFile(script, []byte(lua), 0o600); err != nil {
		return err
	}
	hey, _ := exec.LookPath("hey")
	if hey == "" {
		if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			if p := filepath.Join(strings.TrimSpace(string(gp)), "bin", "hey"); fileExists(p) {
				hey = p
			}
		}
	}
	wrk, _ := exec.LookPath("wrk")

	var trig, trigOwn, heyR, wrkR []float64
	for round := range rounds {
		fmt.Fprintf(os.Stderr, "trigger vs hey and wrk, round %d ...\n", round+1)
		// trigger
		p, err := bare()
		if err != nil {
			return err
		}
		cmd := pinnedCmd("0", bin, "trigger", "order.created", "--url", p.url, "--count", strconv.Itoa(n), "--concurrency", strconv.Itoa(c), "--secret", secret)
		cmd.Env = env
		began := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(began)
		p.stop()
		if err != nil {
			return fmt.Errorf("trigger: %v\n%s", err, out)
		}
		trig = append(trig, float64(n)/took.Seconds())
		if m := answersPS.FindSubmatch(out); m != nil {
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			trigOwn = append(trigOwn, v)
		}
		// hey
		if hey != "" {
			p, err := bare()
			if err != nil {
				return err
			}
			out, err := pinnedCmd("0", hey, "-n", strconv.Itoa(n), "-c", strconv.Itoa(c), "-m", "POST", "-T", "application/json",
				"-H", "X-Petstore-Signature: "+sig, "-D", bodyFile, p.url).CombinedOutput()
			p.stop()
			if err != nil {
				return fmt.Errorf("hey: %v\n%s", err, out)
			}
			for _, m := range heyStatus.FindAllSubmatch(out, -1) {
				if string(m[1]) != "200" {
					return fmt.Errorf("hey got %s answers %s:\n%s", m[2], m[1], out)
				}
			}
			m := reqPerSec.FindSubmatch(out)
			if m == nil {
				return fmt.Errorf("hey printed no Requests/sec:\n%s", out)
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			heyR = append(heyR, v)
		}
		// wrk
		if wrk != "" {
			p, err := bare()
			if err != nil {
				return err
			}
			out, err := pinnedCmd("0", wrk, "-t1", "-c", strconv.Itoa(c), "-d", d.String(), "-s", script, p.url).CombinedOutput()
			p.stop()
			if err != nil {
				return fmt.Errorf("wrk: %v\n%s", err, out)
			}
			if strings.Contains(string(out), "Non-2xx") {
				return fmt.Errorf("wrk got non-2xx answers:\n%s", out)
			}
			m := reqPerSec.FindSubmatch(out)
			if m == nil {
				return fmt.Errorf("wrk printed no Requests/sec:\n%s", out)
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			wrkR = append(wrkR, v)
		}
	}
	if rounds == 0 {
		return nil
	}
	row := func(name string, v []float64) {
		fmt.Printf("  %-44s", name)
		for _, x := range v {
			fmt.Printf(" %8.0f/s", x)
		}
		fmt.Println()
	}
	fmt.Printf("sending to the bare handler (CPU 1) from CPU 0, %d events, concurrency %d, %d rounds\n", n, c, rounds)
	row(fmt.Sprintf("trigger --count %d --concurrency %d", n, c), trig)
	if len(trigOwn) == len(trig) {
		row("  (its own summary's answers/s)", trigOwn)
	}
	if hey != "" {
		row(fmt.Sprintf("hey -n %d -c %d, one body", n, c), heyR)
	} else {
		fmt.Println("  hey: not found on PATH nor in $(go env GOPATH)/bin; row skipped (go install github.com/rakyll/hey@v0.1.5)")
	}
	if wrk != "" {
		row(fmt.Sprintf("wrk -t1 -c %d -d %s, one body", c, d), wrkR)
	} else {
		fmt.Println("  wrk: not on PATH; row skipped")
	}
	if hey != "" {
		var ratios []float64
		for i := range trig {
			ratios = append(ratios, trig[i]/heyR[i])
		}
		fmt.Printf("  trigger / hey: median %.2fx (rounds:", median(ratios))
		for _, x := range ratios {
			fmt.Printf(" %.2f", x)
		}
		fmt.Println(")  target >= 0.8x")
	}
	fmt.Println()
	return nil
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

package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	reqPerSec      = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	heyStatus      = regexp.MustCompile(`\[(\d+)\]\s+(\d+) responses`)
	heyPercentile  = regexp.MustCompile(`(?m)^\s*(\d+)%+ in ([0-9.]+) secs`) // hey 0.1.5 prints "50%% in"
	triggerSent    = regexp.MustCompile(`sent (\d+)  delivered (\d+)  non-2xx (\d+)  connection errors (\d+)`)
	triggerLatency = regexp.MustCompile(`latency p50 (\S+)  p95 (\S+)  p99 (\S+)  ([0-9.]+) answers/s`)
	terminalCodes  = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")
)

// triggerSummary is what trigger's own summary says of a run.
type triggerSummary struct {
	perSecond float64
	p50, p99  time.Duration
}

// triggerUnderPTY runs `petstore-webhooks trigger ARGS` on CPU 0 under a
// pseudo-terminal (script, from util-linux), so that it draws its progress
// bar, as a user sees it, which it does only on a terminal.
func triggerUnderPTY(bin string, env []string, args ...string) *exec.Cmd {
	words := []string{shellQuote(bin), "trigger"}
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	cmd := pinnedCmd("0", "script", "-qec", strings.Join(words, " "), "/dev/null")
	cmd.Env = env
	return cmd
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// readTriggerOutput checks that a run of n events drew its progress bar and
// delivered all n, and returns its summary's figures.
func readTriggerOutput(out []byte, n int) (triggerSummary, error) {
	text := terminalCodes.ReplaceAllString(string(out), "")
	if !strings.Contains(text, "[====") {
		return triggerSummary{}, fmt.Errorf("trigger drew no progress bar (no \"[====\") under script:\n%s", tail(text))
	}
	m := triggerSent.FindStringSubmatch(text)
	if m == nil {
		return triggerSummary{}, fmt.Errorf("trigger printed no summary (\"sent N  delivered N ...\"):\n%s", tail(text))
	}
	if want := strconv.Itoa(n); m[1] != want || m[2] != want || m[3] != "0" || m[4] != "0" {
		return triggerSummary{}, fmt.Errorf("trigger did not deliver all %d events: %q", n, m[0])
	}
	l := triggerLatency.FindStringSubmatch(text)
	if l == nil {
		return triggerSummary{}, fmt.Errorf("trigger printed no latency line:\n%s", tail(text))
	}
	var s triggerSummary
	var err1, err2, err3 error
	s.p50, err1 = time.ParseDuration(l[1])
	s.p99, err2 = time.ParseDuration(l[3])
	s.perSecond, err3 = strconv.ParseFloat(l[4], 64)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return triggerSummary{}, fmt.Errorf("trigger's latency line %q: %v", l[0], err)
		}
	}
	return s, nil
}

// tail is the end of a long output, where the summary and errors are.
func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// bareStats is what a bare handler saw: how many requests it read, and at
// what rate from the first to the last.
type bareStats struct {
	count     int
	perSecond float64
}

// bareCount asks a bare handler what it saw.
func bareCount(p *process) (bareStats, error) {
	base, _, _ := strings.Cut(strings.TrimPrefix(p.url, "http://"), "/")
	resp, err := http.Get("http://" + base + "/stats")
	if err != nil {
		return bareStats{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return bareStats{}, err
	}
	var st bareStats
	var first, last int64
	if _, err := fmt.Sscan(string(b), &st.count, &first, &last); err != nil {
		return bareStats{}, fmt.Errorf("GET /stats answered %q: %v", b, err)
	}
	if last > first {
		st.perSecond = float64(st.count-1) / time.Duration(last-first).Seconds()
	}
	return st, nil
}

// heyLatency returns hey's 50th and 99th percentiles.
func heyLatency(out []byte) (p50, p99 time.Duration, err error) {
	found := 0
	for _, m := range heyPercentile.FindAllSubmatch(out, -1) {
		secs, err := strconv.ParseFloat(string(m[2]), 64)
		if err != nil {
			return 0, 0, err
		}
		d := time.Duration(secs * float64(time.Second))
		switch string(m[1]) {
		case "50":
			p50, found = d, found+1
		case "99":
			p99, found = d, found+1
		}
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("hey printed no \"50%% in\" and \"99%% in\" lines:\n%s", out)
	}
	return p50, p99, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// triggerVsLoadTools sends n events at concurrency c to the bare handler on
// CPU 1 from CPU 0, with trigger, hey and wrk in turn, rounds times, and
// returns trigger's fastest rate.
func triggerVsLoadTools(self, bin, dir string, n, c int, d time.Duration, rounds int) (float64, error) {
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
		return 0, fmt.Errorf("trigger --dry-run: %v\n%s", err, stderrOf(err))
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
		return 0, fmt.Errorf("trigger --dry-run printed no signed request:\n%s", out)
	}
	body = body[:size] // the signed bytes, a final newline included
	bodyFile := filepath.Join(dir, "hey-body.json")
	if err := os.WriteFile(bodyFile, []byte(body), 0o600); err != nil {
		return 0, err
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
	var script string
	if wrk != "" {
		if script, err = writeWrkScript(dir, "wrk.lua", []byte(body), sig); err != nil {
			return 0, err
		}
	}

	var trig, heyR, wrkR []float64
	var own []triggerSummary
	var counted []bareStats
	var heyP50, heyP99 []time.Duration
	for round := range rounds {
		fmt.Fprintf(os.Stderr, "trigger vs hey and wrk, round %d ...\n", round+1)
		// trigger, under a pseudo-terminal: its bar and summary on
		p, err := bare()
		if err != nil {
			return 0, err
		}
		cmd := triggerUnderPTY(bin, env, "order.created", "--url", p.url, "--count", strconv.Itoa(n), "--concurrency", strconv.Itoa(c), "--secret", secret)
		began := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(began)
		count, countErr := bareCount(p)
		p.stop()
		if err != nil {
			return 0, fmt.Errorf("trigger: %v\n%s", err, tail(string(out)))
		}
		if countErr != nil {
			return 0, fmt.Errorf("asking the bare handler for its count: %v", countErr)
		}
		s, err := readTriggerOutput(out, n)
		if err != nil {
			return 0, err
		}
		if count.count != n {
			return 0, fmt.Errorf("trigger said it delivered %d events, the bare handler read %d requests", n, count.count)
		}
		trig = append(trig, float64(n)/took.Seconds())
		own = append(own, s)
		counted = append(counted, count)
		// hey
		if hey != "" {
			p, err := bare()
			if err != nil {
				return 0, err
			}
			out, err := pinnedCmd("0", hey, "-n", strconv.Itoa(n), "-c", strconv.Itoa(c), "-m", "POST", "-T", "application/json",
				"-H", "X-Petstore-Signature: "+sig, "-D", bodyFile, p.url).CombinedOutput()
			p.stop()
			if err != nil {
				return 0, fmt.Errorf("hey: %v\n%s", err, out)
			}
			// hey counts a request that got no answer in its Requests/sec,
			// and lists it under "Error distribution".
			if bytes.Contains(out, []byte("Error distribution")) {
				return 0, fmt.Errorf("hey had requests without an answer:\n%s", out)
			}
			for _, m := range heyStatus.FindAllSubmatch(out, -1) {
				if string(m[1]) != "200" {
					return 0, fmt.Errorf("hey got %s answers %s:\n%s", m[2], m[1], out)
				}
			}
			m := reqPerSec.FindSubmatch(out)
			if m == nil {
				return 0, fmt.Errorf("hey printed no Requests/sec:\n%s", out)
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			p50, p99, err := heyLatency(out)
			if err != nil {
				return 0, err
			}
			heyR = append(heyR, v)
			heyP50, heyP99 = append(heyP50, p50), append(heyP99, p99)
		}
		// wrk
		if wrk != "" {
			p, err := bare()
			if err != nil {
				return 0, err
			}
			v, err := runWrk(wrk, script, c, d, p.url)
			p.stop()
			if err != nil {
				return 0, err
			}
			wrkR = append(wrkR, v)
		}
	}
	if rounds == 0 {
		return 0, nil
	}
	row := func(name string, v []float64) {
		fmt.Printf("  %-62s", name)
		for _, x := range v {
			fmt.Printf(" %8.0f/s", x)
		}
		fmt.Println()
	}
	fmt.Printf("sending to the bare handler (CPU 1) from CPU 0, %d events, concurrency %d, %d rounds\n", n, c, rounds)
	row(fmt.Sprintf("trigger --count %d --concurrency %d (bar and summary on)", n, c), trig)
	var ownRates []float64
	for _, s := range own {
		ownRates = append(ownRates, s.perSecond)
	}
	row("  (its own summary's answers/s)", ownRates)
	if hey != "" {
		row(fmt.Sprintf("hey -n %d -c %d, one body", n, c), heyR)
	} else {
		fmt.Println("  hey: not found on PATH nor in $(go env GOPATH)/bin; row skipped (go install github.com/rakyll/hey@v0.1.5)")
	}
	if wrk != "" {
		row(fmt.Sprintf("wrk -t1 -c%d -d%s, one body", c, d), wrkR)
	} else {
		fmt.Println("  wrk: not on PATH; row skipped")
	}
	if hey != "" {
		var ratios []float64
		for i := range trig {
			ratios = append(ratios, trig[i]/heyR[i])
		}
		fmt.Printf("  trigger / hey: %s  target >= 0.8x\n", ratioSummary(ratios))
	}
	fmt.Println("  latency per round: trigger's own summary; the bare handler's count, its rate from first to last request, and the mean")
	fmt.Println("  latency that rate implies with C requests in flight (Little's law: C / rate); hey's distribution (0.1 ms steps)")
	for i, s := range own {
		fmt.Printf("    round %d: trigger p50 %s  p99 %s  %.0f answers/s; bare handler read %d requests (= %d sent) at %.0f/s: C / rate %s",
			i+1, ms(s.p50), ms(s.p99), s.perSecond, counted[i].count, n, counted[i].perSecond, ms(time.Duration(float64(c)/counted[i].perSecond*float64(time.Second))))
		if hey != "" {
			fmt.Printf("; hey p50 %s  p99 %s", ms(heyP50[i]), ms(heyP99[i]))
		}
		fmt.Println()
	}
	fmt.Println()
	return slices.Max(trig), nil
}

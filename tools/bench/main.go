// Command bench measures `listen` on 127.0.0.1 against a
// bare net/http handler, under one load generator, and prints the ratios
// that docs/benchmarks.md records:
//
//	go run ./tools/bench
//
// It builds the petstore-webhooks binary, runs every server as a process of
// its own on a free loopback port, and stops everything it started.
//
// Without the flags below the run is the one docs/benchmarks.md has always
// recorded. The flags add what issue #15 asks for:
//
//   - -connections takes a list (4,32,64): the throughput runs are made at
//     each count in turn; the memory run uses the largest.
//   - -pin adds, after the unpinned runs at each count, pinned runs (Linux,
//     taskset, 2 CPUs or more): every server runs under `taskset -c 1`, the
//     load generator under `taskset -c 0` (this program re-executed as a
//     child), so a ratio measures the server's own cost per request and not
//     what the load generator leaves it. Each listen run comes right after a
//     bare-handler run and is divided by it. The pinned load generator is a
//     raw HTTP/1.1 keep-alive client (raw.go) sending distinct signed
//     pet.adopted events of about 900 bytes, made before the run: listen
//     marks a repeated id as a duplicate, which a user's traffic seldom
//     has. With wrk on PATH, each round also runs wrk as issue #15 did (one
//     body: ids repeat) on the bare handler and both listens, as a reference.
//   - -trigger compares `trigger order.created --count N --concurrency C`
//     (-trigger-count, -trigger-concurrency; 50000 and 32 by default), run
//     under a pseudo-terminal (script) so that its progress bar and summary
//     are on, with `hey -n N -c C` and, when wrk is on PATH, `wrk -t1 -c C -d
//     DURATION`, each sending one identical signed body (trigger's own, from
//     --dry-run), all on CPU 0 against the bare handler on CPU 1. It checks
//     trigger's count against the bare handler's (GET /stats) and prints
//     trigger's latencies beside hey's. hey is looked for on PATH and in
//     $(go env GOPATH)/bin; without it that row is skipped (install: go
//     install github.com/rakyll/hey@v0.1.5).
//   - -profile DIR builds petstore-webhooks with -tags pprof and saves CPU
//     and allocation profiles of listen (history on, then off) and trigger,
//     pinned and under load, in DIR, and prints the top 25 of each.
//
// One command reproduces every figure:
//
//	go run ./tools/bench -pin -connections 4,32,64 -trigger -soak 60s -profile DIR
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const secret = "whsec_bench_secret_0123456789"

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-serve-bare" {
		serveBare(os.Args[2])
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "-follow" {
		if err := followStream(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "bench -follow:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 6 && os.Args[1] == "-load" {
		if err := loadChild(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench -load:", err)
			os.Exit(1)
		}
		return
	}
	duration := flag.Duration("duration", 5*time.Second, "length of each throughput run (and of the wrk run with -trigger)")
	connList := flag.String("connections", "16", "concurrent connections of the load generator; a list such as 4,32,64 runs the throughput at each")
	latencyN := flag.Int("latency-events", 2000, "events sent one at a time for the latency runs")
	soak := flag.Duration("soak", 20*time.Second, "length of the memory run")
	rounds := flag.Int("rounds", 3, "throughput rounds")
	pin := flag.Bool("pin", false, "also run the throughput pinned: servers on CPU 1, load generator on CPU 0 (taskset)")
	trig := flag.Bool("trigger", false, "compare `trigger --count N --concurrency C` with hey and wrk, pinned, against the bare handler")
	trigN := flag.Int("trigger-count", 50000, "events per run of trigger and hey with -trigger")
	trigC := flag.Int("trigger-concurrency", 32, "concurrency of trigger, hey and wrk with -trigger")
	startupTimes := flag.Bool("startup", false, "time the start-up of --version, trigger --dry-run and fixtures, in a release build and a go build")
	inspector := flag.Bool("inspector", false, "compare listen (history on, pinned) with --no-ui and with a follower of the inspector's stream: its reader alone, and headless Chromium when on PATH")
	profileDir := flag.String("profile", "", "save CPU and allocation profiles of listen (history on and off) and trigger, pinned and under load, in this directory, and print their top")
	flag.Parse()
	var conns []int
	for _, f := range strings.Split(*connList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -connections: %q is not a positive number\n", f)
			os.Exit(2)
		}
		conns = append(conns, n)
	}
	if *pin || *trig || *inspector || *profileDir != "" {
		if _, err := exec.LookPath("taskset"); err != nil || runtime.NumCPU() < 2 {
			fmt.Fprintln(os.Stderr, "bench: -pin, -trigger, -inspector and -profile need taskset (util-linux) and at least 2 CPUs")
			os.Exit(2)
		}
	}
	o := options{duration: *duration, conns: conns, latencyN: *latencyN, soak: *soak, rounds: *rounds,
		pin: *pin, trigger: *trig, trigN: *trigN, trigC: *trigC, profileDir: *profileDir, startup: *startupTimes, inspector: *inspector}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	duration     time.Duration
	conns        []int
	latencyN     int
	soak         time.Duration
	rounds       int
	pin, trigger bool
	trigN, trigC int
	profileDir   string
	startup      bool
	inspector    bool
}

func run(o options) error {
	duration, latencyN, soak, rounds := o.duration, o.latencyN, o.soak, o.rounds
	dir, err := os.MkdirTemp("", "petstore-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bin", "petstore-webhooks")
	fmt.Fprintln(os.Stderr, "building petstore-webhooks ...")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/petstore-webhooks").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("machine: %s/%s, %d CPUs, %s; load: %s connections, %s per run\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), joinInts(o.conns), duration)

	bodies := makeBodies(20000)
	// Throughput: the three servers in turn, rounds times, so that all see
	// the same spells of noise; the ratios are per round, then the median.
	servers := []server{
		{"bare net/http handler (read body, check HMAC)", func(addr string) (*process, error) {
			return start(exec.Command(self, "-serve-bare", addr), addr, dir)
		}},
		{"listen, history on", listenProcess(bin, dir, "--history", filepath.Join(dir, "tp.db"))},
		{"listen --no-history", listenProcess(bin, dir, "--no-history")},
	}
	for _, conns := range o.conns {
		if err := unpinned(servers, duration, conns, rounds, bodies, len(o.conns) > 1 || o.pin); err != nil {
			return err
		}
		if o.pin {
			if err := pinned(self, bin, dir, duration, conns, rounds); err != nil {
				return err
			}
		}
	}
	var trigRate float64 // events/s, 0 without -trigger
	if o.startup {
		if err := startup(dir); err != nil {
			return err
		}
	}
	if o.trigger {
		if trigRate, err = triggerVsLoadTools(self, bin, dir, o.trigN, o.trigC, duration, rounds); err != nil {
			return err
		}
	}
	if o.inspector {
		if err := inspectorCost(self, bin, dir, duration, slices.Max(o.conns), rounds, latencyN, bodies); err != nil {
			return err
		}
	}
	if o.profileDir != "" {
		if err := profiles(self, dir, o.profileDir, duration, trigRate); err != nil {
			return err
		}
	}
	conns := slices.Max(o.conns)

	// Latency added by the relay.
	direct, relayed, err := relayLatency(bin, dir, latencyN, bodies, nil, nil)
	if err != nil {
		return err
	}
	fmt.Printf("relay latency, sender -> app, %d events one at a time\n", latencyN)
	fmt.Printf("  direct                 p50 %7s  p99 %7s\n", us(pct(direct, 50)), us(pct(direct, 99)))
	fmt.Printf("  through listen         p50 %7s  p99 %7s\n", us(pct(relayed, 50)), us(pct(relayed, 99)))
	fmt.Printf("  added by the relay     p50 %7s  p99 %7s  (targets <= 300µs, <= 1ms)\n\n",
		us(pct(relayed, 50)-pct(direct, 50)), us(pct(relayed, 99)-pct(direct, 99)))

	// Memory under sustained load with history on.
	samples, total, err := memory(bin, dir, soak, conns, bodies)
	if err != nil {
		return err
	}
	third := len(samples) / 3
	fmt.Printf("resident memory of listen (history on) over %s of load, %d 2xx answers (ids repeat after %d)\n", soak, total, len(bodies))
	fmt.Printf("  max %.1f MB; mean of the first third %.1f MB, of the last third %.1f MB  (target <= 50 MB, flat)\n",
		slices.Max(samples), mean(samples[:third]), mean(samples[len(samples)-third:]))
	return nil
}

type server struct {
	name  string
	start func(string) (*process, error)
}

// unpinned is the throughput run of the default: the three servers in turn,
// rounds times, under the harness's own load generator on the shared CPUs.
func unpinned(servers []server, duration time.Duration, conns, rounds int, bodies []signed, sayConns bool) error {
	rates := make([][]float64, len(servers))
	for round := range rounds {
		for i, srv := range servers {
			fmt.Fprintf(os.Stderr, "round %d: %s ...\n", round+1, srv.name)
			r, err := throughput(duration, conns, bodies, srv.start)
			if err != nil {
				return err
			}
			rates[i] = append(rates[i], r)
		}
	}
	if sayConns {
		fmt.Printf("throughput (2xx answers per second), %d rounds, %d connections, unpinned\n", rounds, conns)
	} else {
		fmt.Printf("throughput (2xx answers per second), %d rounds\n", rounds)
	}
	for i, srv := range servers {
		if rounds == 0 {
			break
		}
		ratios := rateRow(srv.name, 46, rates[i], rates[0])
		if i > 0 {
			fmt.Printf("   ratio to bare, %s  target >= %s", ratioSummary(ratios), []string{"", "0.5x", "0.8x"}[i])
		}
		fmt.Println()
	}
	fmt.Println()
	return nil
}

// makeBodies returns signed events with distinct ids.
func makeBodies(n int) []signed {
	out := make([]signed, n)
	for i := range out {
		b := []byte(fmt.Sprintf(`{"id":"bench-%07d","eventType":"order.created","timestamp":"2025-01-06T12:00:00Z","data":{"order":{"id":"ord_%07d","status":"PENDING","items":[{"productId":"prod_1","quantity":2,"price":24.99}],"total":49.98,"currency":"USD"},"customer":{"id":"cus_1","email":"jordan.lee@example.com"}}}`, i, i))
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(b)
		out[i] = signed{body: b, sig: "sha256=" + hex.EncodeToString(m.Sum(nil)), id: fmt.Sprintf("bench-%07d", i)}
	}
	return out
}

type signed struct {
	body []byte
	sig  string
	id   string
}

// serveBare is the baseline: read the body, check the HMAC, answer 200. It
// counts the requests it reads, and answers GET /stats with that count and
// when the first and the last came, so that what a sender says it sent, and
// the latency it measured, can be checked against what arrived.
func serveBare(addr string) {
	key := []byte(secret)
	var requests, first, last atomic.Int64 // first and last: when requests came, Unix ns
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && r.URL.Path == "/stats" {
			fmt.Fprintf(w, "%d %d %d\n", requests.Load(), first.Load(), last.Load())
			return
		}
		now := time.Now().UnixNano()
		first.CompareAndSwap(0, now)
		last.Store(now)
		requests.Add(1)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(400)
			return
		}
		m := hmac.New(sha256.New, key)
		m.Write(body)
		want := "sha256=" + hex.EncodeToString(m.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Petstore-Signature"))) {
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, `{"received":true}`)
	})
	fmt.Fprintln(os.Stderr, "Listening on http://"+addr+"/webhooks")
	if err := http.ListenAndServe(addr, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type process struct {
	cmd  *exec.Cmd
	url  string
	also func() // stops what was started with it, when not nil
}

var ready = regexp.MustCompile(`Listening on (http://\S+)`)

// start runs cmd and waits for its ready line on stderr; stdout goes to a file.
func start(cmd *exec.Cmd, addr, dir string) (*process, error) {
	out, err := os.CreateTemp(dir, "stdout-*.log")
	if err != nil {
		return nil, err
	}
	defer out.Close() // the child has its own copy
	cmd.Stdout = out
	cmd.Env = append(cmd.Environ(), "PETSTORE_WEBHOOK_SECRET="+secret, "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir)
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	stderrEnded := make(chan struct{})
	var said strings.Builder
	var mu sync.Mutex
	go func() {
		defer close(stderrEnded)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			mu.Lock()
			said.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select { // the first ready line; reading stderr goes on
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-found:
		return &process{cmd: cmd, url: u}, nil
	case <-stderrEnded: // it exited without a ready line
		err := cmd.Wait()
		return nil, fmt.Errorf("%v exited before it was ready (%v):\n%s", cmd.Args, err, said.String())
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		mu.Lock()
		defer mu.Unlock()
		return nil, fmt.Errorf("%v not ready after 10s:\n%s", cmd.Args, said.String())
	}
}

func (p *process) stop() {
	if p.also != nil {
		p.also()
	}
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

func listenProcess(bin, dir string, args ...string) func(addr string) (*process, error) {
	return func(addr string) (*process, error) {
		return start(exec.Command(bin, append([]string{"listen", "--addr", addr, "--format", "json"}, args...)...), addr, dir)
	}
}

// rateRow prints name, padded to width, and each round's rate, and returns
// each rate's ratio to base's of the same round.
func rateRow(name string, width int, rates, base []float64) []float64 {
	fmt.Printf("  %-*s", width, name)
	ratios := make([]float64, 0, len(rates))
	for round, r := range rates {
		ratios = append(ratios, r/base[round])
		fmt.Printf(" %8.0f/s", r)
	}
	return ratios
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// load sends events from conns connections until ctx ends and counts 2xx answers.
func load(ctx context.Context, url string, conns int, bodies []signed) (ok, failed int64) {
	var next atomic.Int64
	return loadFrom(ctx, url, conns, func() signed { return bodies[int(next.Add(1))%len(bodies)] })
}

// loadFrom is load with the events taken from next, which must be safe for
// concurrent use.
func loadFrom(ctx context.Context, url string, conns int, next func() signed) (ok, failed int64) {
	var okN, badN atomic.Int64
	transport := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s := next()
				req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(s.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Petstore-Signature", s.sig)
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						badN.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					okN.Add(1)
				} else {
					badN.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	transport.CloseIdleConnections()
	return okN.Load(), badN.Load()
}

func throughput(d time.Duration, conns int, bodies []signed, startServer func(string) (*process, error)) (float64, error) {
	p, err := startServer(freeAddr())
	if err != nil {
		return 0, err
	}
	defer p.stop()
	warm, cancel := context.WithTimeout(context.Background(), time.Second)
	load(warm, p.url, conns, bodies)
	cancel()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	ok, bad := load(ctx, p.url, conns, bodies)
	if bad > 0 {
		return 0, fmt.Errorf("%d requests to %s failed", bad, p.url)
	}
	return float64(ok) / time.Since(start).Seconds(), nil
}

// relayLatency sends events one at a time to the app directly, then through
// `listen --forward-to` run with extra arguments, and returns the
// send-to-arrival times. follow, when not nil, is started on the listen
// before the events are sent, and stopped after.
func relayLatency(bin, dir string, n int, bodies []signed, extra []string, follow func(*process) (func(), error)) (direct, relayed []time.Duration, err error) {
	var mu sync.Mutex
	arrived := map[string]chan time.Time{}
	app := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		ch := arrived[string(body[7:20])] // the id, "bench-NNNNNNN"
		mu.Unlock()
		if ch != nil {
			ch <- at
		}
	})}
	appAddr := freeAddr()
	ln, err := net.Listen("tcp", appAddr)
	if err != nil {
		return nil, nil, err
	}
	go app.Serve(ln)
	defer app.Close()

	measure := func(url string, offset int) ([]time.Duration, error) {
		client := &http.Client{Timeout: 10 * time.Second}
		var out []time.Duration
		for i := range n + 200 {
			s := bodies[(offset+i)%len(bodies)]
			ch := make(chan time.Time, 1)
			mu.Lock()
			arrived[s.id] = ch
			mu.Unlock()
			req, _ := http.NewRequest("POST", url, bytes.NewReader(s.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Petstore-Signature", s.sig)
			sent := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			select {
			case at := <-ch:
				if i >= 200 { // the first 200 warm up
					out = append(out, at.Sub(sent))
				}
			case <-time.After(10 * time.Second):
				return nil, fmt.Errorf("event %s never reached the app", s.id)
			}
		}
		return out, nil
	}
	if direct, err = measure("http://"+appAddr+"/hooks", 0); err != nil {
		return nil, nil, err
	}
	db := filepath.Join(dir, "latency.db")
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
	}
	p, err := listenProcess(bin, dir, append([]string{"--history", db, "--forward-to", "http://" + appAddr + "/hooks"}, extra...)...)(freeAddr())
	if err != nil {
		return nil, nil, err
	}
	defer p.stop()
	if follow != nil {
		stop, err := follow(p)
		if err != nil {
			return nil, nil, err
		}
		defer stop()
	}
	relayed, err = measure(p.url, n+200)
	return direct, relayed, err
}

// memory loads `listen` with history on for d and samples its resident memory.
func memory(bin, dir string, d time.Duration, conns int, bodies []signed) ([]float64, int64, error) {
	p, err := listenProcess(bin, dir, "--history", filepath.Join(dir, "soak.db"))(freeAddr())
	if err != nil {
		return nil, 0, err
	}
	defer p.stop()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var samples []float64
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if mb, err := rssMB(p.cmd.Process.Pid); err == nil {
					samples = append(samples, mb)
				}
			}
		}
	}()
	ok, _ := load(ctx, p.url, conns, bodies)
	<-done
	if len(samples) < 3 {
		return nil, 0, fmt.Errorf("too few memory samples (%d): is /proc mounted?", len(samples))
	}
	return samples, ok, nil
}

func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

func pct(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func us(d time.Duration) string { return fmt.Sprintf("%dµs", d.Microseconds()) }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratioSummary is "median 0.62x (rounds: 0.60 0.62 0.65)".
func ratioSummary(ratios []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "median %.2fx (rounds:", median(ratios))
	for _, x := range ratios {
		fmt.Fprintf(&b, " %.2f", x)
	}
	b.WriteString(")")
	return b.String()
}

func mean(v []float64) float64 {
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

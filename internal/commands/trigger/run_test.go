package trigger

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// TestTriggerRunRenderings: Options → exact stdout and stderr of
// triggerRun against a receiver, as a terminal and piped, in
// testdata/run-*.golden. The ids come from a fixed source and the clock is
// the test's; the latencies and the rate, which the wall clock measures,
// are masked as LAT and RATE, the receiver's port as PORT.
func TestTriggerRunRenderings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"eventType":"payment.failed"`)) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"signature mismatch: is the secret the one listen uses?"}`)
		}
	}))
	defer srv.Close()
	for _, tt := range []struct {
		name     string
		opts     Options
		wantCode cmdutil.ExitCode
	}{
		{"run-delivered", Options{Events: []string{"pet.adopted"}}, 0},
		{"run-refused", Options{Events: []string{"order.created", "payment.failed"}}, cmdutil.ExitNon2xx},
		{"run-load", Options{Events: []string{"pet.adopted", "payment.failed"}, Count: 3}, cmdutil.ExitNon2xx},
		{"run-json", Options{Events: []string{"pet.adopted", "payment.failed"}, Format: "json"}, cmdutil.ExitNon2xx},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run := func(f *cmdutil.Factory) error {
				opts := tt.opts
				opts.IO, opts.HTTPClient, opts.Config, opts.Fixtures, opts.Now = f.IOStreams, f.HTTPClient, f.Config, f.Fixtures, f.Now
				opts.Clock, opts.Rand = clock.NewFake(cmdtest.Now), rand.NewChaCha8([32]byte{})
				opts.UserAgent, opts.URL, opts.Secret, opts.Scheme = "petstore-webhooks/test", srv.URL+"/webhooks", "whsec_test", signature.Petstore
				opts.Count, opts.Concurrency = max(opts.Count, 1), 1
				if opts.Format == "" {
					opts.Format = "human"
				}
				err := triggerRun(context.Background(), &opts)
				maskWallClock(f, srv.URL)
				return err
			}
			if tt.opts.Format == "json" { // machine output: one rendering, lines as long as they are
				f, s := cmdtest.Factory(t, nil)
				err := run(f)
				golden.Assert(t, tt.name, cmdtest.Rendered(s))
				if cmdutil.CodeOf(err) != tt.wantCode {
					t.Errorf("exit %d (%v), want %d", cmdutil.CodeOf(err), err, tt.wantCode)
				}
				return
			}
			termErr, pipeErr := cmdtest.AssertRenderingsOf(t, tt.name, nil, run)
			if cmdutil.CodeOf(termErr) != tt.wantCode || cmdutil.CodeOf(pipeErr) != tt.wantCode {
				t.Errorf("exit %d and %d (%v, %v), want %d", cmdutil.CodeOf(termErr), cmdutil.CodeOf(pipeErr), termErr, pipeErr, tt.wantCode)
			}
		})
	}
}

var (
	latencies      = regexp.MustCompile(`[0-9.]+(µs|ms|s)\b`)
	latenciesJSON  = regexp.MustCompile(`"latencyMs":[0-9.e-]+`)
	answersPerSecs = regexp.MustCompile(`[0-9.]+ answers/s`)
)

// maskWallClock rewrites what f's streams hold: latencies as LAT, the rate
// as RATE, the receiver's URL with PORT; and the progress bar's clearing of
// its line, a cursor control that golden.Plain takes for colour, as
// <clear line>.
func maskWallClock(f *cmdutil.Factory, url string) {
	for _, w := range []io.Writer{f.IOStreams.Out, f.IOStreams.ErrOut} {
		b := w.(*bytes.Buffer)
		s := strings.ReplaceAll(b.String(), url, "http://127.0.0.1:PORT")
		s = strings.ReplaceAll(s, "\r\x1b[K", "<clear line>\n")
		s = answersPerSecs.ReplaceAllString(s, "RATE answers/s")
		s = latenciesJSON.ReplaceAllString(s, `"latencyMs":LAT`)
		s = latencies.ReplaceAllString(s, "LAT")
		b.Reset()
		b.WriteString(s)
	}
}

package emulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// TestEmulatorRunRenderings: Options → exact stdout and stderr of
// emulatorRun, as a terminal and piped, in testdata/run.*.golden. Once the
// banner is written, a client lists the webhooks and the user presses
// Ctrl+C (ctx ends); the run then logs the request, says it stopped and
// returns. Nothing sleeps: the banner's write is the signal. The port and
// the latency are masked as PORT and LAT.
func TestEmulatorRunRenderings(t *testing.T) {
	const key = "pk_emulator_abcdefghijklmnop"
	run := func(f *cmdutil.Factory) error {
		ctx, interrupt := context.WithCancel(context.Background())
		defer interrupt()
		out, errOut := f.IOStreams.Out.(*bytes.Buffer), f.IOStreams.ErrOut.(*bytes.Buffer)
		var base string
		f.IOStreams.ErrOut = writerFunc(func(p []byte) (int, error) {
			if m := apiBase.FindSubmatch(p); m != nil && base == "" {
				base = string(m[1])
				listWebhooks(t, base, key)
				interrupt() // Ctrl+C
			}
			return errOut.Write(p)
		})
		err := emulatorRun(ctx, &Options{IO: f.IOStreams, Fixtures: f.Fixtures, Now: f.Now, UserAgent: "test",
			Addr: "127.0.0.1:0", DB: ":memory:", APIKey: key, Schedule: []time.Duration{0}})
		for _, b := range []*bytes.Buffer{out, errOut} {
			s := strings.ReplaceAll(b.String(), strings.TrimSuffix(base, "/v1"), "http://127.0.0.1:PORT")
			s = regexp.MustCompile(`[0-9.]+(µs|ms|s)\b`).ReplaceAllString(s, "LAT")
			b.Reset()
			b.WriteString(s)
		}
		return err
	}
	if termErr, pipeErr := cmdtest.AssertRenderingsOf(t, "run", nil, run); termErr != nil || pipeErr != nil {
		t.Fatal(termErr, pipeErr)
	}
}

var apiBase = regexp.MustCompile(`PETSTORE_API_BASE=(http://127\.0\.0\.1:[0-9]+/v1)`)

func listWebhooks(t *testing.T, base, key string) {
	req, _ := http.NewRequest("GET", base+"/webhooks", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/webhooks: %s", resp.Status)
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

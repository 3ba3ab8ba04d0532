package webhooks

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

func TestMain(m *testing.M) { cmdtest.MainInUTC(m) }

// goldenAPI answers list, get and deliveries with fixed webhooks and
// attempts: an active and a disabled webhook (a coloured cell followed by
// another column), a long URL and a long error to elide, and an API that
// puts control characters in what it says.
func goldenAPI(t *testing.T, hooks []petstore.Webhook, attempts []petstore.Delivery) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v1/webhooks":
			json.NewEncoder(w).Encode(petstore.WebhookList{Data: hooks})
		case strings.HasSuffix(r.URL.Path, "/deliveries"):
			json.NewEncoder(w).Encode(petstore.DeliveryList{Data: attempts})
		default:
			json.NewEncoder(w).Encode(hooks[0])
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

var (
	created  = time.Date(2025, 1, 6, 9, 30, 0, 0, time.UTC) // the test clock's day
	someHook = []petstore.Webhook{
		{ID: "wh_fYrZzCW9E1WIOyGw", URL: "http://127.0.0.1:8080/webhooks", Events: []string{"pet.adopted", "order.created"}, Status: "active", Secret: "whsec_abcdefghijklmnop", CreatedAt: created},
		{ID: "wh_Q2dLx0V8mN4pR7sT", URL: "https://hooks.example.com/petstore/a/very/long/path/that/cannot/fit?token=x", Events: []string{"payment.failed"}, Status: "disabled", Secret: "whsec_abcdefghijklmnop", CreatedAt: created.AddDate(0, 0, -40)},
		{ID: "wh_evil\x1b[2J", URL: "http://x/\x1b]0;pwned\x07", Events: []string{"order.status_changed", "payment.succeeded", "pet.status_changed"}, Status: "active", CreatedAt: created.AddDate(-1, 0, 0)},
	}
	someAttempts = []petstore.Delivery{
		{EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "pet.adopted", Attempt: 1, AttemptedAt: created, Status: 401, LatencyMs: 2.31, Error: ""},
		{EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "pet.adopted", Attempt: 2, AttemptedAt: created.Add(time.Minute), Status: 0, LatencyMs: 0.4, Error: "dial tcp 127.0.0.1:8080: connect: connection refused"},
		{EventID: "019b4132-70aa-764f-b315-e2803d882a24", EventType: "pet.adopted", Attempt: 3, AttemptedAt: created.Add(6 * time.Minute), Status: 200, LatencyMs: 1500},
		{EventID: "e\x1b[K", EventType: "pet.adopted\x1b[31m", Attempt: 1, AttemptedAt: created.AddDate(0, -1, 0), Status: 301, LatencyMs: 12.5, Error: "redirected to http://other.example.com/\x1b[2J (not followed)"},
	}
)

// clientOf is the Options' Client for the API at base.
func clientOf(base string) func() (*petstore.Client, error) {
	return func() (*petstore.Client, error) { return petstore.NewClient(base, "k", &http.Client{}, "test") }
}

// TestRunRenderings: Options → what each command prints, as a terminal
// and piped.
func TestRunRenderings(t *testing.T) {
	ctx := context.Background()
	full, empty := clientOf(goldenAPI(t, someHook, someAttempts)), clientOf(goldenAPI(t, nil, nil))
	for name, run := range map[string]func(*cmdutil.Factory) error{ // by golden file
		"list": func(f *cmdutil.Factory) error {
			return listRun(ctx, &ListOptions{IO: f.IOStreams, Client: full, Now: f.Now, Format: "human"})
		},
		"list-empty": func(f *cmdutil.Factory) error {
			return listRun(ctx, &ListOptions{IO: f.IOStreams, Client: empty, Now: f.Now, Format: "human"})
		},
		"get": func(f *cmdutil.Factory) error {
			return getRun(ctx, &GetOptions{IO: f.IOStreams, Client: full, ID: "wh_fYrZzCW9E1WIOyGw", Format: "human"})
		},
		"get/update": func(f *cmdutil.Factory) error { // update shows the changed webhook as get does
			return updateRun(ctx, &UpdateOptions{IO: f.IOStreams, Client: full, ID: "wh_fYrZzCW9E1WIOyGw", Status: ptr("active"), Format: "human"})
		},
		"deliveries": func(f *cmdutil.Factory) error {
			return deliveriesRun(ctx, &DeliveriesOptions{IO: f.IOStreams, Client: full, Now: f.Now, ID: "wh_fYrZzCW9E1WIOyGw", Format: "human"})
		},
		"deliveries-empty": func(f *cmdutil.Factory) error {
			return deliveriesRun(ctx, &DeliveriesOptions{IO: f.IOStreams, Client: empty, Now: f.Now, ID: "wh_fYrZzCW9E1WIOyGw", Format: "human"})
		},
		"delete": func(f *cmdutil.Factory) error {
			return deleteRun(ctx, &DeleteOptions{IO: f.IOStreams, Client: full, ID: "wh_fYrZzCW9E1WIOyGw", Yes: true, Format: "human"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			golden, _, _ := strings.Cut(name, "/")
			if termErr, pipeErr := cmdtest.AssertRenderingsOf(t, golden, nil, run); termErr != nil || pipeErr != nil {
				t.Fatal(termErr, pipeErr)
			}
		})
	}
}

// get (and register, update) show one webhook: every value whole on a
// terminal, the events wrapped under the value column and a URL too long
// for that column on a line of its own.
func TestGetShowsEveryValueWhole(t *testing.T) {
	long := petstore.Webhook{ID: "wh_fYrZzCW9E1WIOyGw", URL: "https://hooks.example.com/petstore/a/very/long/path/that/fits/alone?token=x",
		Events: []string{"order.created", "order.status_changed", "payment.failed", "payment.succeeded", "pet.adopted", "pet.status_changed", "pet.sold.*"},
		Status: "active", Secret: "whsec_abcdefghijklmnop", CreatedAt: created}
	env := cmdtest.Env{"PETSTORE_API_BASE": goldenAPI(t, []petstore.Webhook{long}, nil), "PETSTORE_API_KEY": "k"}
	if termErr, pipeErr := cmdtest.AssertRenderings(t, "get-long", env, get, long.ID); termErr != nil || pipeErr != nil {
		t.Fatal(termErr, pipeErr)
	}

	longer := long
	longer.URL = "https://hooks.example.com/" + strings.Repeat("x", 100)
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": goldenAPI(t, []petstore.Webhook{longer}, nil), "PETSTORE_API_KEY": "k"})
	f.IOStreams.SetTTY(false, true, true)
	if err := cmdtest.Run(get(f), longer.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Out.String(), "\n"+longer.URL+"\n") {
		t.Errorf("the URL is not whole on a line of its own:\n%s", s.Out)
	}
}

package petstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stub answers one expected call; the registry fails the test when a stub
// goes unused or a call has no stub.
type stub struct {
	method, path string // path with query
	status       int
	header       http.Header
	body         string
	check        func(*http.Request, string)
	used         bool
}

type registry struct {
	t     *testing.T
	mu    sync.Mutex
	stubs []*stub
}

func (r *registry) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	body := ""
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	for _, s := range r.stubs {
		if !s.used && s.method == req.Method && s.path == req.URL.RequestURI() {
			s.used = true
			if s.check != nil {
				s.check(req, body)
			}
			h := s.header
			if h == nil {
				h = http.Header{"Content-Type": {"application/json"}}
			}
			return &http.Response{StatusCode: s.status, Header: h, Body: io.NopCloser(strings.NewReader(s.body)), Request: req}, nil
		}
	}
	r.t.Errorf("no stub for %s %s", req.Method, req.URL.RequestURI())
	return nil, errors.New("no stub")
}

func newClient(t *testing.T, stubs ...*stub) (*Client, *[]time.Duration) {
	t.Helper()
	reg := &registry{t: t, stubs: stubs}
	t.Cleanup(func() {
		for _, s := range reg.stubs {
			if !s.used {
				t.Errorf("stub %s %s was not called", s.method, s.path)
			}
		}
	})
	c, err := NewClient("http://api.test/v1/", "tok_secret", &http.Client{Transport: reg}, "test/1")
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	c.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	return c, &slept
}

const hookJSON = `{"id":"wh_1","url":"http://127.0.0.1:8080/webhooks","events":["pet.adopted"],"secret":"whsec_x","status":"active","createdAt":"2025-01-06T12:00:00Z"}`

var ctx = context.Background()

func TestCreateSendsTheBodyAndToken(t *testing.T) {
	c, _ := newClient(t, &stub{method: "POST", path: "/v1/webhooks", status: 201, body: hookJSON, check: func(r *http.Request, body string) {
		if r.Header.Get("Authorization") != "Bearer tok_secret" || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("User-Agent") != "test/1" {
			t.Errorf("headers %v", r.Header)
		}
		if body != `{"url":"http://127.0.0.1:8080/webhooks","events":["pet.adopted"]}` {
			t.Errorf("body %s", body)
		}
	}})
	w, err := c.CreateWebhook(ctx, CreateWebhook{URL: "http://127.0.0.1:8080/webhooks", Events: []string{"pet.adopted"}})
	if err != nil || w.ID != "wh_1" || w.Secret != "whsec_x" || w.CreatedAt.Year() != 2025 {
		t.Fatalf("%+v %v", w, err)
	}
}

func TestUpdateSendsOnlyWhatChanged(t *testing.T) {
	status := "disabled"
	c, _ := newClient(t, &stub{method: "PATCH", path: "/v1/webhooks/wh_1", status: 200, body: hookJSON, check: func(_ *http.Request, body string) {
		if body != `{"status":"disabled"}` {
			t.Errorf("body %s", body)
		}
	}})
	if _, err := c.UpdateWebhook(ctx, "wh_1", UpdateWebhook{Status: &status}); err != nil {
		t.Fatal(err)
	}
}

func TestListFollowsPagesAndAcceptsABareArray(t *testing.T) {
	page := func(ids []string, next string) string {
		var items []string
		for _, id := range ids {
			items = append(items, strings.Replace(hookJSON, "wh_1", id, 1))
		}
		n := "null"
		if next != "" {
			n = `"` + next + `"`
		}
		return fmt.Sprintf(`{"data":[%s],"nextCursor":%s}`, strings.Join(items, ","), n)
	}
	c, _ := newClient(t,
		&stub{method: "GET", path: "/v1/webhooks?limit=100", status: 200, body: page([]string{"a", "b"}, "c2")},
		&stub{method: "GET", path: "/v1/webhooks?cursor=c2&limit=100", status: 200, body: page([]string{"c"}, "")},
	)
	all, err := c.ListWebhooks(ctx, 0)
	if err != nil || len(all) != 3 || all[2].ID != "c" {
		t.Fatalf("%+v %v", all, err)
	}
	c, _ = newClient(t, &stub{method: "GET", path: "/v1/webhooks?limit=2", status: 200, body: page([]string{"a", "b"}, "more")})
	if all, err := c.ListWebhooks(ctx, 2); err != nil || len(all) != 2 {
		t.Fatalf("limit: %+v %v", all, err)
	}
	c, _ = newClient(t, &stub{method: "GET", path: "/v1/webhooks?limit=100", status: 200, body: "[" + hookJSON + "]"})
	if all, err := c.ListWebhooks(ctx, 0); err != nil || len(all) != 1 {
		t.Fatalf("bare array: %+v %v", all, err)
	}
	// Cursors that go round, or empty pages that name a next one, would be followed forever.
	c, _ = newClient(t,
		&stub{method: "GET", path: "/v1/webhooks?limit=100", status: 200, body: page([]string{"a"}, "x")},
		&stub{method: "GET", path: "/v1/webhooks?cursor=x&limit=100", status: 200, body: page([]string{"b"}, "y")},
		&stub{method: "GET", path: "/v1/webhooks?cursor=y&limit=100", status: 200, body: page([]string{"c"}, "x")},
	)
	if _, err := c.ListWebhooks(ctx, 0); err == nil || err.Error() != "the API returned the same page cursor twice" {
		t.Fatalf("cursor loop: %v", err)
	}
	c, _ = newClient(t, &stub{method: "GET", path: "/v1/webhooks?limit=100", status: 200, body: page(nil, "x")})
	if _, err := c.ListWebhooks(ctx, 0); err == nil || err.Error() != "the API returned an empty page that names a next one" {
		t.Fatalf("empty page: %v", err)
	}
}

// An endless answer is read up to 8 MiB (and a byte, to tell), then the call fails.
func TestEndlessAnswerIsBounded(t *testing.T) {
	endless := &countingReader{}
	c, err := NewClient("http://api.test/v1", "t", &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(endless), Request: r}, nil
	})}, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWebhook(ctx, "wh_1"); err == nil || endless.n > MaxAnswerBytes+1 {
		t.Fatalf("read %d bytes: %v", endless.n, err)
	}
}

type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += len(p)
	return len(p), nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestErrors(t *testing.T) {
	problemHeader := http.Header{"Content-Type": {"application/problem+json"}}
	tests := []struct {
		name   string
		stub   *stub
		status int
		msg    string
	}{
		{"problem with field errors", &stub{status: 422, header: problemHeader, body: `{"type":"x","title":"Validation Failed","status":422,"detail":"the request has invalid fields","errors":[{"field":"url","message":"is required"}]}`},
			422, "Validation Failed: the request has invalid fields (url: is required) (422)"},
		{"not found", &stub{status: 404, header: problemHeader, body: `{"title":"Not Found","status":404,"detail":"no webhook with id wh_1"}`}, 404, "Not Found: no webhook with id wh_1 (404)"},
		{"plain text", &stub{status: 500, body: "database on fire"}, 500, "Internal Server Error: database on fire (500)"},
		{"html page", &stub{status: 502, body: "<html>bad gateway</html>"}, 502, "Bad Gateway (502)"},
		{"forged lines", &stub{status: 400, header: problemHeader, body: `{"title":"Bad\n12:00:00 verified","detail":"\u001b[2J\u009b","errors":[{"field":"a\rb","message":"m"}]}`},
			400, `Bad\n12:00:00 verified: \x1b[2J\u009b (a\rb: m) (400)`},
		{"plain text with controls", &stub{status: 500, body: "on\nfire\x07\xff"}, 500, `Internal Server Error: on\nfire\a\xff (500)`},
		{"wrong shape", &stub{status: 200, body: `{"id":42}`}, 0, "the API answered with JSON of an unexpected shape: json: cannot unmarshal number into Go struct field Webhook.id of type string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.stub.method, tt.stub.path = "POST", "/v1/webhooks"
			c, _ := newClient(t, tt.stub)
			_, err := c.CreateWebhook(ctx, CreateWebhook{})
			if err == nil || err.Error() != tt.msg || StatusOf(err) != tt.status {
				t.Fatalf("err = %v (status %d), want %q", err, StatusOf(err), tt.msg)
			}
			if strings.Contains(err.Error(), "tok_secret") {
				t.Fatal("token in the error")
			}
		})
	}
}

func TestRetries(t *testing.T) {
	retryAfter := http.Header{"Retry-After": {"7"}}
	c, slept := newClient(t,
		&stub{method: "GET", path: "/v1/webhooks/wh_1", status: 503, body: ""},
		&stub{method: "GET", path: "/v1/webhooks/wh_1", status: 429, header: retryAfter},
		&stub{method: "GET", path: "/v1/webhooks/wh_1", status: 200, body: hookJSON},
	)
	if _, err := c.GetWebhook(ctx, "wh_1"); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 2 || (*slept)[0] < 500*time.Millisecond || (*slept)[0] >= 750*time.Millisecond || (*slept)[1] != 7*time.Second {
		t.Fatalf("slept %v", *slept)
	}

	// DELETE gives up after MaxRetries.
	var stubs []*stub
	for range 4 {
		stubs = append(stubs, &stub{method: "DELETE", path: "/v1/webhooks/wh_1", status: 504})
	}
	c, slept = newClient(t, stubs...)
	if err := c.DeleteWebhook(ctx, "wh_1"); StatusOf(err) != 504 || len(*slept) != 3 {
		t.Fatalf("err %v after %d sleeps", err, len(*slept))
	}

	// POST and PATCH are not retried on 503, only on 429.
	c, slept = newClient(t, &stub{method: "POST", path: "/v1/webhooks", status: 503})
	if _, err := c.CreateWebhook(ctx, CreateWebhook{}); StatusOf(err) != 503 || len(*slept) != 0 {
		t.Fatalf("POST on 503: %v, %d sleeps", err, len(*slept))
	}
	c, slept = newClient(t, &stub{method: "PATCH", path: "/v1/webhooks/wh_1", status: 429, header: retryAfter}, &stub{method: "PATCH", path: "/v1/webhooks/wh_1", status: 200, body: hookJSON})
	if _, err := c.UpdateWebhook(ctx, "wh_1", UpdateWebhook{}); err != nil || len(*slept) != 1 {
		t.Fatalf("PATCH on 429: %v, %d sleeps", err, len(*slept))
	}
}

func TestBackoffReadsRetryAfterDates(t *testing.T) {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	if d := backoff(0, now.Add(9*time.Second).Format(http.TimeFormat), now); d != 9*time.Second {
		t.Fatalf("date: %v", d)
	}
	if d := backoff(0, "3600", now); d != time.Minute {
		t.Fatalf("capped: %v", d)
	}
	// 9 300 000 000 s overflowed time.Duration into a negative wait.
	if d := backoff(0, "9300000000", now); d != time.Minute {
		t.Fatalf("huge: %v", d)
	}
	if d := backoff(2, "", now); d < 2*time.Second || d >= 3*time.Second {
		t.Fatalf("third backoff: %v", d)
	}
}

func TestNetworkErrorNamesHost(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c, _ := NewClient("http://"+addr+"/v1", "tok_secret", &http.Client{Timeout: 2 * time.Second}, "t")
	_, err := c.GetWebhook(ctx, "wh_1")
	var ne *NetworkError
	if !errors.As(err, &ne) || !errors.Is(err, syscall.ECONNREFUSED) || !strings.HasPrefix(err.Error(), "cannot reach "+addr+": ") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewClientRejectsBadBase(t *testing.T) {
	if _, err := NewClient("api.petstoreapi.com", "t", http.DefaultClient, "t"); err == nil {
		t.Fatal("accepted a base without a scheme")
	}
}

// The API key never leaves for another origin: net/http itself keeps the
// Authorization header on a redirect to another port of the same host.
func TestClientDoesNotSendTheKeyToAnotherOrigin(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed with Authorization %q", r.Header.Get("Authorization"))
	}))
	defer other.Close()
	api := httptest.NewServer(http.RedirectHandler(other.URL+"/v1/webhooks/wh_1", http.StatusFound))
	defer api.Close()
	c, err := NewClient(api.URL+"/v1", "sk_secret", &http.Client{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetWebhook(context.Background(), "wh_1")
	var ne *NetworkError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "not followed, to keep the API key from it") {
		t.Fatalf("err = %v, want a refused redirect", err)
	}
}

// An API whose pages never end is followed up to MaxListPages pages,
// MaxListWebhooks webhooks or MaxListBytes, not until memory runs out. The
// webhooks and bytes cases lower those two bounds: at the real ones, reading
// 100,000 webhooks or 64 MiB took 2 s.
func TestListStopsAnAPIThatKeepsPaging(t *testing.T) {
	for _, tt := range []struct {
		name    string
		perPage int
		pad     int
		bounds  listBounds
		want    string
	}{
		{"pages", 1, 0, listBounds{MaxListPages, MaxListWebhooks, MaxListBytes},
			"the API kept paging: stopped after 1000 pages, 1000 webhooks and 0 MiB (at most 1000 pages, 100000 webhooks and 64 MiB are read; --limit lists fewer)"},
		{"webhooks", 200, 0, listBounds{MaxListPages, 1000, MaxListBytes},
			"the API kept paging: stopped after 5 pages, 1000 webhooks and 0 MiB (at most 1000 pages, 1000 webhooks and 64 MiB are read; --limit lists fewer)"},
		{"bytes", 1, 1 << 18, listBounds{MaxListPages, MaxListWebhooks, 1 << 20},
			"the API kept paging: stopped after 4 pages, 4 webhooks and 1 MiB (at most 1000 pages, 100000 webhooks and 1 MiB are read; --limit lists fewer)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			item := strings.Replace(hookJSON, `"secret":"whsec_x",`, "", 1)
			page := `{"data":[` + strings.Repeat(item+",", tt.perPage-1) + item + `],"pad":"` + strings.Repeat("x", tt.pad) + `","nextCursor":"`
			// In memory: a thousand calls over a socket took a tenth of a second.
			endless := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				calls++
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
					Body: io.NopCloser(strings.NewReader(page + strconv.Itoa(calls) + `"}`))}, nil
			})
			c, err := NewClient("http://api.test/v1", "t", &http.Client{Transport: endless}, "t")
			if err != nil {
				t.Fatal(err)
			}
			if c.listBounds != (listBounds{MaxListPages, MaxListWebhooks, MaxListBytes}) {
				t.Fatalf("NewClient's bounds = %+v", c.listBounds)
			}
			c.listBounds = tt.bounds
			hooks, err := c.ListWebhooks(ctx, 0)
			var ae *AnswerError
			if !errors.As(err, &ae) || err.Error() != tt.want || hooks != nil {
				t.Fatalf("%d webhooks, err = %v", len(hooks), err)
			}
			if want := strings.Fields(tt.want)[6]; fmt.Sprint(calls) != want {
				t.Fatalf("%d calls, want %s", calls, want)
			}
		})
	}
}

// An answer larger than the client reads says so, instead of failing to
// parse its truncated start.
func TestAnswerLargerThanTheClientReads(t *testing.T) {
	for _, tt := range []struct {
		size int
		want string
	}{
		{MaxAnswerBytes, ""},
		{MaxAnswerBytes + 1, "the API's answer to GET /v1/webhooks/wh_1 is larger than 8 MiB, more than this client reads"},
	} {
		body := hookJSON + strings.Repeat(" ", tt.size-len(hookJSON))
		c, _ := newClient(t, &stub{method: "GET", path: "/v1/webhooks/wh_1", status: 200, body: body})
		w, err := c.GetWebhook(ctx, "wh_1")
		var ae *AnswerError
		switch {
		case tt.want == "" && (err != nil || w.ID != "wh_1"):
			t.Fatalf("%d bytes: %+v %v", tt.size, w, err)
		case tt.want != "" && (!errors.As(err, &ae) || err.Error() != tt.want):
			t.Fatalf("%d bytes: %v", tt.size, err)
		}
	}
}

// EventDeliveries asks for one event's attempts, and keeps only those when
// the API lists the webhook's others too.
func TestEventDeliveriesKeepsTheEventsAttempts(t *testing.T) {
	c, _ := newClient(t, &stub{method: "GET", path: "/v1/webhooks/wh_1/deliveries?eventId=evt_2", status: 200,
		body: `{"data":[{"eventId":"evt_1","attempt":1,"status":200},{"eventId":"evt_2","attempt":1,"status":401,"error":"signature mismatch","retryInMs":60000}]}`})
	got, err := c.EventDeliveries(ctx, "wh_1", "evt_2")
	if err != nil || len(got) != 1 || got[0].EventID != "evt_2" || got[0].Status != 401 || got[0].RetryInMs != 60000 || got[0].Error != "signature mismatch" {
		t.Fatalf("%+v %v", got, err)
	}
}

package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

const key = "test-key"

func newAPI(t *testing.T, schedule ...time.Duration) (*API, *store.Store) {
	t.Helper()
	st, err := store.OpenEmulator(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx, _ := fixtures.Load("")
	if schedule == nil {
		schedule = DefaultSchedule
	}
	clk := clock.NewFake(time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC))
	eng := &Engine{Store: st, Client: &http.Client{}, Schedule: schedule, Clock: clk, UserAgent: "test"}
	return &API{Store: st, Engine: eng, APIKey: key, Fixtures: fx, Now: clk.Now}, st
}

// fake is the clock newAPI gave the engine and the API.
func fake(api *API) *clock.Fake { return api.Engine.Clock.(*clock.Fake) }

// runEngine runs the engine until the test ends, and returns its attempts'
// logs as they are recorded.
func runEngine(t *testing.T, e *Engine) <-chan AttemptLog {
	t.Helper()
	logs := make(chan AttemptLog, 100)
	e.OnAttempt = func(l AttemptLog) { logs <- l }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return logs
}

func call(t *testing.T, h http.Handler, method, path, body string, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func problem(t *testing.T, w *httptest.ResponseRecorder) petstore.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q for %d %s", ct, w.Code, w.Body)
	}
	var p petstore.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code {
		t.Fatalf("problem %s: %v", w.Body, err)
	}
	return p
}

func TestAPIErrors(t *testing.T) {
	api, _ := newAPI(t)
	noAuth := func(r *http.Request) { r.Header.Del("Authorization") }
	wrongAuth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }
	textBody := func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }
	tests := []struct {
		name, method, path, body string
		mod                      func(*http.Request)
		status                   int
		summary                  string
	}{
		{"no token", "GET", "/v1/webhooks", "", noAuth, 401, "Unauthorized: missing or wrong API key: send Authorization: Bearer <key>"},
		{"wrong token", "GET", "/v1/webhooks", "", wrongAuth, 401, "Unauthorized: missing or wrong API key: send Authorization: Bearer <key>"},
		{"unknown path", "GET", "/v1/pets", "", nil, 404, "Not Found: no such endpoint: /v1/pets"},
		{"unknown id", "GET", "/v1/webhooks/wh_nope", "", nil, 404, "Not Found: no webhook with id wh_nope"},
		{"wrong method", "PUT", "/v1/webhooks", "", nil, 405, "Method Not Allowed: PUT is not allowed here; use GET or POST"},
		{"not JSON content", "POST", "/v1/webhooks", `{}`, textBody, 415, "Unsupported Media Type: send the body as Content-Type: application/json"},
		{"broken JSON", "POST", "/v1/webhooks", `{"url":`, nil, 400, "Bad Request: the body is not a valid JSON object for this call: unexpected EOF"},
		{"unknown field", "POST", "/v1/webhooks", `{"uri":"x"}`, nil, 400, `Bad Request: the body is not a valid JSON object for this call: unknown field "uri"`},
		{"missing fields", "POST", "/v1/webhooks", `{}`, nil, 422, "Validation Failed: the request has invalid fields (url: is required; events: list at least one event type)"},
		{"relative URL", "POST", "/v1/webhooks", `{"url":"/hooks","events":["pet.adopted"]}`, nil, 422, "Validation Failed: the request has invalid fields (url: must be an absolute http or https URL)"},
		{"unknown event", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.sold"]}`, nil, 422, `Validation Failed: the request has invalid fields (events: unknown event type "pet.sold": must be one of order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)`},
		{"short secret", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"],"secret":"abc"}`, nil, 422, "Validation Failed: the request has invalid fields (secret: must be at least 8 characters)"},
		{"bad limit", "GET", "/v1/webhooks?limit=500", "", nil, 422, "Validation Failed: the request has invalid fields (limit: must be a whole number from 1 to 100)"},
		{"bad cursor", "GET", "/v1/webhooks?cursor=zzz", "", nil, 422, "Validation Failed: the request has invalid fields (cursor: is not one this API returned)"},
		{"trailing data", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"]} GARBAGE`, nil, 422, "Validation Failed: the request has invalid fields (body: must hold one JSON object and nothing after it)"},
		{"port 0", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:0/","events":["pet.adopted"]}`, nil, 422, "Validation Failed: the request has invalid fields (url: port must be from 1 to 65535)"},
		{"port too high", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:65536/","events":["pet.adopted"]}`, nil, 422, "Validation Failed: the request has invalid fields (url: port must be from 1 to 65535)"},
		{"long URL", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/` + strings.Repeat("a", 2048) + `","events":["pet.adopted"]}`, nil, 422, "Validation Failed: the request has invalid fields (url: must be at most 2048 characters)"},
		{"NUL in secret", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"],"secret":"whsec_ab\u0000cdefgh"}`, nil, 422, "Validation Failed: the request has invalid fields (secret: must not hold control or formatting characters)"},
		{"bidi override in secret", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"],"secret":"whsec_ab\u202ecdefgh"}`, nil, 422, "Validation Failed: the request has invalid fields (secret: must not hold control or formatting characters)"},
		{"blank secret", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"],"secret":"        "}`, nil, 422, "Validation Failed: the request has invalid fields (secret: must not start or end with spaces)"},
		{"bidi override in url", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/\u202egpj.exe","events":["pet.adopted"]}`, nil, 422, "Validation Failed: the request has invalid fields (url: must be an absolute http or https URL)"},
		{"long secret", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"],"secret":"` + strings.Repeat("s", 257) + `"}`, nil, 422, "Validation Failed: the request has invalid fields (secret: must be at most 256 characters)"},
		{"too many events", "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/","events":["pet.adopted"` + strings.Repeat(`,"pet.adopted"`, 100) + `]}`, nil, 422, "Validation Failed: the request has invalid fields (events: list at most 100 event types)"},
		{"long cursor", "GET", "/v1/webhooks?cursor=" + strings.Repeat("9", 30), "", nil, 422, "Validation Failed: the request has invalid fields (cursor: is not one this API returned)"},
		{"two limits", "GET", "/v1/webhooks?limit=5&limit=500", "", nil, 422, "Validation Failed: the request has invalid fields (limit: must be given once)"},
		{"event of unknown type", "POST", "/v1/events", `{"eventType":"x"}`, nil, 422, "Validation Failed: the request has invalid fields (eventType: must be one of order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)"},
		{"event data not an object", "POST", "/v1/events", `{"eventType":"pet.adopted","data":[1]}`, nil, 422, "Validation Failed: the request has invalid fields (data: must be a JSON object)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*http.Request)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			w := call(t, api, tt.method, tt.path, tt.body, mods...)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if got := problem(t, w).Summary(); got != tt.summary {
				t.Fatalf("problem:\n got %s\nwant %s", got, tt.summary)
			}
		})
	}
	if w := call(t, api, "GET", "/v1/webhooks", "", noAuth); w.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	if w := call(t, api, "DELETE", "/v1/webhooks", ""); w.Header().Get("Allow") != "GET, POST" {
		t.Errorf("Allow = %q", w.Header().Get("Allow"))
	}
}

func TestAPIWebhookLifecycle(t *testing.T) {
	api, _ := newAPI(t)
	w := call(t, api, "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/h","events":["pet.adopted","pet.adopted","order.created"]}`)
	var created petstore.Webhook
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &created) != nil {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	if !strings.HasPrefix(created.ID, "wh_") || !strings.HasPrefix(created.Secret, "whsec_") || created.Status != "active" ||
		strings.Join(created.Events, ",") != "pet.adopted,order.created" || w.Header().Get("Location") != "/v1/webhooks/"+created.ID {
		t.Fatalf("created = %+v", created)
	}
	for range 2 {
		call(t, api, "POST", "/v1/webhooks", `{"url":"https://example.test/h","events":["payment.failed"],"secret":"whsec_mine123"}`)
	}
	var page petstore.WebhookList
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks?limit=2", "").Body.Bytes(), &page)
	if len(page.Data) != 2 || page.NextCursor == nil || page.Data[0].ID != created.ID {
		t.Fatalf("first page = %+v", page)
	}
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks?limit=2&cursor="+*page.NextCursor, "").Body.Bytes(), &page)
	if len(page.Data) != 1 || page.NextCursor != nil || page.Data[0].Secret != "whsec_mine123" {
		t.Fatalf("second page = %+v", page)
	}
	w = call(t, api, "PATCH", "/v1/webhooks/"+created.ID, `{"status":"disabled","events":["payment.failed"]}`)
	var updated petstore.Webhook
	json.Unmarshal(w.Body.Bytes(), &updated)
	if w.Code != 200 || updated.Status != "disabled" || updated.Events[0] != "payment.failed" || updated.URL != created.URL {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	if w := call(t, api, "PATCH", "/v1/webhooks/"+created.ID, `{"status":"paused"}`); w.Code != 422 {
		t.Fatalf("bad status: %d", w.Code)
	}
	if w := call(t, api, "PATCH", "/v1/webhooks/"+created.ID, `{}`); w.Code != 422 {
		t.Fatalf("empty patch: %d", w.Code)
	}
	if w := call(t, api, "POST", "/v1/webhooks/"+created.ID+"/test", `{"eventType":"payment.failed"}`); w.Code != 409 {
		t.Fatalf("test of a disabled webhook: %d %s", w.Code, w.Body)
	}
	if w := call(t, api, "DELETE", "/v1/webhooks/"+created.ID, ""); w.Code != 204 || w.Body.Len() != 0 {
		t.Fatalf("delete: %d", w.Code)
	}
	if w := call(t, api, "DELETE", "/v1/webhooks/"+created.ID, ""); w.Code != 404 {
		t.Fatalf("second delete: %d", w.Code)
	}
}

// target is a receiver that answers with the statuses given, in turn, then 200.
type target struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []*http.Request
	bodies   [][]byte
}

func newTarget(t *testing.T, statuses ...int) *target {
	tg := &target{statuses: statuses}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		tg.got, tg.bodies = append(tg.got, r), append(tg.bodies, b)
		status := 200
		if len(tg.statuses) > 0 {
			status, tg.statuses = tg.statuses[0], tg.statuses[1:]
		}
		tg.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) count() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return len(tg.got)
}

func register(t *testing.T, api *API, url string, events ...string) petstore.Webhook {
	t.Helper()
	b, _ := json.Marshal(petstore.CreateWebhook{URL: url, Events: events})
	var h petstore.Webhook
	if w := call(t, api, "POST", "/v1/webhooks", string(b)); w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &h) != nil {
		t.Fatalf("register: %d %s", w.Code, w.Body)
	}
	return h
}

func TestTestEndpointDeliversSignedEvent(t *testing.T) {
	api, _ := newAPI(t)
	tg := newTarget(t)
	h := register(t, api, tg.URL, "pet.adopted")
	w := call(t, api, "POST", "/v1/webhooks/"+h.ID+"/test", `{"eventType":"pet.adopted","data":{"custom":true}}`)
	var d petstore.Delivery
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil || d.Status != 200 || d.Attempt != 1 || d.EventType != "pet.adopted" {
		t.Fatalf("test: %d %s", w.Code, w.Body)
	}
	if err := signature.Petstore.Verify(tg.got[0].Header, tg.bodies[0], []string{h.Secret}, time.Now()); err != nil {
		t.Fatalf("delivered event does not verify: %v", err)
	}
	if !strings.Contains(string(tg.bodies[0]), `"custom":true`) || !strings.Contains(string(tg.bodies[0]), d.EventID) {
		t.Fatalf("body:\n%s", tg.bodies[0])
	}
}

// Event data is limited in depth on the way in and stored compactly: two
// spaces a level once made a 20 KB request nested 9 990 deep into a 200 MB
// delivery.
func TestEventDataIsBoundedAndStoredCompactly(t *testing.T) {
	api, _ := newAPI(t)
	tg := newTarget(t)
	h := register(t, api, tg.URL, "pet.adopted")
	deep := `{"d":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"
	w := call(t, api, "POST", "/v1/webhooks/"+h.ID+"/test", `{"eventType":"pet.adopted","data":`+deep+`}`)
	if p := problem(t, w); w.Code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "data" || p.Errors[0].Message != "must nest at most 64 levels deep" {
		t.Fatalf("deep data: %d %s", w.Code, w.Body)
	}
	nested := `{"d":` + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "}"
	if w := call(t, api, "POST", "/v1/webhooks/"+h.ID+"/test", `{"eventType":"pet.adopted","data":`+nested+`}`); w.Code != 200 {
		t.Fatalf("60 levels: %d %s", w.Code, w.Body)
	}
	if want := `"data":` + nested + "}\n"; !strings.HasSuffix(string(tg.bodies[0]), want) {
		t.Fatalf("delivered %d bytes, not ending in the compact data:\n%.300s", len(tg.bodies[0]), tg.bodies[0])
	}
}

// A client that gave up is logged as such (not 200), and its event is not
// half sent: no delivery is stored.
func TestSendEventFromAClientThatLeftIsLoggedAndNotStored(t *testing.T) {
	api, st := newAPI(t)
	tg := newTarget(t)
	register(t, api, tg.URL, "pet.adopted")
	register(t, api, tg.URL, "pet.adopted")
	var logged []int
	api.OnRequest = func(_, _ string, status int, _ time.Duration) { logged = append(logged, status) }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	call(t, api, "POST", "/v1/events", `{"eventType":"pet.adopted"}`, func(r *http.Request) { *r = *r.WithContext(ctx) })
	if len(logged) != 1 || logged[0] != StatusClientGone {
		t.Fatalf("logged %v, want [499]", logged)
	}
	if due, err := st.DueDeliveries(context.Background(), time.Now().Add(time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("%d deliveries stored for a request whose client left (%v)", len(due), err)
	}
}

func TestEngineRetriesThenDisables(t *testing.T) {
	api, st := newAPI(t, 0, 5*time.Millisecond, 5*time.Millisecond)
	tg := newTarget(t, 500, 503, 500)
	ok := newTarget(t)
	failing := register(t, api, tg.URL, "order.created")
	healthy := register(t, api, ok.URL, "order.created", "pet.adopted")
	register(t, api, ok.URL, "pet.adopted") // not subscribed

	logs := runEngine(t, api.Engine)

	w := call(t, api, "POST", "/v1/events", `{"eventType":"order.created"}`)
	var sent petstore.EventSent
	if w.Code != 202 || json.Unmarshal(w.Body.Bytes(), &sent) != nil || sent.Webhooks != 2 {
		t.Fatalf("events: %d %s", w.Code, w.Body)
	}
	// Each failed attempt is retried once the clock reaches its due time.
	var last AttemptLog
	for failed, healthyDone := 0, false; failed < 3 || !healthyDone; {
		l := <-logs
		if l.WebhookID == healthy.ID {
			healthyDone = true
			continue
		}
		if failed++; failed < 3 {
			if !l.Retrying || l.RetryIn != 5*time.Millisecond {
				t.Fatalf("attempt %d: %+v", failed, l)
			}
			fake(api).Advance(l.RetryIn)
		}
		last = l
	}
	if hk, _ := st.GetWebhook(context.Background(), failing.ID); hk.Status != "disabled" || ok.count() != 1 {
		t.Fatalf("after the last attempt: status %s, %d attempts at the healthy target", hk.Status, ok.count())
	}
	if tg.count() != 3 {
		t.Fatalf("failing target got %d attempts, want 3", tg.count())
	}
	var list petstore.DeliveryList
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks/"+failing.ID+"/deliveries", "").Body.Bytes(), &list)
	if len(list.Data) != 3 || list.Data[0].Status != 500 || list.Data[1].Status != 503 || list.Data[2].Attempt != 3 || list.Data[2].EventID != sent.ID {
		t.Fatalf("deliveries = %+v", list.Data)
	}
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks/"+healthy.ID+"/deliveries", "").Body.Bytes(), &list)
	if len(list.Data) != 1 || list.Data[0].Status != 200 {
		t.Fatalf("healthy deliveries = %+v", list.Data)
	}
	if !last.Disabled || last.Attempt.Attempt != 3 || last.Of != 3 {
		t.Fatalf("last log = %+v", last)
	}
}

// A hanging webhook URL holds up only its own deliveries: a healthy webhook
// gets the next event while the slow one is still blocked.
func TestSlowWebhookDoesNotDelayOthers(t *testing.T) {
	api, _ := newAPI(t, 0, time.Hour)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	got := make(chan string, 10)
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Petstore-Event-Id")
	}))
	defer healthy.Close()
	register(t, api, slow.URL, "pet.adopted")
	register(t, api, healthy.URL, "pet.adopted")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go api.Engine.Run(ctx)

	for i := range 2 {
		if w := call(t, api, "POST", "/v1/events", `{"eventType":"pet.adopted"}`); w.Code != 202 {
			t.Fatalf("events: %d %s", w.Code, w.Body)
		}
		select {
		case <-got:
		case <-time.After(3 * time.Second): // well under the 5 s the slow target may take
			t.Fatalf("event %d did not reach the healthy webhook while the slow one hangs", i+1)
		}
	}
}

func TestEngineResumesDueDeliveriesAfterRestart(t *testing.T) {
	api, st := newAPI(t, 0, 10*time.Millisecond)
	tg := newTarget(t)
	h := register(t, api, tg.URL, "pet.adopted")
	// Queued while no engine runs, as if the emulator had stopped.
	call(t, api, "POST", "/v1/events", `{"eventType":"pet.adopted"}`)
	if tg.count() != 0 {
		t.Fatal("delivered without an engine")
	}
	restarted := &Engine{Store: st, Client: &http.Client{}, Schedule: api.Engine.Schedule, Clock: api.Engine.Clock}
	<-runEngine(t, restarted)
	atts, _ := st.Attempts(context.Background(), h.ID, "")
	if tg.count() != 1 || len(atts) != 1 || atts[0].Status != 200 {
		t.Fatalf("after restart: %d deliveries, attempts %+v", tg.count(), atts)
	}
}

// A test call whose client leaves mid-attempt still records the attempt: its
// delivery used to stay pending with no due time, never retried nor shown.
func TestTestCallFromAClientThatLeftRecordsTheAttempt(t *testing.T) {
	api, st := newAPI(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	defer slow.Close()
	h := register(t, api, slow.URL, "pet.adopted")
	ctx, leave := context.WithCancel(context.Background())
	answered := make(chan struct{})
	go func() {
		call(t, api, "POST", "/v1/webhooks/"+h.ID+"/test", `{"eventType":"pet.adopted"}`, func(r *http.Request) { *r = *r.WithContext(ctx) })
		close(answered)
	}()
	<-arrived
	leave()
	close(release)
	<-answered
	atts, err := st.Attempts(context.Background(), h.ID, "")
	if err != nil || len(atts) != 1 || atts[0].Status != 200 {
		t.Fatalf("attempts: %+v, %v", atts, err)
	}
}

// What trigger --api follows: POST /events names the webhooks it queued
// the event for; a refused attempt keeps the receiver's reason and says
// when the retry comes; ?eventId= lists one event's attempts.
func TestSendEventNamesItsWebhooksAndAttemptsSayWhatFollows(t *testing.T) {
	api, _ := newAPI(t)
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"error":"invalid_signature","message":"signature does not match the secret"}`)
	}))
	defer refusing.Close()
	a := register(t, api, refusing.URL, "pet.adopted")
	b := register(t, api, refusing.URL, "pet.adopted", "order.created")
	register(t, api, refusing.URL, "order.created")

	var sent petstore.EventSent
	w := call(t, api, "POST", "/v1/events", `{"eventType":"pet.adopted"}`)
	if w.Code != 202 || json.Unmarshal(w.Body.Bytes(), &sent) != nil || sent.Webhooks != 2 || strings.Join(sent.WebhookIDs, ",") != a.ID+","+b.ID {
		t.Fatalf("events: %d %s", w.Code, w.Body)
	}

	var first, second petstore.Delivery
	json.Unmarshal(call(t, api, "POST", "/v1/webhooks/"+a.ID+"/test", `{"eventType":"pet.adopted"}`).Body.Bytes(), &first)
	json.Unmarshal(call(t, api, "POST", "/v1/webhooks/"+a.ID+"/test", `{"eventType":"pet.adopted"}`).Body.Bytes(), &second)
	if first.Status != 401 || first.Error != "signature does not match the secret" || first.RetryInMs != 60_000 {
		t.Fatalf("refused attempt: %+v", first)
	}
	var list petstore.DeliveryList
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks/"+a.ID+"/deliveries?eventId="+second.EventID, "").Body.Bytes(), &list)
	if len(list.Data) != 1 || list.Data[0].EventID != second.EventID || list.Data[0].RetryInMs != 60_000 {
		t.Fatalf("deliveries of %s: %+v", second.EventID, list.Data)
	}
	json.Unmarshal(call(t, api, "GET", "/v1/webhooks/"+a.ID+"/deliveries", "").Body.Bytes(), &list)
	if len(list.Data) != 2 {
		t.Fatalf("all deliveries: %+v", list.Data)
	}
}

// The last attempt of the schedule names no retry: the webhook is disabled.
func TestLastAttemptNamesNoRetry(t *testing.T) {
	api, _ := newAPI(t, 0)
	h := register(t, api, newTarget(t, 500).URL, "pet.adopted")
	var d petstore.Delivery
	json.Unmarshal(call(t, api, "POST", "/v1/webhooks/"+h.ID+"/test", `{"eventType":"pet.adopted"}`).Body.Bytes(), &d)
	if d.Status != 500 || d.RetryInMs != 0 {
		t.Fatalf("last attempt: %+v", d)
	}
}

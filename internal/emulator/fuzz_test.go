package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/clock"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// FuzzAPI drives the API with random methods, paths, queries, content types
// and bodies: it never panics, never answers 500, and every answer is JSON:
// a problem+json whose status is the answer's, or the JSON of a 2xx (204 empty).
func FuzzAPI(f *testing.F) {
	const hook = "/v1/webhooks/wh_fuzz"
	valid := `{"url":"http://127.0.0.1:8080/hooks","events":["pet.adopted"],"secret":"s3cret-s3cret"}`
	for _, s := range []struct{ method, path, query, contentType, body string }{
		{"POST", "/v1/webhooks", "", "application/json", valid},
		{"POST", "/v1/webhooks", "", "application/json; charset=utf-8", valid + " GARBAGE"},
		{"POST", "/v1/webhooks", "", "application/json", `{"url":"http://h:0/","events":["pet.adopted"]}`},
		{"POST", "/v1/webhooks", "", "application/json", `{"url":"http://h:99999/","events":["pet.adopted","pet.adopted"],"secret":"a\u0000bcdefgh"}`},
		{"POST", "/v1/webhooks", "", "application/json", `{"url":"javascript:alert(1)","events":[]}`},
		{"POST", "/v1/webhooks", "", "application/json", `{"url":"http://[::1","events":["nope"],"extra":1}`},
		{"POST", "/v1/webhooks", "", "text/plain", valid},
		{"POST", "/v1/webhooks", "", "", ""},
		{"POST", "/v1/webhooks", "", "application/json", `[]`},
		{"POST", "/v1/webhooks", "", "application/json", `null`},
		{"POST", "/v1/webhooks", "", "application/json", strings.Repeat("[", 20000)},
		{"GET", "/v1/webhooks", "limit=1", "", ""},
		{"GET", "/v1/webhooks", "limit=0", "", ""},
		{"GET", "/v1/webhooks", "limit=9223372036854775808", "", ""},
		{"GET", "/v1/webhooks", "limit=5&cursor=1", "", ""},
		{"GET", "/v1/webhooks", "cursor=-1", "", ""},
		{"GET", "/v1/webhooks", "cursor=99999999999999999999", "", ""},
		{"GET", "/v1/webhooks", "cursor=%ff%00&limit=%zz", "", ""},
		{"GET", hook, "", "", ""},
		{"PATCH", hook, "", "application/json", `{"status":"paused"}`},
		{"PATCH", hook, "", "application/json", `{}`},
		{"PATCH", hook, "", "application/json", `{"url":"https://x.test/h","events":["pet.adopted"],"secret":"longenough"}`},
		{"PATCH", hook, "", "application/json", `{"url":null,"events":null,"status":null,"secret":null}`},
		{"POST", hook + "/test", "", "application/json", `{"eventType":"pet.adopted"}`},
		{"POST", hook + "/test", "", "application/json", `{"eventType":"pet.adopted","data":[1]}`},
		{"GET", hook + "/deliveries", "", "", ""},
		{"DELETE", "/v1/webhooks/wh_nope", "", "", ""},
		{"POST", "/v1/events", "", "application/json", `{"eventType":"pet.adopted","data":{"id":"\ud800","n":1e999}}`},
		{"POST", "/v1/events", "", "application/json", `{"eventType":"pet.adopted","data":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`},
		{"POST", "/v1/events", "", "application/json", `{"eventType":"\u001b[2J"}`},
		{"PUT", "/v1/events", "", "", ""},
		{"GET", "/v1/webhooks/%2e%2e/test", "", "", ""},
		{"GET", "/v2", "", "", ""},
	} {
		f.Add(s.method, s.path, s.query, s.contentType, []byte(s.body))
	}
	st, err := store.OpenEmulator(":memory:")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	fx, err := fixtures.Load("")
	if err != nil {
		f.Fatal(err)
	}
	now := func() time.Time { return time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC) }
	offline := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("offline") })}
	eng := &Engine{Store: st, Client: offline, Schedule: DefaultSchedule, Clock: clock.NewFake(now()), UserAgent: "fuzz"}
	api := &API{Store: st, Engine: eng, APIKey: key, Fixtures: fx, Now: now}
	if err := st.CreateWebhook(context.Background(), store.Webhook{ID: "wh_fuzz", URL: "http://127.0.0.1:1/", Events: []string{"pet.adopted"},
		Secret: "s3cret-s3cret", Status: petstore.StatusActive, CreatedAt: now(), UpdatedAt: now()}); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, method, path, query, contentType string, body []byte) {
		r, err := http.NewRequest(method, "http://emulator.test/", bytes.NewReader(body))
		if err != nil {
			return // not a request a server would see
		}
		r.URL.Path, r.URL.RawQuery = path, query
		r.Header.Set("Authorization", "Bearer "+key)
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)

		if w.Code >= 500 {
			t.Fatalf("%s %s?%s %q: %d %s", method, path, query, body, w.Code, w.Body)
		}
		if w.Code == http.StatusNoContent {
			if w.Body.Len() != 0 {
				t.Fatalf("204 with a body %q", w.Body)
			}
			return
		}
		if !json.Valid(w.Body.Bytes()) || bytes.Count(bytes.TrimSpace(w.Body.Bytes()), []byte("\n")) != 0 {
			t.Fatalf("%s %s: %d answered with %q, not one JSON value", method, path, w.Code, w.Body)
		}
		ct := w.Header().Get("Content-Type")
		if w.Code >= 200 && w.Code < 300 {
			if ct != "application/json" {
				t.Fatalf("%d with Content-Type %q", w.Code, ct)
			}
			checkAnswer(t, api, r, w)
			return
		}
		var p petstore.Problem
		if ct != "application/problem+json" || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Status != w.Code || p.Title == "" {
			t.Fatalf("%s %s: %d answered with %s %q, not a problem of that status", method, path, w.Code, ct, w.Body)
		}
	})
}

// checkAnswer: a created webhook reads back as it was answered, and a page
// of webhooks holds no more than the limit asked for.
func checkAnswer(t *testing.T, api *API, r *http.Request, w *httptest.ResponseRecorder) {
	switch {
	case r.Method == "POST" && w.Code == http.StatusCreated:
		var created petstore.Webhook
		if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil {
			t.Fatalf("201 %s: %v", w.Body, err)
		}
		get := httptest.NewRequest("GET", "/v1/webhooks/"+created.ID, nil)
		get.Header.Set("Authorization", "Bearer "+key)
		again := httptest.NewRecorder()
		api.ServeHTTP(again, get)
		if again.Code != http.StatusOK || again.Body.String() != w.Body.String() {
			t.Fatalf("created %s, read back %d %s", w.Body, again.Code, again.Body)
		}
	case r.Method == "GET" && strings.Trim(r.URL.Path, "/") == "v1/webhooks":
		var page petstore.WebhookList
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatalf("list %s: %v", w.Body, err)
		}
		limit := 20
		if s := r.URL.Query().Get("limit"); s != "" {
			limit, _ = strconv.Atoi(s)
		}
		if len(page.Data) > limit || (page.NextCursor != nil && *page.NextCursor == r.URL.Query().Get("cursor")) {
			t.Fatalf("limit %d, cursor %q: %d webhooks, next %v", limit, r.URL.Query().Get("cursor"), len(page.Data), page.NextCursor)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

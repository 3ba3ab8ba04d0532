// Package emulator is a local Petstore webhooks API: the management
// endpoints under /v1, and an engine that delivers signed events with the
// documented retries.
package emulator

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// API serves the webhook endpoints.
type API struct {
	Store    *store.Store
	Engine   *Engine
	APIKey   string
	Fixtures *fixtures.Set
	Now      func() time.Time
	// OnRequest is told of every request once it is answered.
	OnRequest func(method, path string, status int, latency time.Duration)
}

const maxRequestBody = 1 << 20

// ServeHTTP routes a request: authentication first, then the path, then the method.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	a.route(rec, r)
	status := rec.status
	switch {
	case status != 0:
	case r.Context().Err() != nil:
		status = StatusClientGone
	default:
		status = http.StatusOK
	}
	if a.OnRequest != nil {
		a.OnRequest(r.Method, r.URL.Path, status, time.Since(start))
	}
}

// StatusClientGone is logged for a request whose client went away before it
// was answered (nginx's 499).
const StatusClientGone = 499

func (a *API) route(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="petstore"`)
		writeProblem(w, r, http.StatusUnauthorized, "Unauthorized", "missing or wrong API key: send Authorization: Bearer <key>", nil)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "v1" {
		notFound(w, r)
		return
	}
	switch {
	case len(parts) == 2 && parts[1] == "webhooks":
		a.methods(w, r, map[string]http.HandlerFunc{"GET": a.list, "POST": a.create})
	case len(parts) == 2 && parts[1] == "events":
		a.methods(w, r, map[string]http.HandlerFunc{"POST": a.sendEvent})
	case len(parts) >= 3 && parts[1] == "webhooks":
		id := parts[2]
		switch {
		case len(parts) == 3:
			a.methods(w, r, map[string]http.HandlerFunc{
				"GET":    func(w http.ResponseWriter, r *http.Request) { a.get(w, r, id) },
				"PATCH":  func(w http.ResponseWriter, r *http.Request) { a.update(w, r, id) },
				"DELETE": func(w http.ResponseWriter, r *http.Request) { a.delete(w, r, id) },
			})
		case len(parts) == 4 && parts[3] == "test":
			a.methods(w, r, map[string]http.HandlerFunc{"POST": func(w http.ResponseWriter, r *http.Request) { a.test(w, r, id) }})
		case len(parts) == 4 && parts[3] == "deliveries":
			a.methods(w, r, map[string]http.HandlerFunc{"GET": func(w http.ResponseWriter, r *http.Request) { a.deliveries(w, r, id) }})
		default:
			notFound(w, r)
		}
	default:
		notFound(w, r)
	}
}

func (a *API) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(a.APIKey)) == 1
}

func (a *API) methods(w http.ResponseWriter, r *http.Request, handlers map[string]http.HandlerFunc) {
	if h, ok := handlers[r.Method]; ok {
		h(w, r)
		return
	}
	allowed := make([]string, 0, len(handlers))
	for m := range handlers {
		allowed = append(allowed, m)
	}
	slices.Sort(allowed)
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeProblem(w, r, http.StatusMethodNotAllowed, "Method Not Allowed", fmt.Sprintf("%s is not allowed here; use %s", r.Method, strings.Join(allowed, " or ")), nil)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	for _, name := range []string{"limit", "cursor"} {
		if len(query[name]) > 1 {
			invalid(w, r, []petstore.FieldError{{Field: name, Message: "must be given once", Code: "repeated"}})
			return
		}
	}
	limit := 20
	if s := query.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			invalid(w, r, []petstore.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 100", Code: "out_of_range"}})
			return
		}
		limit = n
	}
	badCursor := []petstore.FieldError{{Field: "cursor", Message: "is not one this API returned", Code: "invalid"}}
	cursor := query.Get("cursor")
	if len(cursor) > 19 { // the digits of an int64
		invalid(w, r, badCursor)
		return
	}
	hooks, next, err := a.Store.ListWebhooks(r.Context(), limit, cursor)
	if errors.Is(err, store.ErrBadCursor) {
		invalid(w, r, badCursor)
		return
	}
	if err != nil {
		internalError(w, r, err)
		return
	}
	out := petstore.WebhookList{Data: []petstore.Webhook{}}
	for _, h := range hooks {
		out.Data = append(out.Data, webhookJSON(h))
	}
	if next != "" {
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	var body petstore.CreateWebhook
	if !decodeBody(w, r, &body) {
		return
	}
	var errs []petstore.FieldError
	errs = append(errs, checkURL(body.URL)...)
	events, eventErrs := a.checkEvents(body.Events)
	errs = append(errs, eventErrs...)
	if body.Secret == "" {
		body.Secret = signature.NewSecret()
	} else {
		errs = append(errs, checkSecret(body.Secret)...)
	}
	if len(errs) > 0 {
		invalid(w, r, errs)
		return
	}
	now := a.Now()
	h := store.Webhook{ID: event.NewID("wh"), URL: body.URL, Events: events, Secret: body.Secret, Status: petstore.StatusActive, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateWebhook(r.Context(), h); err != nil {
		internalError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/webhooks/"+h.ID)
	writeJSON(w, http.StatusCreated, webhookJSON(h))
}

func (a *API) get(w http.ResponseWriter, r *http.Request, id string) {
	if h, ok := a.webhook(w, r, id); ok {
		writeJSON(w, http.StatusOK, webhookJSON(h))
	}
}

func (a *API) update(w http.ResponseWriter, r *http.Request, id string) {
	h, ok := a.webhook(w, r, id)
	if !ok {
		return
	}
	var body petstore.UpdateWebhook
	if !decodeBody(w, r, &body) {
		return
	}
	var errs []petstore.FieldError
	if body.URL == nil && body.Events == nil && body.Status == nil && body.Secret == nil {
		errs = append(errs, petstore.FieldError{Field: "body", Message: "set at least one of url, events, status, secret", Code: "empty"})
	}
	if body.URL != nil {
		errs = append(errs, checkURL(*body.URL)...)
		h.URL = *body.URL
	}
	if body.Events != nil {
		var eventErrs []petstore.FieldError
		h.Events, eventErrs = a.checkEvents(*body.Events)
		errs = append(errs, eventErrs...)
	}
	if body.Status != nil {
		if *body.Status != petstore.StatusActive && *body.Status != petstore.StatusDisabled {
			errs = append(errs, petstore.FieldError{Field: "status", Message: "must be active or disabled", Code: "invalid"})
		}
		h.Status = *body.Status
	}
	if body.Secret != nil {
		errs = append(errs, checkSecret(*body.Secret)...)
		h.Secret = *body.Secret
	}
	if len(errs) > 0 {
		invalid(w, r, errs)
		return
	}
	h.UpdatedAt = a.Now()
	if err := a.Store.UpdateWebhook(r.Context(), h); err != nil {
		a.storeError(w, r, id, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookJSON(h))
}

func (a *API) delete(w http.ResponseWriter, r *http.Request, id string) {
	if err := a.Store.DeleteWebhook(r.Context(), id); err != nil {
		a.storeError(w, r, id, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) test(w http.ResponseWriter, r *http.Request, id string) {
	h, ok := a.webhook(w, r, id)
	if !ok {
		return
	}
	var body petstore.SendEvent
	if !decodeBody(w, r, &body) {
		return
	}
	if h.Status != petstore.StatusActive {
		writeProblem(w, r, http.StatusConflict, "Conflict", "webhook "+id+" is disabled: set its status to active first", nil)
		return
	}
	payload, env, ok := a.buildEvent(w, r, body)
	if !ok {
		return
	}
	d, err := a.Engine.DeliverNow(r.Context(), h, env.ID, env.Type, payload)
	if err != nil {
		internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) sendEvent(w http.ResponseWriter, r *http.Request) {
	var body petstore.SendEvent
	if !decodeBody(w, r, &body) {
		return
	}
	payload, env, ok := a.buildEvent(w, r, body)
	if !ok {
		return
	}
	hooks, err := a.Store.WebhooksFor(r.Context(), env.Type)
	if err != nil {
		internalError(w, r, err)
		return
	}
	if err := a.Engine.Enqueue(r.Context(), hooks, env.ID, env.Type, payload); err != nil {
		internalError(w, r, err)
		return
	}
	sent := petstore.EventSent{ID: env.ID, EventType: env.Type, Webhooks: len(hooks), WebhookIDs: []string{}}
	for _, h := range hooks {
		sent.WebhookIDs = append(sent.WebhookIDs, h.ID)
	}
	writeJSON(w, http.StatusAccepted, sent)
}

// deliveries lists a webhook's attempts; ?eventId= keeps one event's.
func (a *API) deliveries(w http.ResponseWriter, r *http.Request, id string) {
	h, ok := a.webhook(w, r, id)
	if !ok {
		return
	}
	atts, err := a.Store.Attempts(r.Context(), id, r.URL.Query().Get("eventId"))
	if err != nil {
		internalError(w, r, err)
		return
	}
	out := petstore.DeliveryList{Data: []petstore.Delivery{}}
	for _, at := range atts {
		out.Data = append(out.Data, a.Engine.DeliveryJSON(at, h.URL))
	}
	writeJSON(w, http.StatusOK, out)
}

// buildEvent makes an event of the requested type from its fixture; data,
// when given, replaces the fixture's data.
func (a *API) buildEvent(w http.ResponseWriter, r *http.Request, body petstore.SendEvent) ([]byte, event.Envelope, bool) {
	fx, err := a.Fixtures.Get(body.EventType)
	if err != nil {
		invalid(w, r, []petstore.FieldError{{Field: "eventType", Message: fmt.Sprintf("must be one of %s", strings.Join(a.Fixtures.Types(), ", ")), Code: "unknown_event_type"}})
		return nil, event.Envelope{}, false
	}
	var edits event.Edits
	if len(body.Data) > 0 && string(body.Data) != "null" {
		data, err := event.DecodeJSON(body.Data)
		var le *event.LimitError
		if errors.As(err, &le) {
			invalid(w, r, []petstore.FieldError{{Field: "data", Message: fmt.Sprintf("must nest at most %d levels deep", event.MaxJSONDepth), Code: "too_deep"}})
			return nil, event.Envelope{}, false
		}
		if _, isObject := data.(*event.Object); err != nil || !isObject {
			invalid(w, r, []petstore.FieldError{{Field: "data", Message: "must be a JSON object", Code: "invalid"}})
			return nil, event.Envelope{}, false
		}
		edits.Overrides = []event.Override{{Path: []string{"data"}, Value: data}}
	}
	payload, env, err := event.Build(fx.Body, edits, event.Generator{Now: a.Now()})
	if err != nil {
		internalError(w, r, err)
		return nil, event.Envelope{}, false
	}
	return payload, env, true
}

func (a *API) webhook(w http.ResponseWriter, r *http.Request, id string) (store.Webhook, bool) {
	h, err := a.Store.GetWebhook(r.Context(), id)
	if err != nil {
		a.storeError(w, r, id, err)
		return h, false
	}
	return h, true
}

func (a *API) storeError(w http.ResponseWriter, r *http.Request, id string, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Not Found", "no webhook with id "+id, nil)
		return
	}
	internalError(w, r, err)
}

// Limits on what a registration may hold.
const (
	maxEvents       = 100
	maxURLLength    = 2048
	maxSecretLength = 256
)

func (a *API) checkEvents(events []string) ([]string, []petstore.FieldError) {
	if len(events) == 0 {
		return nil, []petstore.FieldError{{Field: "events", Message: "list at least one event type", Code: "required"}}
	}
	if len(events) > maxEvents {
		return nil, []petstore.FieldError{{Field: "events", Message: fmt.Sprintf("list at most %d event types", maxEvents), Code: "too_many"}}
	}
	var out []string
	for _, e := range events {
		if !a.Fixtures.Has(e) {
			return nil, []petstore.FieldError{{Field: "events", Message: fmt.Sprintf("unknown event type %q: must be one of %s", e, strings.Join(a.Fixtures.Types(), ", ")), Code: "unknown_event_type"}}
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func checkURL(raw string) []petstore.FieldError {
	fail := func(msg, code string) []petstore.FieldError {
		return []petstore.FieldError{{Field: "url", Message: msg, Code: code}}
	}
	if raw == "" {
		return fail("is required", "required")
	}
	if len(raw) > maxURLLength {
		return fail(fmt.Sprintf("must be at most %d characters", maxURLLength), "too_long")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.ContainsFunc(raw, invisible) {
		return fail("must be an absolute http or https URL", "invalid_url")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fail("port must be from 1 to 65535", "invalid_url")
		}
	}
	return nil
}

func checkSecret(secret string) []petstore.FieldError {
	fail := func(msg, code string) []petstore.FieldError {
		return []petstore.FieldError{{Field: "secret", Message: msg, Code: code}}
	}
	switch {
	case len(secret) < 8:
		return fail("must be at least 8 characters", "too_short")
	case len(secret) > maxSecretLength:
		return fail(fmt.Sprintf("must be at most %d characters", maxSecretLength), "too_long")
	case strings.ContainsFunc(secret, invisible):
		return fail("must not hold control or formatting characters", "invalid")
	case strings.TrimSpace(secret) != secret:
		return fail("must not start or end with spaces", "invalid")
	}
	return nil
}

// invisible reports the characters that do not show as themselves: controls
// and formatting characters such as the bidirectional overrides (U+202E).
func invisible(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

// decodeBody reads a JSON object into v, answering 415 or 400 when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeProblem(w, r, http.StatusUnsupportedMediaType, "Unsupported Media Type", "send the body as Content-Type: application/json", nil)
		return false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeProblem(w, r, http.StatusRequestEntityTooLarge, "Content Too Large", fmt.Sprintf("the body is larger than %d bytes", maxRequestBody), nil)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeProblem(w, r, http.StatusBadRequest, "Bad Request", "the body is not a valid JSON object for this call: "+strings.TrimPrefix(err.Error(), "json: "), nil)
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		invalid(w, r, []petstore.FieldError{{Field: "body", Message: "must hold one JSON object and nothing after it", Code: "trailing_data"}})
		return false
	}
	return true
}

func webhookJSON(h store.Webhook) petstore.Webhook {
	return petstore.Webhook{ID: h.ID, URL: h.URL, Events: h.Events, Secret: h.Secret, Status: h.Status, CreatedAt: h.CreatedAt.UTC()}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "Not Found", "no such endpoint: "+r.URL.Path, nil)
}

func invalid(w http.ResponseWriter, r *http.Request, errs []petstore.FieldError) {
	writeProblem(w, r, http.StatusUnprocessableEntity, "Validation Failed", "the request has invalid fields", errs)
}

func internalError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", err.Error(), nil)
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string, errs []petstore.FieldError) {
	p := petstore.Problem{Type: "https://petstoreapi.com/problems/" + strings.ReplaceAll(strings.ToLower(title), " ", "-"),
		Title: title, Status: status, Detail: detail, Instance: r.URL.Path, Errors: errs}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

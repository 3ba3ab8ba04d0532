package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var ctx = context.Background()

func hook(id string, events ...string) Webhook {
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	return Webhook{ID: id, URL: "http://127.0.0.1:9/" + id, Events: events, Secret: "whsec_" + id, Status: "active", CreatedAt: now, UpdatedAt: now}
}

func TestWebhooksSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "emulator.db")
	s := openEmulator(t, path)
	if err := s.CreateWebhook(ctx, hook("wh_1", "pet.adopted")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "api_key", "k1"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v (mode %v), want mode 0600", f, err, fi)
		}
	}
	s.Close()
	s = openEmulator(t, path)
	w, err := s.GetWebhook(ctx, "wh_1")
	if err != nil || w.URL != "http://127.0.0.1:9/wh_1" || w.Events[0] != "pet.adopted" || !w.CreatedAt.Equal(hook("x").CreatedAt) {
		t.Fatalf("after reopen: %+v, %v", w, err)
	}
	if k, _ := s.Setting(ctx, "api_key"); k != "k1" {
		t.Fatalf("setting = %q", k)
	}
	if _, err := s.GetWebhook(ctx, "wh_nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing webhook: %v", err)
	}
}

func TestListWebhooksPages(t *testing.T) {
	s := openEmulator(t, ":memory:")
	for i := range 5 {
		s.CreateWebhook(ctx, hook(fmt.Sprintf("wh_%d", i), "pet.adopted"))
	}
	var ids []string
	cursor, pages := "", 0
	for {
		page, next, err := s.ListWebhooks(ctx, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range page {
			ids = append(ids, w.ID)
		}
		pages++
		if next == "" {
			break
		}
		cursor = next
	}
	if fmt.Sprint(ids) != "[wh_0 wh_1 wh_2 wh_3 wh_4]" || pages != 3 {
		t.Fatalf("ids %v in %d pages", ids, pages)
	}
	if _, _, err := s.ListWebhooks(ctx, 2, "garbage"); !errors.Is(err, ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestUpdateDeleteAndSubscribers(t *testing.T) {
	s := openEmulator(t, ":memory:")
	s.CreateWebhook(ctx, hook("a", "pet.adopted", "order.created"))
	s.CreateWebhook(ctx, hook("b", "order.created"))
	off := hook("c", "order.created")
	off.Status = "disabled"
	s.CreateWebhook(ctx, off)
	subs, _ := s.WebhooksFor(ctx, "order.created")
	if len(subs) != 2 || subs[0].ID != "a" || subs[1].ID != "b" {
		t.Fatalf("subscribers = %+v", subs)
	}
	w, _ := s.GetWebhook(ctx, "b")
	w.URL = "http://127.0.0.1:9/new"
	if err := s.UpdateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	if w, _ = s.GetWebhook(ctx, "b"); w.URL != "http://127.0.0.1:9/new" {
		t.Fatalf("update: %+v", w)
	}
	if err := s.DeleteWebhook(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, "b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.UpdateWebhook(ctx, w); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update deleted: %v", err)
	}
}

func TestDeliveryLifecycle(t *testing.T) {
	s := openEmulator(t, ":memory:")
	s.CreateWebhook(ctx, hook("a", "pet.adopted"))
	t0 := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	id, err := s.EnqueueDelivery(ctx, Delivery{WebhookID: "a", EventID: "e1", EventType: "pet.adopted", Body: []byte("{}"), NextAttemptAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueDeliveries(ctx, t0.Add(-time.Second), 10); len(due) != 0 {
		t.Fatal("due before its time")
	}
	due, _ := s.DueDeliveries(ctx, t0, 10)
	if len(due) != 1 || due[0].ID != id || string(due[0].Body) != "{}" {
		t.Fatalf("due = %+v", due)
	}
	retry := t0.Add(time.Minute)
	s.RecordAttempt(ctx, Attempt{DeliveryID: id, WebhookID: "a", EventID: "e1", EventType: "pet.adopted", Attempt: 1, AttemptedAt: t0, Error: "connection refused"}, false, retry, false)
	if next, ok, _ := s.NextDue(ctx); !ok || !next.Equal(retry) {
		t.Fatalf("next due = %v %v", next, ok)
	}
	s.RecordAttempt(ctx, Attempt{DeliveryID: id, WebhookID: "a", EventID: "e1", EventType: "pet.adopted", Attempt: 2, AttemptedAt: retry, Status: 500, Latency: 1500 * time.Microsecond}, false, time.Time{}, true)
	d, _ := s.GetDelivery(ctx, id)
	w, _ := s.GetWebhook(ctx, "a")
	if d.State != Failed || d.Attempts != 2 || w.Status != "disabled" {
		t.Fatalf("after the last attempt: delivery %+v, webhook %s", d, w.Status)
	}
	if _, ok, _ := s.NextDue(ctx); ok {
		t.Fatal("still something due")
	}
	atts, _ := s.Attempts(ctx, "a", "")
	if len(atts) != 2 || atts[0].Error != "connection refused" || atts[1].Status != 500 || atts[1].Latency != 1500*time.Microsecond {
		t.Fatalf("attempts = %+v", atts)
	}
}

// The deliveries of one event are stored all together or not at all.
func TestEnqueueDeliveriesIsAllOrNothing(t *testing.T) {
	s := openEmulator(t, ":memory:")
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON deliveries WHEN NEW.webhook_id = 'wh_b' BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	ds := []Delivery{{WebhookID: "wh_a", EventID: "e1", EventType: "pet.adopted", Body: []byte("{}"), NextAttemptAt: due},
		{WebhookID: "wh_b", EventID: "e1", EventType: "pet.adopted", Body: []byte("{}"), NextAttemptAt: due}}
	if err := s.EnqueueDeliveries(ctx, ds); err == nil {
		t.Fatal("enqueued past a refused insert")
	}
	if got, err := s.DueDeliveries(ctx, due, 10); err != nil || len(got) != 0 {
		t.Fatalf("after a failed fan-out: %d deliveries stored (%v), want none", len(got), err)
	}
	if err := s.EnqueueDeliveries(ctx, ds[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DueDeliveries(ctx, due, 10); len(got) != 1 || got[0].WebhookID != "wh_a" {
		t.Fatalf("due = %+v", got)
	}
}

// The emulator's ?eventId= poll asks SQL for one event's attempts rather
// than loading every attempt of the webhook.
func TestAttemptsOfOneEvent(t *testing.T) {
	s := openEmulator(t, ":memory:")
	s.CreateWebhook(ctx, hook("a", "pet.adopted"))
	t0 := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	for _, ev := range []string{"e1", "e2", "e1"} {
		id, err := s.EnqueueDelivery(ctx, Delivery{WebhookID: "a", EventID: ev, EventType: "pet.adopted", Body: []byte("{}"), NextAttemptAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		s.RecordAttempt(ctx, Attempt{DeliveryID: id, WebhookID: "a", EventID: ev, EventType: "pet.adopted", Attempt: 1, AttemptedAt: t0, Status: 200}, true, time.Time{}, false)
	}
	for ev, want := range map[string]int{"": 3, "e1": 2, "e2": 1, "e3": 0} {
		atts, err := s.Attempts(ctx, "a", ev)
		if err != nil || len(atts) != want {
			t.Errorf("Attempts(a, %q) = %d attempts, %v; want %d", ev, len(atts), err, want)
		}
		for _, a := range atts {
			if ev != "" && a.EventID != ev {
				t.Errorf("Attempts(a, %q) holds one of %s", ev, a.EventID)
			}
		}
	}
}

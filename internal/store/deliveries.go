package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Delivery states.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed"
)

// Delivery is one event on its way to one webhook.
type Delivery struct {
	ID            int64
	WebhookID     string
	EventID       string
	EventType     string
	Body          []byte
	Attempts      int
	State         string
	NextAttemptAt time.Time
}

// Attempt is one try at a delivery.
type Attempt struct {
	DeliveryID  int64
	WebhookID   string
	EventID     string
	EventType   string
	Attempt     int
	AttemptedAt time.Time
	Status      int // 0 when there was no answer
	Latency     time.Duration
	Error       string
}

// EnqueueDelivery stores a pending delivery due at d.NextAttemptAt and
// returns its id. With a zero NextAttemptAt it is never due: the caller
// makes the first attempt itself and records it.
func (s *Store) EnqueueDelivery(ctx context.Context, d Delivery) (int64, error) {
	next := sql.NullString{}
	if !d.NextAttemptAt.IsZero() {
		next = sql.NullString{String: formatTime(d.NextAttemptAt), Valid: true}
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO deliveries (webhook_id, event_id, event_type, body, attempts, state, next_attempt_at) VALUES (?, ?, ?, ?, 0, 'pending', ?)`,
		d.WebhookID, d.EventID, d.EventType, d.Body, next)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// EnqueueDeliveries stores the pending deliveries of one event, all of them
// or, on an error, none.
func (s *Store) EnqueueDeliveries(ctx context.Context, ds []Delivery) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, d := range ds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (webhook_id, event_id, event_type, body, attempts, state, next_attempt_at) VALUES (?, ?, ?, ?, 0, 'pending', ?)`,
				d.WebhookID, d.EventID, d.EventType, d.Body, formatTime(d.NextAttemptAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// GetDelivery returns one delivery.
func (s *Store) GetDelivery(ctx context.Context, id int64) (Delivery, error) {
	d, err := scanDelivery(s.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

const deliveryColumns = `id, webhook_id, event_id, event_type, body, attempts, state, COALESCE(next_attempt_at, '')`

// DueDeliveries returns up to limit pending deliveries due at or before now,
// oldest first, leaving out those to the webhooks in skip.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int, skip ...string) ([]Delivery, error) {
	notIn, args := notInWebhooks(skip)
	args = append([]any{formatTime(now)}, append(args, limit)...)
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ?`+notIn+` ORDER BY next_attempt_at, id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDelivery)
}

// NextDue returns when the earliest pending delivery is due, leaving out
// those to the webhooks in skip, and false when none is pending.
func (s *Store) NextDue(ctx context.Context, skip ...string) (time.Time, bool, error) {
	notIn, args := notInWebhooks(skip)
	var next sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'`+notIn, args...).Scan(&next); err != nil {
		return time.Time{}, false, err
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return parseTime(next.String), true, nil
}

// notInWebhooks is the condition that leaves out the webhooks ids, and its arguments.
func notInWebhooks(ids []string) (string, []any) {
	if len(ids) == 0 {
		return "", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return ` AND webhook_id NOT IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`, args
}

// RecordAttempt stores an attempt and moves its delivery on: to delivered,
// to pending again at retryAt, or to failed when retryAt is zero. When
// disable is set, the webhook is disabled and its other pending deliveries fail.
func (s *Store) RecordAttempt(ctx context.Context, a Attempt, delivered bool, retryAt time.Time, disable bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attempts (delivery_id, webhook_id, event_id, event_type, attempt, attempted_at, status, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.DeliveryID, a.WebhookID, a.EventID, a.EventType, a.Attempt, formatTime(a.AttemptedAt), a.Status, float64(a.Latency.Microseconds())/1000, a.Error)
		if err != nil {
			return err
		}
		state, next := Delivered, sql.NullString{}
		switch {
		case delivered:
		case !retryAt.IsZero():
			state, next = Pending, sql.NullString{String: formatTime(retryAt), Valid: true}
		default:
			state = Failed
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET attempts = ?, state = ?, next_attempt_at = ? WHERE id = ?`, a.Attempt, state, next, a.DeliveryID); err != nil {
			return err
		}
		if !disable {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET status = 'disabled', updated_at = ? WHERE id = ?`, formatTime(a.AttemptedAt), a.WebhookID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE webhook_id = ? AND state = 'pending'`, a.WebhookID)
		return err
	})
}

// CancelDelivery gives up a pending delivery without an attempt.
func (s *Store) CancelDelivery(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE id = ?`, id)
	return err
}

// Attempts lists a webhook's attempts, oldest first: every one, or with
// eventID set only that event's.
func (s *Store) Attempts(ctx context.Context, webhookID, eventID string) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT delivery_id, webhook_id, event_id, event_type, attempt, attempted_at, status, latency_ms, error FROM attempts
		WHERE webhook_id = ?1 AND (?2 = '' OR event_id = ?2) ORDER BY id`, webhookID, eventID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (Attempt, error) {
		var a Attempt
		var at string
		var ms float64
		err := sc.Scan(&a.DeliveryID, &a.WebhookID, &a.EventID, &a.EventType, &a.Attempt, &at, &a.Status, &ms, &a.Error)
		a.AttemptedAt, a.Latency = parseTime(at), time.Duration(ms*float64(time.Millisecond))
		return a, err
	})
}

func scanDelivery(row scanner) (Delivery, error) {
	var d Delivery
	var next string
	if err := row.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.EventType, &d.Body, &d.Attempts, &d.State, &next); err != nil {
		return d, err
	}
	if next != "" {
		d.NextAttemptAt = parseTime(next)
	}
	return d, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Webhook is a registration kept by the emulator.
type Webhook struct {
	ID        string
	URL       string
	Events    []string
	Secret    string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const webhookColumns = `seq, id, url, events, secret, status, created_at, updated_at`

// CreateWebhook inserts w.
func (s *Store) CreateWebhook(ctx context.Context, w Webhook) error {
	events, _ := json.Marshal(w.Events)
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhooks (id, url, events, secret, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.URL, string(events), w.Secret, w.Status, formatTime(w.CreatedAt), formatTime(w.UpdatedAt))
	return err
}

// GetWebhook returns the webhook with id, or ErrNotFound.
func (s *Store) GetWebhook(ctx context.Context, id string) (Webhook, error) {
	w, _, err := scanWebhook(s.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	return w, err
}

// ListWebhooks returns up to limit webhooks in creation order after cursor
// ("" for the start), and the cursor of the next page ("" at the end).
func (s *Store) ListWebhooks(ctx context.Context, limit int, cursor string) ([]Webhook, string, error) {
	after := int64(0)
	if cursor != "" {
		var err error
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after < 0 {
			return nil, "", ErrBadCursor
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Webhook
	var seqs []int64
	for rows.Next() {
		w, seq, err := scanWebhook(rows)
		if err != nil {
			return nil, "", err
		}
		out, seqs = append(out, w), append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = strconv.FormatInt(seqs[limit-1], 10)
	}
	return out, next, nil
}

// ErrBadCursor is a cursor this store did not make.
var ErrBadCursor = errors.New("bad cursor")

// WebhooksFor returns the active webhooks subscribed to eventType.
func (s *Store) WebhooksFor(ctx context.Context, eventType string) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE status = 'active' ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, _, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		for _, e := range w.Events {
			if e == eventType {
				out = append(out, w)
				break
			}
		}
	}
	return out, rows.Err()
}

// UpdateWebhook stores w's fields under its id.
func (s *Store) UpdateWebhook(ctx context.Context, w Webhook) error {
	events, _ := json.Marshal(w.Events)
	res, err := s.db.ExecContext(ctx, `UPDATE webhooks SET url = ?, events = ?, secret = ?, status = ?, updated_at = ? WHERE id = ?`,
		w.URL, string(events), w.Secret, w.Status, formatTime(w.UpdatedAt), w.ID)
	return affected(res, err)
}

// DeleteWebhook removes a webhook and its pending deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err := affected(res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE webhook_id = ? AND state = 'pending'`, id)
		return err
	})
}

type scanner interface{ Scan(...any) error }

func scanWebhook(row scanner) (Webhook, int64, error) {
	var w Webhook
	var seq int64
	var events, created, updated string
	err := row.Scan(&seq, &w.ID, &w.URL, &events, &w.Secret, &w.Status, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return w, 0, ErrNotFound
	}
	if err != nil {
		return w, 0, err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return w, 0, err
	}
	w.CreatedAt, w.UpdatedAt = parseTime(created), parseTime(updated)
	return w, seq, nil
}

func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

package store

import (
	"context"
	"database/sql/driver"
	"sync"
)

// rawStatements are statements prepared once on the driver's connection,
// for the history's group commits. Through database/sql every transaction
// prepared its BEGIN and COMMIT anew; here they are prepared once too.
type rawStatements struct {
	mu    sync.Mutex
	conn  any // the driver connection the statements belong to
	stmts map[string]driver.Stmt
}

// rawExec runs a statement on the connection the transaction holds.
type rawExec func(query string, args ...driver.Value) (driver.Result, error)

// inRawTx runs fn between BEGIN and COMMIT on the driver's connection, and
// rolls back when fn or the commit fails.
func (s *Store) inRawTx(ctx context.Context, fn func(rawExec) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		s.raw.mu.Lock()
		defer s.raw.mu.Unlock()
		exec := func(query string, args ...driver.Value) (driver.Result, error) {
			return s.raw.exec(ctx, dc, query, args)
		}
		if _, err := exec("BEGIN"); err != nil {
			return err
		}
		err := fn(exec)
		if err == nil {
			_, err = exec("COMMIT")
		}
		if err != nil {
			_, _ = exec("ROLLBACK") // a failed COMMIT may leave the transaction open
		}
		return err
	})
}

// exec runs query, prepared on dc the first time; s.mu is held.
func (s *rawStatements) exec(ctx context.Context, dc any, query string, args []driver.Value) (driver.Result, error) {
	if s.conn != dc {
		s.conn, s.stmts = dc, map[string]driver.Stmt{} // the statements of an earlier connection went with it
	}
	st, ok := s.stmts[query]
	if !ok {
		var err error
		if st, err = dc.(driver.ConnPrepareContext).PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		s.stmts[query] = st
	}
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return st.(driver.StmtExecContext).ExecContext(ctx, named)
}

// close finalizes the statements, which the connection needs before it closes.
func (s *Store) closeRawStatements() {
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.Raw(func(dc any) error {
		s.raw.mu.Lock()
		defer s.raw.mu.Unlock()
		if s.raw.conn == dc {
			for _, st := range s.raw.stmts {
				st.Close()
			}
		}
		s.raw.conn, s.raw.stmts = nil, nil
		return nil
	})
}

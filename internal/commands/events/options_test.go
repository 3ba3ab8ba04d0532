package events

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// stateHistory is the default history of a test's environment.
const stateHistory = "/state/petstore-webhooks/history.db"

// runOptions runs `events <sub> args...` with sub built by newSub, which
// hands the Options the command built to runF, and returns its error.
func runOptions(t *testing.T, newSub func(*cmdutil.Factory) *cobra.Command, args ...string) error {
	t.Helper()
	f, _ := cmdtest.Factory(t, cmdtest.Env{"XDG_STATE_HOME": "/state"})
	return cmdtest.Run(newCmdEvents(newSub(f)), args...)
}

// flagCase is a row of a flags → Options table: what a test compares of the
// Options the command built (V), or its usage error.
type flagCase[V any] struct {
	name    string
	args    []string
	want    V
	wantErr string
}

// checkFlags runs each row through newCmd and compares view of the Options
// it built with the row's.
func checkFlags[O, V any](t *testing.T, tests []flagCase[V], newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, view func(*O) V) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *O
			err := runOptions(t, func(f *cmdutil.Factory) *cobra.Command {
				return newCmd(f, func(_ context.Context, o *O) error { got = o; return nil })
			}, tt.args...)
			if tt.wantErr != "" {
				cmdtest.AssertUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := view(got); !reflect.DeepEqual(v, tt.want) {
				t.Fatalf("options\n%+v\nwant\n%+v", v, tt.want)
			}
		})
	}
}

func TestListFlags(t *testing.T) {
	checkFlags(t, []flagCase[ListOptions]{
		{name: "defaults", args: []string{"list"}, want: ListOptions{History: stateHistory, Filter: store.RequestFilter{Limit: 50}, Format: "human"}},
		{name: "every filter", args: []string{"list", "--history", "h.db", "--events", "pet.*, order.created", "--since", "2h", "--status", "failed", "--limit", "0", "--format", "json"},
			want: ListOptions{History: "h.db", Filter: store.RequestFilter{Types: event.TypeFilter{"pet.*", "order.created"}, Since: cmdtest.Now.Add(-2 * time.Hour), Status: "failed"},
				Filtered: true, Format: "json"}},
		{name: "since a day", args: []string{"list", "--since", "2025-01-01"},
			want: ListOptions{History: stateHistory, Filter: store.RequestFilter{Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 50}, Filtered: true, Format: "human"}},
		{name: "bad format", args: []string{"list", "--format", "xml"}, wantErr: `invalid --format "xml": want human or json`},
		{name: "bad glob", args: []string{"list", "--events", "pet.["}, wantErr: `--events: bad glob "pet.["`},
		{name: "unknown state", args: []string{"list", "--status", "lost"}, wantErr: `--status must be one of [delivered pending failed rejected received], got "lost"`},
		{name: "negative limit", args: []string{"list", "--limit", "-1"}, wantErr: "--limit must not be negative, got -1"},
		{name: "bad since", args: []string{"list", "--since", "yesterday"}, wantErr: `--since "yesterday": want a duration such as 30m, 2h or 7d, or a time such as 2025-01-06 or 2025-01-06T12:00:00Z`},
		{name: "argument", args: []string{"list", "x"}, wantErr: `events list takes no arguments, got "x"`},
	}, NewCmdList, func(o *ListOptions) ListOptions { o.IO, o.Now = nil, nil; return *o })
}

func TestShowFlags(t *testing.T) {
	checkFlags(t, []flagCase[ShowOptions]{
		{name: "number", args: []string{"show", "42"}, want: ShowOptions{History: stateHistory, Ref: "42", Format: "human"}},
		{name: "json", args: []string{"show", "…3d882a24", "--format", "json", "--history", "h.db"}, want: ShowOptions{History: "h.db", Ref: "…3d882a24", Format: "json"}},
		{name: "no id", args: []string{"show"}, wantErr: "events show needs an event id, its end, or a request number (see 'events list')"},
		{name: "bad format", args: []string{"show", "1", "--format", "yaml"}, wantErr: `invalid --format "yaml": want human or json`},
	}, NewCmdShow, func(o *ShowOptions) ShowOptions { o.IO = nil; return *o })
}

func TestPruneFlags(t *testing.T) {
	checkFlags(t, []flagCase[PruneOptions]{
		{name: "older than a day", args: []string{"prune", "--older-than", "24h"}, want: PruneOptions{History: stateHistory, Before: cmdtest.Now.Add(-24 * time.Hour)}},
		{name: "yes", args: []string{"prune", "--older-than", "7d", "-y", "--history", "h.db"}, want: PruneOptions{History: "h.db", Before: cmdtest.Now.AddDate(0, 0, -7), Yes: true}},
		{name: "no age", args: []string{"prune"}, wantErr: "--older-than is required, such as 24h or 7d"},
		{name: "bad age", args: []string{"prune", "--older-than", "soon"}, wantErr: `--older-than "soon": want a duration such as 30m, 24h or 7d`},
		{name: "argument", args: []string{"prune", "--older-than", "1h", "all"}, wantErr: `events prune takes no arguments, got "all"`},
	}, NewCmdPrune, func(o *PruneOptions) PruneOptions { o.IO = nil; return *o })
}

// resendFlags is what a test compares of ResendOptions: the scheme by name,
// the target by URL.
type resendFlags struct {
	History, Ref, To, Format string
	Secret, Scheme           string
	Headers                  http.Header
	Timeout                  time.Duration
	Deps                     bool // the HTTP client and the clock are set
}

func TestResendFlags(t *testing.T) {
	checkFlags(t, []flagCase[resendFlags]{
		{"to every target", []string{"resend", "42"}, resendFlags{History: stateHistory, Ref: "42", Format: "human", Scheme: "petstore", Headers: http.Header{}, Timeout: 10 * time.Second, Deps: true}, ""},
		{"every flag", []string{"resend", "7", "--history", "h.db", "--to", "3000/hooks", "--forward-secret", "whsec_YQ==", "--forward-scheme", "standard",
			"-H", "X-Tenant: a", "--forward-timeout", "2s", "--format", "json"},
			resendFlags{"h.db", "7", "http://localhost:3000/hooks", "json", "whsec_YQ==", "standard", http.Header{"X-Tenant": {"a"}}, 2 * time.Second, true}, ""},
		{"old timeout name", []string{"resend", "7", "--timeout", "3s"}, resendFlags{History: stateHistory, Ref: "7", Format: "human", Scheme: "petstore", Headers: http.Header{}, Timeout: 3 * time.Second, Deps: true}, ""},
		{"no id", []string{"resend"}, resendFlags{}, "events resend needs an event id, its end, or a request number (see 'events list')"},
		{"glob target", []string{"resend", "1", "--to", "pet.*=3000"}, resendFlags{}, `--to "pet.*=3000": want a URL, host:port[/path] or port[/path]`},
		{"no timeout", []string{"resend", "1", "--forward-timeout", "0s"}, resendFlags{}, "--forward-timeout must be positive, got 0s"},
		{"scheme without secret", []string{"resend", "1", "--forward-scheme", "stripe"}, resendFlags{},
			"--forward-scheme needs a secret to sign with: --forward-secret, --forward-secret-file or $PETSTORE_FORWARD_SECRET"},
		{"bad header", []string{"resend", "1", "-H", "nocolon"}, resendFlags{}, `--header "nocolon": want "Name: value"`},
		{"bad format", []string{"resend", "1", "--format", "csv"}, resendFlags{}, `invalid --format "csv": want human or json`},
	}, NewCmdResend, func(o *ResendOptions) resendFlags {
		fwd := o.Forwarding
		v := resendFlags{History: o.History, Ref: o.Ref, Format: o.Format, Secret: fwd.Secret, Scheme: fwd.Scheme.Name(), Headers: fwd.Headers, Timeout: fwd.Timeout,
			Deps: o.Client != nil && o.Now != nil}
		if o.To != nil {
			v.To = o.To.URL
		}
		return v
	})
}

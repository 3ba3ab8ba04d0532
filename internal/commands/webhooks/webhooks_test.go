package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// newEmulator serves the emulator's API on a test server.
func newEmulator(t *testing.T) string {
	t.Helper()
	st, err := store.OpenEmulator(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx, _ := fixtures.Load("")
	eng := &emulator.Engine{Store: st, Client: &http.Client{}, Schedule: []time.Duration{0, time.Hour}}
	srv := httptest.NewServer(&emulator.API{Store: st, Engine: eng, APIKey: "k", Fixtures: fx, Now: time.Now})
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

type run struct {
	out, err string
	code     cmdutil.ExitCode
	error    error
}

// cli runs one command against the API at base with key k.
func cli(t *testing.T, base string, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) run {
	t.Helper()
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base, "PETSTORE_API_KEY": "k"})
	err := cmdtest.Run(newCmd(f), args...)
	return run{s.Out.String(), s.Err.String(), cmdutil.CodeOf(err), err}
}

var (
	register   = func(f *cmdutil.Factory) *cobra.Command { return NewCmdRegister(f, nil) }
	update     = func(f *cmdutil.Factory) *cobra.Command { return NewCmdUpdate(f, nil) }
	list       = func(f *cmdutil.Factory) *cobra.Command { return NewCmdList(f, nil) }
	get        = func(f *cmdutil.Factory) *cobra.Command { return NewCmdGet(f, nil) }
	del        = func(f *cmdutil.Factory) *cobra.Command { return NewCmdDelete(f, nil) }
	test       = func(f *cmdutil.Factory) *cobra.Command { return NewCmdTest(f, nil) }
	deliveries = func(f *cmdutil.Factory) *cobra.Command { return NewCmdDeliveries(f, nil) }
)

func registerJSON(t *testing.T, base, url string, events string) petstore.Webhook {
	t.Helper()
	r := cli(t, base, register, "--url", url, "--events", events, "--format", "json")
	var w petstore.Webhook
	if r.error != nil || json.Unmarshal([]byte(r.out), &w) != nil {
		t.Fatalf("register: %+v", r)
	}
	return w
}

func TestRegisterShowsTheSecretOnce(t *testing.T) {
	base := newEmulator(t)
	r := cli(t, base, register, "--url", "http://127.0.0.1:8080/webhooks", "--events", "pet.adopted, order.created", "--secret", "whsec_mine_0123456789")
	want := regexp.MustCompile(`^ID\twh_[A-Za-z0-9]{16}\nURL\thttp://127.0.0.1:8080/webhooks\nEvents\tpet.adopted, order.created\nStatus\tactive\nSecret\twhsec_mine_0123456789\nCreated\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$`)
	if r.error != nil || !want.MatchString(r.out) {
		t.Fatalf("register:\n%s%v", r.out, r.error)
	}
	id := strings.Fields(r.out)[1]
	if r := cli(t, base, get, id); !strings.Contains(r.out, "Secret\twhsec_****6789\n") {
		t.Fatalf("get masks:\n%s", r.out)
	}
	if r := cli(t, base, get, id, "--show-secret", "--format", "json"); !strings.Contains(r.out, `"secret":"whsec_mine_0123456789"`) {
		t.Fatalf("get --show-secret:\n%s", r.out)
	}
	if r := cli(t, base, list, "--format", "json"); strings.Contains(r.out, "whsec_mine") || !strings.Contains(r.out, `"secret":"whsec_****6789"`) {
		t.Fatalf("list masks:\n%s", r.out)
	}
}

func TestRegisterUsageErrors(t *testing.T) {
	for args, want := range map[string]string{
		"--events pet.adopted":                         "--url is required",
		"--url ftp://x --events pet.adopted":           `--url must be an absolute http(s) URL, got "ftp://x"`,
		"--url http://x":                               "--events is required: one or more event types, comma-separated",
		"--url http://x --events pet.adopted,pet.sold": `--events: unknown event type "pet.sold" (known: order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)`,
	} {
		f, _ := cmdtest.Factory(t, nil)
		err := cmdtest.Run(NewCmdRegister(f, func(context.Context, *RegisterOptions) error { return nil }), strings.Fields(args)...)
		cmdtest.AssertUsageError(t, err, want)
	}
}

func TestListPagesAndFormats(t *testing.T) {
	base := newEmulator(t)
	if r := cli(t, base, list, "--format", "json"); r.out != "[]\n" {
		t.Fatalf("empty list: %q", r.out)
	}
	for range 3 {
		registerJSON(t, base, "http://127.0.0.1:9/h", "payment.failed")
	}
	r := cli(t, base, list)
	rows := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(rows) != 3 || !regexp.MustCompile(`^wh_\w{16}\thttp://127.0.0.1:9/h\tpayment.failed\tactive\t\S+Z$`).MatchString(rows[0]) {
		t.Fatalf("list:\n%s", r.out)
	}
	if r := cli(t, base, list, "--limit", "2", "--format", "json"); strings.Count(r.out, `"id"`) != 2 {
		t.Fatalf("--limit 2:\n%s", r.out)
	}
}

func TestUpdate(t *testing.T) {
	base := newEmulator(t)
	w := registerJSON(t, base, "http://127.0.0.1:9/h", "pet.adopted,order.created")
	r := cli(t, base, update, w.ID, "--add-event", "payment.failed", "--remove-event", "pet.adopted", "--status", "disabled", "--format", "json")
	var got petstore.Webhook
	if json.Unmarshal([]byte(r.out), &got) != nil || strings.Join(got.Events, ",") != "order.created,payment.failed" || got.Status != "disabled" {
		t.Fatalf("update: %+v", r)
	}
	r = cli(t, base, update, w.ID, "--remove-event", "order.created,payment.failed")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.error.Error(), "no events") {
		t.Fatalf("removing every event: %+v", r)
	}
	for args, want := range map[string]string{
		"wh_1":                 "nothing to change: give --url, --events, --add-event, --remove-event, --status or --secret",
		"wh_1 --status paused": `--status must be active or disabled, got "paused"`,
		"wh_1 --events a.b":    `--events: unknown event type "a.b" (known: order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)`,
		"wh_1 --events pet.adopted --add-event order.created": "--events replaces the list: it does not go with --add-event or --remove-event",
	} {
		f, _ := cmdtest.Factory(t, nil)
		cmdtest.AssertUsageError(t, cmdtest.Run(NewCmdUpdate(f, func(context.Context, *UpdateOptions) error { return nil }), strings.Fields(args)...), want)
	}
	var sent *UpdateOptions
	f, _ := cmdtest.Factory(t, nil)
	cmdtest.Run(NewCmdUpdate(f, func(_ context.Context, o *UpdateOptions) error { sent = o; return nil }), "wh_1", "--url", "https://e.test/x")
	if sent.URL == nil || *sent.URL != "https://e.test/x" || sent.Status != nil || sent.Secret != nil || sent.Events != nil {
		t.Fatalf("only --url must be set: %+v", sent)
	}
}

func TestDeleteAsksOrNeedsYes(t *testing.T) {
	base := newEmulator(t)
	w := registerJSON(t, base, "http://127.0.0.1:9/h", "pet.adopted")
	if r := cli(t, base, del, w.ID); r.code != cmdutil.ExitUsage || r.error.Error() != "--yes is required to delete without a terminal to ask on" {
		t.Fatalf("no --yes: %+v", r)
	}
	f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base, "PETSTORE_API_KEY": "k"})
	f.IOStreams.SetTTY(true, true, true)
	s.In.WriteString("n\n")
	if err := cmdtest.Run(NewCmdDelete(f, nil), w.ID); cmdutil.CodeOf(err) != cmdutil.ExitFailure || !strings.Contains(s.Err.String(), "Delete webhook "+w.ID+"? ") {
		t.Fatalf("answered n: %v %q", err, s.Err)
	}
	s.In.WriteString("y\n")
	if err := cmdtest.Run(NewCmdDelete(f, nil), w.ID); err != nil {
		t.Fatalf("answered y: %v", err)
	}
	if r := cli(t, base, del, w.ID, "--yes"); r.code != cmdutil.ExitNotFound || r.error.Error() != "webhook "+w.ID+" not found (404): 'petstore-webhooks list' shows the webhooks" {
		t.Fatalf("second delete: %+v", r)
	}
}

func TestTestAndDeliveries(t *testing.T) {
	base := newEmulator(t)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer bad.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String() + "/h"
	l.Close()

	good := registerJSON(t, base, ok.URL, "order.created,pet.adopted")
	r := cli(t, base, test, good.ID)
	if r.code != 0 || !regexp.MustCompile(`^✓ Delivered order.created [0-9a-f-]{36} to `+regexp.QuoteMeta(ok.URL)+`: 200 OK in [0-9.]+ms\n$`).MatchString(r.out) {
		t.Fatalf("test ok: %+v", r)
	}
	if r := cli(t, base, test, good.ID, "--event", "pet.adopted", "--format", "json"); !strings.Contains(r.out, `"eventType":"pet.adopted"`) || !strings.Contains(r.out, `"status":200`) {
		t.Fatalf("test --event: %+v", r)
	}
	if r := cli(t, base, test, registerJSON(t, base, bad.URL, "pet.adopted").ID); r.code != cmdutil.ExitNon2xx || !strings.Contains(r.out, "was answered 500 Internal Server Error") {
		t.Fatalf("test 500: %+v", r)
	}
	if r := cli(t, base, test, registerJSON(t, base, closed, "pet.adopted").ID); r.code != cmdutil.ExitUnreachable || !strings.Contains(r.out, "connection refused") {
		t.Fatalf("test closed port: %+v", r)
	}
	r = cli(t, base, deliveries, good.ID)
	rows := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(rows) != 2 || !regexp.MustCompile(`^\S+Z\t[0-9a-f-]{36}\torder.created\t1\t200\t[0-9.]+ms\t$`).MatchString(rows[0]) {
		t.Fatalf("deliveries:\n%s", r.out)
	}
}

// The emulator's deliveries never follow a redirect: `test` shows the 301
// and where it pointed, and the other host gets nothing.
func TestTestDoesNotFollowRedirects(t *testing.T) {
	base := newEmulator(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	moved := httptest.NewServer(http.RedirectHandler(other.URL+"/", http.StatusMovedPermanently))
	defer moved.Close()
	r := cli(t, base, test, registerJSON(t, base, moved.URL, "pet.adopted").ID)
	want := "was answered 301 Moved Permanently: redirected to " + other.URL + "/ (not followed) in "
	if r.code != cmdutil.ExitNon2xx || !strings.Contains(r.out, want) {
		t.Fatalf("test 301: %+v, want %q", r, want)
	}
}

func TestAPIErrorsHaveTheirExitCodes(t *testing.T) {
	base := newEmulator(t)
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base, "PETSTORE_API_KEY": "tok_not_this_one"})
	err := cmdtest.Run(NewCmdList(f, nil))
	if cmdutil.CodeOf(err) != cmdutil.ExitAuth || !strings.Contains(err.Error(), "check the API key") || strings.Contains(err.Error(), "tok_not_this_one") {
		t.Fatalf("wrong key: %v", err)
	}
	f, _ = cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": base})
	if err := cmdtest.Run(NewCmdList(f, nil)); cmdutil.CodeOf(err) != cmdutil.ExitAuth || err.Error() != "no API key: pass --api-key, set PETSTORE_API_KEY, or run 'petstore-webhooks config set api_key KEY'" {
		t.Fatalf("no key: %v", err)
	}
	if r := cli(t, base, get, "wh_missing"); r.code != cmdutil.ExitNotFound {
		t.Fatalf("missing id: %+v", r)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	// a local address is most likely the emulator, not started
	if r := cli(t, "http://"+addr+"/v1", list); r.code != cmdutil.ExitAPI || !strings.HasPrefix(r.error.Error(), "cannot reach "+addr+": ") ||
		!strings.HasSuffix(r.error.Error(), "; is the emulator running? Start it with 'petstore-webhooks emulator --addr "+addr+"', or point --api-base or PETSTORE_API_BASE at the API") {
		t.Fatalf("closed port: %+v", r)
	}
}

// An answer larger than the client reads, and pages that never end, are the
// API failing: exit 8 and a line that says what happened.
func TestAnAPIThatAnswersTooMuchFailsWithExit8(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/deliveries") {
			w.Write([]byte(`{"data":[],"pad":"` + strings.Repeat("x", petstore.MaxAnswerBytes) + `"}`))
			return
		}
		calls++
		fmt.Fprintf(w, `{"data":[{"id":"wh_%d"}],"nextCursor":"c%d"}`, calls, calls)
	}))
	defer srv.Close()
	r := cli(t, srv.URL+"/v1", list)
	if r.code != cmdutil.ExitAPI || !strings.HasPrefix(r.error.Error(), "the API kept paging: stopped after 1000 pages") || r.out != "" {
		t.Fatalf("endless pages: %+v", r)
	}
	r = cli(t, srv.URL+"/v1", deliveries, "wh_1")
	if r.code != cmdutil.ExitAPI || r.error.Error() != "the API's answer to GET /v1/webhooks/wh_1/deliveries is larger than 8 MiB, more than this client reads" {
		t.Fatalf("large answer: %+v", r)
	}
}

// --secret-file keeps the secret out of the process list: from a file, or
// from standard input with "-".
func TestSecretFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(file, []byte("whsec_from_a_file\n"), 0o600)
	f, _ := cmdtest.Factory(t, nil)
	var reg *RegisterOptions
	err := cmdtest.Run(NewCmdRegister(f, func(_ context.Context, o *RegisterOptions) error { reg = o; return nil }), "--url", "http://x/", "--events", "pet.adopted", "--secret-file", file)
	if err != nil || reg.Secret != "whsec_from_a_file" {
		t.Fatalf("register --secret-file: %v, %+v", err, reg)
	}
	f, s := cmdtest.Factory(t, nil)
	s.In.WriteString("whsec_from_stdin\r\n")
	var upd *UpdateOptions
	err = cmdtest.Run(NewCmdUpdate(f, func(_ context.Context, o *UpdateOptions) error { upd = o; return nil }), "wh_1", "--secret-file", "-")
	if err != nil || upd.Secret == nil || *upd.Secret != "whsec_from_stdin" {
		t.Fatalf("update --secret-file -: %v, %+v", err, upd)
	}
	f, _ = cmdtest.Factory(t, nil)
	err = cmdtest.Run(NewCmdRegister(f, func(context.Context, *RegisterOptions) error { return nil }), "--url", "http://x/", "--events", "pet.adopted", "--secret", "a", "--secret-file", file)
	if err == nil || !strings.Contains(err.Error(), "[secret secret-file] were all set") {
		t.Fatalf("--secret with --secret-file: %v", err)
	}
}

package webhooks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// credentialedAPI answers with webhooks whose URLs carry a password, and
// with ids that a shell must not be offered.
func credentialedAPI(t *testing.T) string {
	hook := func(id string) string {
		return `{"id":"` + id + `","url":"http://user:hunter2@x.test/h","events":["pet.adopted"],"status":"active","secret":"whsec_12345678","createdAt":"2025-01-06T12:00:00Z"}`
	}
	delivery := `{"eventId":"e1","eventType":"pet.adopted","attempt":1,"attemptedAt":"2025-01-06T12:00:00Z","status":200,"latencyMs":1,"url":"https://tok3n@y.test/"}`
	return fakeAPI(t, []string{hook("wh_1"), hook("wh_2 --all"), hook("wh_3\\u001b[2J"), hook("wh_4\\n")}, delivery)
}

func TestWebhookRenderingsMaskURLCredentials(t *testing.T) {
	base := credentialedAPI(t)
	for _, c := range []struct {
		cmd  func(*cmdutil.Factory) *cobra.Command
		args []string
		want string
	}{
		{list, nil, `http://user:****@x.test/h`},
		{list, []string{"--format", "json"}, `"url":"http://user:****@x.test/h"`},
		{get, []string{"wh_1"}, `http://user:****@x.test/h`},
		{get, []string{"wh_1", "--format", "json"}, `"url":"http://user:****@x.test/h"`},
		{get, []string{"wh_1", "--show-secret"}, `http://user:****@x.test/h`},
		{deliveries, []string{"wh_1", "--format", "json"}, `"url":"https://****@y.test/"`},
		{test, []string{"wh_1"}, `to https://****@y.test/: 200 OK`},
		{test, []string{"wh_1", "--format", "json"}, `"url":"https://****@y.test/"`},
	} {
		r := cli(t, base, c.cmd, c.args...)
		if r.error != nil || !strings.Contains(r.out, c.want) || strings.Contains(r.out+r.err, "hunter2") || strings.Contains(r.out+r.err, "tok3n") {
			t.Errorf("%v: want %s, no credentials:\n%s%s%v", c.args, c.want, r.out, r.err, r.error)
		}
	}
}

func TestCompleteIDsLeavesOutIDsAShellWouldMisread(t *testing.T) {
	f, _ := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": credentialedAPI(t), "PETSTORE_API_KEY": "k"})
	got, _ := completeIDs(apiClient(f, &cmdutil.APIFlags{}))(get(f), nil, "")
	want := []cobra.Completion{"wh_1\thttp://user:****@x.test/h"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("completeIDs = %q, want %q", got, want)
	}
}

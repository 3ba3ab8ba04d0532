package configcmd

import (
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// The credentials of api_base are masked like secrets, unless --reveal.
func TestListMasksTheCredentialsOfAPIBase(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list"}, "api_base\thttp://user:****@x.test/v1\tenv\n"},
		{[]string{"list", "--format", "json"}, `{"key":"api_base","value":"http://user:****@x.test/v1","source":"env"}`},
		{[]string{"list", "--reveal"}, "api_base\thttp://user:hunter2@x.test/v1\tenv\n"},
	} {
		f, s := cmdtest.Factory(t, cmdtest.Env{"PETSTORE_API_BASE": "http://user:hunter2@x.test/v1"})
		if err := cmdtest.Run(NewCmdConfig(f), c.args...); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(s.Out.String(), c.want) {
			t.Errorf("%v: want %s in\n%s", c.args, c.want, s.Out)
		}
	}
	f, _ := cmdtest.Factory(t, nil)
	err := cmdtest.Run(NewCmdConfig(f), "set", "api_base", "ftp://user:hunter2@x.test/")
	cmdtest.AssertUsageError(t, err, `api_base must be an absolute http(s) URL, got "ftp://user:****@x.test/"`)
}

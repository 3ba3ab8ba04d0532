package events

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// failing answers every forward 500, which listen would retry.
type failing struct{}

func (failing) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("app says hi")), Request: r}, nil
}

// resendOnce records its one attempt, in a new forward that the attempt
// finishes: a 500 fails it, it is never left pending for a retry.
func TestResendOnceRecordsAFinalAttempt(t *testing.T) {
	st, err := store.OpenHistory(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	req := &store.Request{ReceivedAt: cmdtest.Now, EventID: "e1", Method: "POST", Header: http.Header{}, Body: []byte(`{"id":"e1"}`), Status: 200}
	if _, err := st.RecordRequests(t.Context(), []*store.Request{req}, [][]string{nil}); err != nil {
		t.Fatal(err)
	}
	f, _ := cmdtest.Factory(t, nil)
	opts := &ResendOptions{IO: f.IOStreams, Client: &http.Client{Transport: failing{}}, Now: f.Now, Forwarding: cmdutil.Forwarding{Timeout: 5e9}}
	res, err := resendOnce(t.Context(), opts, st, req, "http://app.test/hooks")
	if err != nil || res.Forward.State != store.Failed || res.Attempt.Status != 500 || string(res.Attempt.Response) != "app says hi" {
		t.Fatalf("%+v, %v", res, err)
	}
	fwds, attempts, err := st.Forwards(t.Context(), req.ID)
	if err != nil || len(fwds) != 1 || fwds[0].State != store.Failed || fwds[0].Target != "http://app.test/hooks" || len(attempts[fwds[0].ID]) != 1 || attempts[fwds[0].ID][0].Status != 500 {
		t.Fatalf("recorded %+v, %+v, %v", fwds, attempts, err)
	}
}

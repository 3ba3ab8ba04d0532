package trigger

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/sender"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// The closing error names the receiver that could not be reached, its
// credentials masked (it said "1 of 1 deliveries could not reach the
// receiver").
func TestUnreachableErrorNamesTheURL(t *testing.T) {
	opts := &Options{URL: "http://user:hunter2@htp.invalid/x"}
	err := outcome(opts, sender.Summary{Sent: 1, ConnErrors: 1})
	want := "1 of 1 deliveries could not reach the receiver at http://user:****@htp.invalid/x"
	if err == nil || err.Error() != want || cmdutil.CodeOf(err) != cmdutil.ExitUnreachable {
		t.Errorf("err = %v (exit %d), want %q (exit 4)", err, cmdutil.CodeOf(err), want)
	}
}

// A 401 from the receiver is nearly always another secret: the closing
// error says what to check.
func TestUnauthorizedErrorSaysWhatToCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "signature does not match", http.StatusUnauthorized)
	}))
	defer srv.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--secret", "whsec_wrong"}, "1 of 1 deliveries got a non-2xx answer (1 was 401 Unauthorized): is --secret the receiver's? 'petstore-webhooks listen --print-secret' shows listen's"},
		{nil, "1 of 1 deliveries got a non-2xx answer (1 was 401 Unauthorized): does the receiver use the configured webhook secret? 'petstore-webhooks listen --print-secret' shows listen's"},
	} {
		_, _, err := runTrigger(t, append([]string{"pet.adopted", "--url", srv.URL}, tt.args...)...)
		if err == nil || err.Error() != tt.want || cmdutil.CodeOf(err) != cmdutil.ExitNon2xx {
			t.Errorf("%v: err = %v (exit %d)\nwant %q (exit 3)", tt.args, err, cmdutil.CodeOf(err), tt.want)
		}
	}
}

// A receiver that checks the petstore scheme, sent a stripe signature,
// answers 401 "X-Petstore-Signature header missing": the closing error asks
// about the scheme, not the secret (which it asked about before).
func TestMissingSignatureHeaderAsksAboutTheScheme(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := signature.Petstore.Verify(r.Header, body, []string{"whsec_test"}, time.Now()); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_signature", "message": err.Error()})
		}
	}))
	defer srv.Close()
	_, _, err := runTrigger(t, "pet.adopted", "--url", srv.URL, "--scheme", "stripe")
	want := "1 of 1 deliveries got a non-2xx answer (1 was 401 Unauthorized, a signature header missing): does the receiver check another scheme than --scheme stripe?"
	if err == nil || err.Error() != want || cmdutil.CodeOf(err) != cmdutil.ExitNon2xx {
		t.Errorf("err = %v (exit %d)\nwant %q (exit 3)", err, cmdutil.CodeOf(err), want)
	}
}

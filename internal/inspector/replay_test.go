package inspector

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// testApp records what it receives.
type testApp struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	hits map[string]int
}

type received struct {
	method string
	header http.Header
	body   []byte
}

func newTestApp(t *testing.T) *testApp {
	app := &testApp{hits: map[string]int{}}
	app.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		app.mu.Lock()
		app.got = append(app.got, received{r.Method, r.Header.Clone(), body})
		app.hits[r.URL.Path]++
		app.mu.Unlock()
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.Header().Set("X-App", "yes")
		w.Header().Set("Set-Cookie", "session=secret")
		_, _ = w.Write([]byte("thanks"))
	}))
	t.Cleanup(app.Close)
	return app
}

func (a *testApp) last(t *testing.T) received {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.got) == 0 {
		t.Fatal("the app received nothing")
	}
	return a.got[len(a.got)-1]
}

func replay(t *testing.T, base string, n string, rr replayRequest) replayJSON {
	t.Helper()
	resp, body := post(t, base, "/api/events/"+n+"/replay", rr)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("replay: %s %s", resp.Status, body)
	}
	var answer replayJSON
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatal(err)
	}
	return answer
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestReplayOriginalSendsTheSameBytesAndHeaders(t *testing.T) {
	app := newTestApp(t)
	base := serve(t, New(testConfig(t)))
	answer := replay(t, base, "1", replayRequest{To: app.URL + "/hook"})
	got := app.last(t)
	if sha256Hex(got.body) != sha256Hex([]byte(eventBody)) || answer.SentSha256 != sha256Hex([]byte(eventBody)) {
		t.Errorf("the app received %q, want the recorded body", got.body)
	}
	if err := signature.Petstore.Verify(got.header, got.body, []string{testSecret}, testNow); err != nil {
		t.Errorf("the signature as received does not verify: %v", err)
	}
	for _, name := range []string{"Content-Type", "X-Petstore-Signature", "X-Trace", "Authorization"} {
		if strings.Join(got.header.Values(name), ",") == "" {
			t.Errorf("%s was not sent again", name)
		}
	}
	if answer.Status != 200 || answer.Response != "thanks" || answer.SignedWith != "" || answer.Error != "" {
		t.Errorf("answer = %+v", answer)
	}
	var masked bool
	for _, h := range answer.ResponseHeaders {
		if h.Name == "Set-Cookie" {
			masked = h.Masked && h.Value == "****"
		}
	}
	if !masked {
		t.Errorf("the app's cookie is shown: %+v", answer.ResponseHeaders)
	}
}

func TestReplayEditedBodyIsSignedAgain(t *testing.T) {
	app := newTestApp(t)
	base := serve(t, New(testConfig(t)))
	edited := `{"id":"evt_01","type":"order.created","data":{"order":{"id":"ord_2"}}}`
	answer := replay(t, base, "1", replayRequest{To: app.URL, Body: &edited})
	got := app.last(t)
	if string(got.body) != edited || answer.SentSha256 != sha256Hex([]byte(edited)) || answer.SignedWith != "petstore" {
		t.Fatalf("the app received %q; answer %+v", got.body, answer)
	}
	if err := signature.Petstore.Verify(got.header, got.body, []string{testSecret}, testNow); err != nil {
		t.Errorf("the edited body's signature does not verify with the secret: %v", err)
	}
	// Another scheme and secret.
	other := signature.NewSecret()
	replay(t, base, "1", replayRequest{To: app.URL, Body: &edited, Scheme: "standard", Secret: other})
	got = app.last(t)
	standard, _ := signature.New("standard", signature.Options{})
	if err := standard.Verify(got.header, got.body, []string{other}, testNow); err != nil {
		t.Errorf("signed with standard: %v", err)
	}
	if got.header.Get("X-Petstore-Signature") != "" {
		t.Errorf("the old signature went along: %v", got.header)
	}
}

func TestReplayAsIsSendsNoSignature(t *testing.T) {
	app := newTestApp(t)
	base := serve(t, New(testConfig(t)))
	answer := replay(t, base, "1", replayRequest{To: app.URL, Sign: "as-is"})
	got := app.last(t)
	if string(got.body) != eventBody || got.header.Get("X-Petstore-Signature") != "" || answer.SignedWith != "" {
		t.Errorf("as-is: body %q, headers %v", got.body, got.header)
	}
}

func TestReplayDoesNotFollowRedirects(t *testing.T) {
	app := newTestApp(t)
	base := serve(t, New(testConfig(t)))
	answer := replay(t, base, "1", replayRequest{To: app.URL + "/moved"})
	app.mu.Lock()
	defer app.mu.Unlock()
	if answer.Status != http.StatusFound || !strings.Contains(answer.Error, "not followed") || app.hits["/elsewhere"] != 0 {
		t.Errorf("answer %+v, hits %v: want the 302 as the answer", answer, app.hits)
	}
}

func TestReplayRefuses(t *testing.T) {
	cfg := testConfig(t)
	cfg.Secrets = nil
	cfg.Targets = nil
	base := serve(t, New(cfg))
	body := "{}"
	for name, rr := range map[string]any{
		"no target":           replayRequest{},
		"a glob target":       replayRequest{To: "pet.*=3000"},
		"an unknown sign":     replayRequest{To: "3000", Sign: "maybe"},
		"no secret in force":  replayRequest{To: "3000", Body: &body},
		"an unknown scheme":   replayRequest{To: "3000", Sign: "secret", Scheme: "rot13", Secret: "x"},
		"a bad secret":        replayRequest{To: "3000", Sign: "secret", Scheme: "standard", Secret: "not base64!"},
		"secret without sign": replayRequest{To: "3000", Secret: "x"},
		"an unknown field":    map[string]string{"to": "3000", "bodyy": "{}"},
	} {
		resp, answer := post(t, base, "/api/events/1/replay", rr)
		if resp.StatusCode != http.StatusBadRequest || strings.Count(string(answer), "\n") != 1 || strings.Contains(string(answer), "not base64!") {
			t.Errorf("%s: %s %s, want 400 and a one-line error without the secret", name, resp.Status, answer)
		}
	}
}

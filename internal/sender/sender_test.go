package sender

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSendDeliversBytesAndHeaders(t *testing.T) {
	var gotBody, gotSig, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotSig, gotType = string(b), r.Header.Get("X-Petstore-Signature"), r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	h := http.Header{"X-Petstore-Signature": {"sha256=ab"}, "Content-Type": {"application/json"}}
	r := Send(context.Background(), srv.Client(), srv.URL, h, []byte("{ \"a\" : 1 }\n"))
	if !r.OK() || r.Status != 202 || r.Latency <= 0 {
		t.Fatalf("result = %+v", r)
	}
	if gotBody != "{ \"a\" : 1 }\n" || gotSig != "sha256=ab" || gotType != "application/json" {
		t.Fatalf("received %q %q %q", gotBody, gotSig, gotType)
	}
}

func TestSendNon2xxAndUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	if r := Send(context.Background(), srv.Client(), srv.URL, nil, nil); r.OK() || r.Status != 401 || r.Err != nil || r.Reason != "no" {
		t.Fatalf("401 result = %+v", r)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	r := Send(context.Background(), http.DefaultClient, "http://"+addr+"/", nil, nil)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "connection refused") || strings.Contains(r.Err.Error(), "Post ") {
		t.Fatalf("unreachable result = %+v", r)
	}
}

func TestStatsSummary(t *testing.T) {
	var s Stats
	for i := 1; i <= 100; i++ {
		s.Add(Result{Status: 200, Latency: time.Duration(i) * time.Millisecond})
	}
	s.Add(Result{Status: 500, Latency: 200 * time.Millisecond})
	s.Add(Result{Err: io.EOF})
	s.Add(Result{Err: context.Canceled, Latency: time.Millisecond}) // the user pressed Ctrl-C
	sum := s.Summary(2 * time.Second)
	if sum.Sent != 103 || sum.OK != 100 || sum.Non2xx != 1 || sum.ConnErrors != 1 || sum.Cancelled != 1 || sum.Answered() != 101 {
		t.Fatalf("counts = %+v", sum)
	}
	if sum.P50 != 51*time.Millisecond || sum.P95 != 96*time.Millisecond || sum.P99 != 100*time.Millisecond {
		t.Fatalf("percentiles = %v %v %v", sum.P50, sum.P95, sum.P99)
	}
	if sum.PerSecond != 50.5 { // the answers a second: what never arrived has no rate
		t.Fatalf("rate = %v", sum.PerSecond)
	}
}

// Nothing listening: every request failed, none was answered, and there is
// no rate, however fast the failures came.
func TestStatsSummaryOfNoAnswers(t *testing.T) {
	var s Stats
	for range 200 {
		s.Add(Result{Err: io.EOF, Latency: time.Microsecond})
	}
	if sum := s.Summary(50 * time.Millisecond); sum.Answered() != 0 || sum.PerSecond != 0 || sum.ConnErrors != 200 || sum.P50 != 0 {
		t.Fatalf("summary = %+v", sum)
	}
}

func TestReasonOfAnAnswer(t *testing.T) {
	tests := map[string]string{
		`{"error":"invalid_signature","message":"signature does not match the secret"}`: "signature does not match the secret",
		`{"type":"about:blank","title":"Bad","detail":"url is required"}`:               "url is required",
		"plain text\nsecond line": "plain text",
		`{"unrelated":1}`:         "",
		strings.Repeat("x", 200):  strings.Repeat("x", 120) + "…",
	}
	for in, want := range tests {
		if got := reason([]byte(in)); got != want {
			t.Errorf("reason(%q) = %q, want %q", in, got, want)
		}
	}
}

// A webhook delivery never follows a redirect: the 3xx is the answer, and
// neither the body nor the signature reaches the other host.
func TestSendDoesNotFollowRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed: %s %s with signature %q", r.Method, r.URL, r.Header.Get("X-Petstore-Signature"))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "http://", "http://user:pw@", 1)+"/", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	h := http.Header{"X-Petstore-Signature": {"sha256=ab"}}
	r := Send(context.Background(), &http.Client{}, srv.URL, h, []byte(`{}`))
	if r.OK() || r.Status != http.StatusMovedPermanently || r.Err != nil {
		t.Fatalf("result = %+v, want a failed 301", r)
	}
	if want := "redirected to " + strings.Replace(other.URL, "http://", "http://user:****@", 1) + "/ (not followed)"; r.Reason != want {
		t.Fatalf("reason %q, want %q", r.Reason, want)
	}
}

// A Sender is no http.Client, yet a URL's user and password still reach the
// receiver as Basic authorization, as with a Client; a header given wins.
func TestSendAuthorizesFromTheURL(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	target := strings.Replace(srv.URL, "http://", "http://ann:s3cret@", 1) + "/webhooks"
	Send(context.Background(), srv.Client(), target, nil, []byte(`{}`))
	Send(context.Background(), srv.Client(), target, http.Header{"Authorization": {"Bearer t"}}, []byte(`{}`))
	if want := []string{"Basic YW5uOnMzY3JldA==", "Bearer t"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Authorization %q, want %q", got, want)
	}
}

// The client's timeout is told as such; the caller's own deadline is left
// for the caller to tell (the emulator names its own answer timeout).
func TestSendTimeouts(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	r := Send(context.Background(), &http.Client{Timeout: 20 * time.Millisecond}, srv.URL, nil, nil)
	if r.Err == nil || r.Err.Error() != "no answer within 20ms" {
		t.Fatalf("client timeout: %+v", r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r = Send(ctx, &http.Client{Timeout: time.Hour}, srv.URL, nil, nil)
	if !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("caller's deadline: %+v", r)
	}
}

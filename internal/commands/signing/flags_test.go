package signing

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// signFlags is what sign's flags set, the scheme by name.
type signFlags struct {
	File         string
	Secrets      []string
	Scheme       string
	Timestamp    time.Time
	ID           string
	PrintHeaders bool
}

func TestSignFlagsToOptions(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    signFlags
		wantErr string
	}{
		{nil, signFlags{Scheme: "petstore"}, ""},
		{[]string{"event.json", "--secret", "a", "--secret", "b", "--scheme", "stripe", "--timestamp", "1614265330"},
			signFlags{File: "event.json", Secrets: []string{"a", "b"}, Scheme: "stripe", Timestamp: time.Unix(1614265330, 0)}, ""},
		{[]string{"-", "--scheme", "standard", "--timestamp", "2025-01-06T12:00:00Z", "--id", "msg_1", "--print-headers"},
			signFlags{File: "-", Scheme: "standard", Timestamp: time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC), ID: "msg_1", PrintHeaders: true}, ""},
		{[]string{"a", "b"}, signFlags{}, "sign takes one FILE, or reads stdin; got 2 arguments"},
		{[]string{"--secret", ""}, signFlags{}, "--secret must not be empty"},
		{[]string{"--timestamp", "soon"}, signFlags{}, `--timestamp "soon": want Unix seconds or an RFC 3339 time`},
		{[]string{"--id", " x"}, signFlags{}, `--id " x" cannot travel in a header: give one without control characters or surrounding spaces`},
		{[]string{"--scheme", "acme"}, signFlags{}, `--scheme: unknown signature scheme "acme" (known: github, hex, petstore, shopify, slack, standard, stripe)`},
	} {
		f, _ := cmdtest.Factory(t, nil)
		var got *SignOptions
		err := cmdtest.Run(NewCmdSign(f, func(_ context.Context, o *SignOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			cmdtest.AssertUsageError(t, err, tt.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("sign %q: %v", tt.args, err)
		}
		have := signFlags{got.File, got.Secrets, got.Scheme.Name(), got.Timestamp, got.ID, got.PrintHeaders}
		if !reflect.DeepEqual(have, tt.want) || got.IO != f.IOStreams || got.Now() != cmdtest.Now {
			t.Errorf("sign %q:\n got %+v\nwant %+v", tt.args, have, tt.want)
		}
	}
}

// verifyFlags is what verify's flags set, the schemes by name.
type verifyFlags struct {
	File    string
	Header  http.Header
	Secrets []string
	Schemes []string
}

func TestVerifyFlagsToOptions(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    verifyFlags
		wantErr string
	}{
		{[]string{"--signature", "sha256=ab"}, verifyFlags{Header: http.Header{"X-Petstore-Signature": {"sha256=ab"}}, Schemes: []string{"petstore"}}, ""},
		{[]string{"body", "--scheme", "standard", "--signature", "v1,x", "--timestamp", "1", "--id", "m", "--secret", "s"},
			verifyFlags{File: "body", Header: http.Header{"Webhook-Signature": {"v1,x"}, "Webhook-Timestamp": {"1"}, "Webhook-Id": {"m"}}, Secrets: []string{"s"}, Schemes: []string{"standard"}}, ""},
		{[]string{"--scheme", "slack,github", "-H", "X-Hub-Signature-256: sha256=ab"},
			verifyFlags{Header: http.Header{"X-Hub-Signature-256": {"sha256=ab"}}, Schemes: []string{"slack", "github"}}, ""},
		{nil, verifyFlags{}, "give the signature with --signature, or the request's headers with -H"},
		{[]string{"--signature", "x", "--secret", ""}, verifyFlags{}, "--secret must not be empty"},
		{[]string{"-H", "NoColon"}, verifyFlags{}, `--header "NoColon": want "Name: value"`},
		{[]string{"--scheme", "github,stripe", "--signature", "x"}, verifyFlags{}, "--signature, --timestamp and --id need one --scheme; with several, give headers with -H"},
		{[]string{"--scheme", "github", "--signature", "x", "--id", "m"}, verifyFlags{}, "--id does not go with the github scheme"},
	} {
		f, _ := cmdtest.Factory(t, nil)
		var got *VerifyOptions
		err := cmdtest.Run(NewCmdVerify(f, func(_ context.Context, o *VerifyOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			cmdtest.AssertUsageError(t, err, tt.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("verify %q: %v", tt.args, err)
		}
		have := verifyFlags{got.File, got.Header, got.Secrets, schemeNames(got.Schemes)}
		if !reflect.DeepEqual(have, tt.want) || got.IO != f.IOStreams || got.Now() != cmdtest.Now {
			t.Errorf("verify %q:\n got %+v\nwant %+v", tt.args, have, tt.want)
		}
	}
}

func schemeNames(schemes []signature.Scheme) []string {
	var out []string
	for _, s := range schemes {
		out = append(out, s.Name())
	}
	return out
}

func TestSignAndVerifySetTheirHelpGroup(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	if NewCmdSign(f, nil).GroupID != cmdutil.GroupEvents || NewCmdVerify(f, nil).GroupID != cmdutil.GroupEvents {
		t.Fatal("sign and verify belong under the events heading")
	}
}

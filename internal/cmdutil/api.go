package cmdutil

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// APIFlags are --api-base and --api-key, which win over the configuration.
type APIFlags struct {
	Base string
	Key  string
}

// Register adds the flags to cmd.
func (a *APIFlags) Register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.Base, "api-base", "", "Petstore API base URL (default: api_base, PETSTORE_API_BASE, https://api.petstoreapi.com/v1)")
	cmd.Flags().StringVar(&a.Key, "api-key", "", "Petstore API key (default: api_key, PETSTORE_API_KEY)")
}

// ErrNoAPIKey explains how to give an API key.
var ErrNoAPIKey = Exit(ExitAuth, errors.New("no API key: pass --api-key, set PETSTORE_API_KEY, or run 'petstore-webhooks config set api_key KEY'"))

// Client builds the API client from the flags over the configuration.
func (a *APIFlags) Client(f *Factory) (*petstore.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	base, key := a.Base, a.Key
	if base == "" {
		base = cfg.APIBase
	}
	if key == "" {
		key = cfg.APIKey
	}
	if key == "" {
		return nil, ErrNoAPIKey
	}
	c, err := petstore.NewClient(base, key, f.HTTPClient(), f.UserAgent())
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	return c, nil
}

// APIError gives an API call's error its exit code and a hint where one helps.
func APIError(err error, id string) error {
	var ae *petstore.APIError
	var ne *petstore.NetworkError
	var bad *petstore.AnswerError
	switch {
	case errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden):
		return Exit(ExitAuth, fmt.Errorf("%w; check the API key (--api-key, PETSTORE_API_KEY or config api_key)", err))
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		if id != "" {
			return Exit(ExitNotFound, &notFoundError{id: id, err: err})
		}
		return Exit(ExitNotFound, err)
	case errors.As(err, &ne) && isLocalHost(ne.Host):
		return Exit(ExitAPI, fmt.Errorf("%w; is the emulator running? Start it with '%s', or point --api-base or PETSTORE_API_BASE at the API", err, startEmulator(ne.Host)))
	case errors.As(err, &ae), errors.As(err, &ne), errors.As(err, &bad):
		return Exit(ExitAPI, err)
	}
	return err
}

// DefaultEmulatorAddr is where the emulator serves without --addr.
const DefaultEmulatorAddr = "127.0.0.1:4010"

// startEmulator is the command that starts the emulator at hostport, the
// API base's host: with --addr when that is not where it serves by default.
func startEmulator(hostport string) string {
	if hostport == DefaultEmulatorAddr || hostport == "localhost:4010" {
		return "petstore-webhooks emulator"
	}
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		hostport = net.JoinHostPort(hostport, "80") // http://127.0.0.1/v1
	}
	return "petstore-webhooks emulator --addr " + hostport
}

// isLocalHost says whether hostport ("127.0.0.1:19411") names this machine.
func isLocalHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// notFoundError is the API's 404 for a webhook, said once: the API's own
// words ("Not Found: no webhook with id ...") repeat the id and "not found".
type notFoundError struct {
	id  string
	err error
}

func (e *notFoundError) Error() string {
	return fmt.Sprintf("webhook %s not found (404): 'petstore-webhooks list' shows the webhooks", Clip(e.id, 64))
}
func (e *notFoundError) Unwrap() error { return e.err }

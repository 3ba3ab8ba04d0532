package cmdutil

import (
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// ForwardSecretEnv gives the secret that re-signs forwarded events, in place
// of --forward-secret, which the process list shows.
const ForwardSecretEnv = "PETSTORE_FORWARD_SECRET"

// ForwardSecretFlags are --forward-secret and --forward-secret-file.
type ForwardSecretFlags struct {
	secret, file string
}

// AddForwardSecretFlags adds --forward-secret (re-sign with it: usage says
// what is re-signed) and --forward-secret-file to cmd.
func AddForwardSecretFlags(cmd *cobra.Command, usage string) *ForwardSecretFlags {
	var f ForwardSecretFlags
	cmd.Flags().StringVar(&f.secret, "forward-secret", "", usage+" (visible in ps: prefer $"+ForwardSecretEnv+" or --forward-secret-file)")
	cmd.Flags().StringVar(&f.file, "forward-secret-file", "", "read the --forward-secret from this file (its first line)")
	return &f
}

// Secret is --forward-secret, else the first line of --forward-secret-file,
// else $PETSTORE_FORWARD_SECRET; "" when none is set. It checks them the
// same way for every command: an empty --forward-secret is refused, not
// taken for "forward the signature headers as they came", and --forward-scheme or
// --forward-signature-header (cmd's SchemeFlags with the "forward-" prefix)
// need a secret.
func (f *ForwardSecretFlags) Secret(cmd *cobra.Command, ios *iostreams.IOStreams, getenv func(string) string) (string, error) {
	fl := cmd.Flags()
	var secret string
	switch {
	case fl.Changed("forward-secret") && fl.Changed("forward-secret-file"):
		return "", FlagErrorf("choose one of --forward-secret and --forward-secret-file")
	case fl.Changed("forward-secret") && f.secret == "":
		return "", FlagErrorf("--forward-secret is empty: give the secret, or leave the flag out to forward the signature headers as they came")
	case fl.Changed("forward-secret-file"):
		var err error
		if secret, err = ReadSecretFile(ios, "--forward-secret-file", f.file); err != nil {
			return "", err
		}
	case fl.Changed("forward-secret"):
		secret = f.secret
	default:
		secret = getenv(ForwardSecretEnv)
	}
	for _, name := range []string{"forward-scheme", "forward-signature-header"} {
		if fl.Changed(name) && secret == "" {
			return "", FlagErrorf("--%s needs a secret to sign with: --forward-secret, --forward-secret-file or $%s", name, ForwardSecretEnv)
		}
	}
	return secret, nil
}

// Forwarding is how an event is sent on to an app, by listen --forward-to
// and by events resend.
type Forwarding struct {
	Secret  string           // re-signs the body; "" forwards the signature headers as they came
	Scheme  signature.Scheme // what Secret signs with
	Headers http.Header      // added to every forward
	Timeout time.Duration    // how long a target has to answer one attempt
}

// CheckForwardFlags reads the flags that listen and events resend share to
// say how an event is forwarded, and checks them the same way for both:
// the secret (see Secret), the --forward-scheme it must suit (scheme, added
// with the "forward-" prefix), the --header values and a positive
// --forward-timeout.
func CheckForwardFlags(cmd *cobra.Command, ios *iostreams.IOStreams, getenv func(string) string,
	secret *ForwardSecretFlags, scheme *SchemeFlags, headers []string, timeout time.Duration) (Forwarding, error) {
	var fwd Forwarding
	var err error
	if fwd.Secret, err = secret.Secret(cmd, ios, getenv); err != nil {
		return Forwarding{}, err
	}
	if fwd.Scheme, err = scheme.Scheme(); err != nil {
		return Forwarding{}, err
	}
	if fwd.Secret != "" {
		if err := CheckSecrets([]signature.Scheme{fwd.Scheme}, []string{fwd.Secret}); err != nil {
			return Forwarding{}, err
		}
	}
	if fwd.Headers, err = ParseHeaders(headers); err != nil {
		return Forwarding{}, err
	}
	if timeout <= 0 {
		return Forwarding{}, FlagErrorf("--forward-timeout must be positive, got %s", timeout)
	}
	fwd.Timeout = timeout
	return fwd, nil
}

// ReadSecretFile reads a secret given as a file (flag names the flag, for the
// error): its first line, without the line break, never empty.
func ReadSecretFile(ios *iostreams.IOStreams, flag, name string) (string, error) {
	if name == "" {
		return "", FlagErrorf("%s must not be empty", flag)
	}
	b, err := ReadInput(ios, name)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	secret := strings.TrimSuffix(line, "\r")
	if secret == "" {
		return "", FlagErrorf("%s %s: its first line is empty", flag, name)
	}
	return secret, nil
}

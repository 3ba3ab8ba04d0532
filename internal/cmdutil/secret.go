package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
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
// else $PETSTORE_FORWARD_SECRET; "" when none is set.
func (f *ForwardSecretFlags) Secret(cmd *cobra.Command, ios *iostreams.IOStreams, getenv func(string) string) (string, error) {
	switch {
	case cmd.Flags().Changed("forward-secret") && cmd.Flags().Changed("forward-secret-file"):
		return "", FlagErrorf("choose one of --forward-secret and --forward-secret-file")
	case cmd.Flags().Changed("forward-secret-file"):
		return ReadSecretFile(ios, "--forward-secret-file", f.file)
	case cmd.Flags().Changed("forward-secret"):
		return f.secret, nil
	}
	return getenv(ForwardSecretEnv), nil
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

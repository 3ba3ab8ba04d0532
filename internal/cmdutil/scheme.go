package cmdutil

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// SchemeFlags are the flags that choose signature schemes: --scheme (a
// comma-separated list where several are allowed), --tolerance and
// --signature-header.
type SchemeFlags struct {
	SchemeFlagsFor
	names     []string
	tolerance time.Duration
	header    string
}

// SchemeFlagsFor says what the flags are for.
type SchemeFlagsFor struct {
	Several bool   // a list of schemes to accept
	Verify  bool   // verifying, which adds --tolerance
	Prefix  string // "forward-", say, for flags that sign for another purpose
}

// AddSchemeFlags adds the flags.
func AddSchemeFlags(cmd *cobra.Command, what SchemeFlagsFor) *SchemeFlags {
	f := &SchemeFlags{SchemeFlagsFor: what}
	fl := cmd.Flags()
	prefix := what.Prefix
	usage := "signature scheme: " + strings.Join(signature.Names(), ", ")
	if what.Several {
		usage = "signature schemes to accept, comma-separated: " + strings.Join(signature.Names(), ", ")
	}
	fl.StringSliceVar(&f.names, prefix+"scheme", []string{"petstore"}, usage)
	fl.StringVar(&f.header, prefix+"signature-header", signature.DefaultHexHeader, "header of the hex scheme's signature")
	_ = cmd.RegisterFlagCompletionFunc(prefix+"scheme", cobra.FixedCompletions(signature.Names(), cobra.ShellCompDirectiveNoFileComp))
	if what.Verify {
		fl.DurationVar(&f.tolerance, "tolerance", signature.DefaultTolerance, "how far a signed timestamp may be from now, either way")
	}
	return f
}

// Schemes returns the chosen schemes, or a usage error.
func (f *SchemeFlags) Schemes() ([]signature.Scheme, error) {
	if len(f.names) > 1 && !f.Several {
		return nil, FlagErrorf("--%sscheme takes one scheme here, got %d", f.Prefix, len(f.names))
	}
	if f.Verify && f.tolerance <= 0 {
		return nil, FlagErrorf("--tolerance must be positive, got %s", f.tolerance)
	}
	if strings.TrimSpace(f.header) == "" || strings.ContainsAny(f.header, ": \t") {
		return nil, FlagErrorf("--%ssignature-header %s is not a header name", f.Prefix, Quote(f.header))
	}
	names := make([]string, len(f.names))
	for i, n := range f.names {
		names[i] = strings.ToLower(strings.TrimSpace(n))
	}
	list, err := signature.NewList(names, signature.Options{Tolerance: f.tolerance, Header: f.header})
	if err != nil {
		return nil, &FlagError{Err: fmt.Errorf("--%sscheme: %w", f.Prefix, err)}
	}
	return list, nil
}

// Scheme returns the one chosen scheme, or a usage error.
func (f *SchemeFlags) Scheme() (signature.Scheme, error) {
	list, err := f.Schemes()
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// CheckSecrets returns a usage error when a secret does not suit a scheme.
func CheckSecrets(schemes []signature.Scheme, secrets []string) error {
	if err := signature.CheckSecrets(schemes, secrets); err != nil {
		return &FlagError{Err: err}
	}
	return nil
}

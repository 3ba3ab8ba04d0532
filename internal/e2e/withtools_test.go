//go:build tools

package e2e

// With -tags tools every help example runs, those with jq and curl too.
var helpExamplesNeedingTools []notRunExample

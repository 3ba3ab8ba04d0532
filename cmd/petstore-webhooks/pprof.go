//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // serves /debug/pprof on the address below
	"os"
)

// A binary built with -tags pprof serves Go's profiles on
// PETSTORE_WEBHOOKS_PPROF (an address such as 127.0.0.1:6060), so that the
// bench harness can profile listen and trigger under load. Release builds
// have no such server.
func init() {
	if addr := os.Getenv("PETSTORE_WEBHOOKS_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }() // the harness sees a refused fetch
	}
}

package main

import (
	"os"

	"github.com/petstoreapi/petstore-webhooks/internal/cli"
)

func main() {
	os.Exit(int(cli.Main()))
}

// Command axa calls the AXA Assistance API from a terminal; with no
// credentials it starts the embedded sandbox. Run `axa --help`.
package main

import (
	"os"

	"github.com/axa-assistance-go/axa/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }

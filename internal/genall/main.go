// Command genall is the module's one go:generate directive (in
// gen/generate.go): it runs every generation step of the module, the
// //axa:generate lines of each package's generate.go, in order, into a
// staging directory, and writes what they made over the tree only when
// every step succeeded (gencheck.Generate). A generator that refuses the
// spec (an unsupported construct) leaves every file of the tree as it was,
// and the error names the step and gives the generator's reason: the
// operation, the construct and what to do.
//
//	go generate ./...   # or ./gen, or make generate
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

func main() {
	if err := run(context.Background(), os.Stderr); err != nil {
		os.Exit(1)
	}
}

// run generates the module that holds the current directory; it reports a
// failure on w, and returns it.
func run(ctx context.Context, w io.Writer) error {
	err := generate(ctx)
	if err != nil {
		fmt.Fprintln(w, "genall:", err)
		if errors.Is(err, gencheck.ErrNothingChanged) {
			fmt.Fprintln(w, `genall: fix what the step above says (CONTRIBUTING.md, "Changing the API", lists what go generate accepts and refuses), then run go generate ./... again`)
		}
	}
	return err
}

func generate(ctx context.Context) error {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		return err
	}
	steps, err := gencheck.Directives(root, ".")
	if err != nil {
		return err
	}
	if len(steps) == 0 {
		return errors.New("no generation step (//axa:generate) in any generate.go of " + root)
	}
	return gencheck.Generate(ctx, root, steps)
}

package sandbox

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkServedWithLog is BenchmarkSandboxThroughput's GET and POST with
// the access log on, written to a file (WithLogOutput) as `axa sandbox`
// writes it to its standard error: the cost of a request as users run the
// sandbox.
func BenchmarkServedWithLog(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.Close() })
	serveThroughput(b, WithLogOutput(f))
}

// BenchmarkFullChainLogged is BenchmarkFullChain with the access log on,
// written to a file (WithLogOutput) as `axa sandbox` writes it: the cost
// of the log, served in process, without the noise of a loopback client.
func BenchmarkFullChainLogged(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.Close() })
	e := newBenchEnv(b, WithLogOutput(f))
	for _, op := range benchOps {
		b.Run(op.name, func(b *testing.B) { e.serveBench(b, op, op.status, e.sb, nil) })
	}
}

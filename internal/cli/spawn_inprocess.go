//go:build axa_inprocess

package cli

// defaultSpawn is nil in a binary built with the axa_inprocess tag: each
// command without credentials starts the embedded sandbox in its own
// process, as before the shared sandbox, so that BenchmarkColdStart can
// measure that path. Release builds never set the tag.
func defaultSpawn() SpawnFunc { return nil }

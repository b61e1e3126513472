//go:build !axa_inprocess

package cli

// defaultSpawn is how Main's commands without credentials reach a
// sandbox: the shared background one (spawnSelf). A binary built with the
// axa_inprocess tag (spawn_inprocess.go) starts one in process instead, for
// BenchmarkColdStart to measure that path.
func defaultSpawn() SpawnFunc { return spawnSelf }

package sandbox

// dataset holds the sandbox's countries, alerts and providers (stub).
type dataset struct{}

func newDataset(_ uint64) *dataset { return &dataset{} }

package sandbox

// store keeps quotes, policies and idempotency records (stub).
type store struct{}

func newStore() *store { return &store{} }

package axa

import "context"

// callInfo travels in the request context from the Client's methods down
// the pipeline, and back up with what the layers learned: the retry layer
// numbers the attempts, the auth layer records the operation it matched and
// the scopes it needed and sent, and errors.go reads them into an *Error.
// Down it carries the call's RequestOptions (nil for a raw call): the
// header layer reads the extra headers and the timeout, the retry layer
// the retry count.
type callInfo struct {
	operation     string
	opts          *requestOptions
	attempt       int
	grantedScopes []string
	neededScopes  []string
	// stream marks a call whose answer is handed over as a Stream: the
	// cache layer leaves it alone, and the per-attempt timeout bounds the
	// wait for its headers, not its reading.
	stream bool
	// watch tells the call's observers what happens (observer.go); nil
	// when it has none, and every layer then skips them.
	watch *observation
}

type callInfoKey struct{}

// withCallInfo returns ctx carrying info.
func withCallInfo(ctx context.Context, info *callInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// hasCallInfo reports whether ctx carries a callInfo.
func hasCallInfo(ctx context.Context) bool {
	_, ok := ctx.Value(callInfoKey{}).(*callInfo)
	return ok
}

// infoFrom returns the callInfo of ctx; without one (a layer used on its
// own), a fresh one that nobody reads back.
func infoFrom(ctx context.Context) *callInfo {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return ci
	}
	return &callInfo{}
}

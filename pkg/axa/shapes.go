package axa

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"

	"github.com/axa-assistance-go/axa/gen"
)

// The answers and bodies that are not one JSON value: a success without
// content, a binary answer streamed to the caller, a body read from the
// caller's reader, and the pages of a cursor-paginated list. The generated
// methods (operations.gen.go) call these; multipart.go encodes multipart
// bodies.

// Stream is a binary answer of the API (a PDF, an image): its body, read
// as it arrives, never held whole in memory. Read it, then Close it: until
// then it holds a connection. Its reading is bounded by the call's deadline
// (the context's, WithRequestTimeout, else the client's overall timeout of
// WithTimeouts), not by the per-attempt timeout, which bounds the wait for
// the answer's headers; retries happen before a Stream is returned, never
// while it is read.
type Stream struct {
	io.ReadCloser
	// ContentType is the answer's media type, e.g. "application/pdf".
	ContentType string
	// ContentLength is its length in bytes, -1 when the API did not say.
	ContentLength int64
}

// callNoContent runs an operation whose success has no content: any 2xx
// answer is success, and its body, if any, is discarded.
func callNoContent(ctx context.Context, op gen.OperationID, opts []RequestOption, send func(context.Context) (*http.Response, error)) error {
	ro, err := buildRequestOptions(op, opts)
	if err != nil {
		return callError(string(op), err)
	}
	info := &callInfo{operation: string(op), opts: ro}
	resp, err := send(withCallInfo(ctx, info))
	if err != nil {
		err = callError(string(op), err)
		info.end(nil, err)
		return err
	}
	defer drain(resp)
	ro.fill(resp)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		info.end(resp, nil)
		return nil
	}
	buf := readBody(resp)
	defer releaseBody(buf)
	err = newError(resp, buf.Bytes(), info)
	info.end(resp, err)
	return err
}

// callOrEmpty is call for an operation whose successes include answers
// without content (the statuses of empty): it returns nil for those, and
// no error; the decoded value for the others.
func callOrEmpty[T any](ctx context.Context, op gen.OperationID, empty []int, opts []RequestOption, send func(context.Context) (*http.Response, error)) (*T, error) {
	ro, err := buildRequestOptions(op, opts)
	if err != nil {
		return nil, callError(string(op), err)
	}
	info := &callInfo{operation: string(op), opts: ro}
	resp, err := send(withCallInfo(ctx, info))
	if err != nil {
		err = callError(string(op), err)
		info.end(nil, err)
		return nil, err
	}
	defer resp.Body.Close()
	ro.fill(resp)
	if slices.Contains(empty, resp.StatusCode) {
		// The success the spec documents without content.
		drain(resp)
		info.end(resp, nil)
		return nil, nil
	}
	v, err := decode[T](op, resp, info)
	info.end(resp, err)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// callStream runs an operation whose success is a binary answer and hands
// its body over as a Stream; an error answer is read and returned as
// callNoContent's.
func callStream(ctx context.Context, op gen.OperationID, opts []RequestOption, send func(context.Context) (*http.Response, error)) (*Stream, error) {
	ro, err := buildRequestOptions(op, opts)
	if err != nil {
		return nil, callError(string(op), err)
	}
	info := &callInfo{operation: string(op), opts: ro, stream: true}
	resp, err := send(withCallInfo(ctx, info))
	if err != nil {
		err = callError(string(op), err)
		info.end(nil, err)
		return nil, err
	}
	ro.fill(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer drain(resp)
		buf := readBody(resp)
		defer releaseBody(buf)
		err := newError(resp, buf.Bytes(), info)
		info.end(resp, err)
		return nil, err
	}
	info.end(resp, nil)
	return &Stream{ReadCloser: resp.Body, ContentType: resp.Header.Get("Content-Type"), ContentLength: resp.ContentLength}, nil
}

// readerBody returns the body of a request read from the caller's reader,
// and the request editor that lets the retry layer send it again: only
// when the reader is an io.Seeker, from the offset it had (otherwise the
// request is sent once). A Seeker's length sets the request's
// Content-Length.
func readerBody(body io.Reader) (io.Reader, gen.RequestEditorFn) {
	if body == nil {
		body = http.NoBody
	}
	rs, ok := body.(io.ReadSeeker)
	if !ok {
		return body, noEdit
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return body, noEdit
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = rs.Seek(start, io.SeekStart)
	}
	if err != nil {
		return body, noEdit
	}
	return body, func(_ context.Context, req *http.Request) error {
		req.ContentLength = end - start
		if req.ContentLength == 0 {
			req.Body = http.NoBody
		}
		req.GetBody = func() (io.ReadCloser, error) {
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, fmt.Errorf("rewinding the request body: %w", err)
			}
			return io.NopCloser(rs), nil
		}
		return nil
	}
}

// noEdit is the request editor of a body sent once.
func noEdit(context.Context, *http.Request) error { return nil }

// errCursorLoop is what a list's iterator yields when the API gives a
// cursor it gave before: it would page forever.
var errCursorLoop = errors.New("axa: the API gave a next cursor it gave before: the pages loop")

// paginate yields every item of every page: page fetches one, from cursor
// ("" for the first), and returns its items and the next cursor ("" on the
// last page). It stops at the first error (yielded with a zero item), when
// ctx ends, when the consumer stops, and on a cursor seen before.
func paginate[T any](ctx context.Context, page func(ctx context.Context, cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		cursor := ""
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, next, err := page(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, errCursorLoop)
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}

// deref returns *p, or T's zero value for a nil p.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

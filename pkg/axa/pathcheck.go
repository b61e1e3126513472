package axa

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/axa-assistance-go/axa/gen"
)

// Which operation a request is, decided once for every way in: the typed
// methods and Invoke name their operation (callInfo.operation), a call of
// the raw generated client is named by the method of gen.Client it went
// through (rawOperation), and a request built by hand is matched on its
// path. operationOf then checks that the path is that operation's, and
// that no path parameter could become another path on the way: the auth
// layer asks it before fetching a token and sending, the cache layer
// before serving a stored answer, and Invoke checks its parameters with the
// same pathValueProblem before anything else.

// operationOf returns the operation req is a call of, and refuses a
// request whose path a proxy could take for another operation's:
//
//   - named, when it is an operation of the API with req's method, is the
//     operation; the path must be one gen.MatchOperation maps to it (an
//     empty parameter, or "." and ".." that URL resolution removed, make
//     it another operation's, or none's);
//   - otherwise the operation is the one req's path matches, if any;
//   - every path parameter's value must pass pathValueProblem: it stays
//     one segment, not empty, not a dot segment, whatever decoding a
//     proxy does.
//
// Its refusals match ErrValidation, or errNoOperation for a path that is
// no operation's.
func operationOf(req *http.Request, basePath, named string) (operationAuth, error) {
	if req.URL.Opaque != "" {
		// The request line would be the opaque form, not the path checked.
		return operationAuth{}, fmt.Errorf("%w: %s %s: an opaque URL", errNoOperation, req.Method, hideUserinfo(req.URL.String()))
	}
	path := strings.TrimPrefix(req.URL.EscapedPath(), basePath)
	id, params, found := gen.MatchOperation(req.Method, path)
	a, ok := operationAuths()[gen.OperationID(named)]
	switch {
	case ok && a.op.Method == req.Method:
		if !found || id != a.op.ID {
			return operationAuth{}, fmt.Errorf("%w: %s: a path parameter is empty, \".\" or \"..\", which would send %s %s instead of %s %s",
				ErrValidation, a.op.ID, req.Method, req.URL.Path, a.op.Method, a.op.Path)
		}
	case !found:
		return operationAuth{}, fmt.Errorf("%w: %s %s", errNoOperation, req.Method, req.URL.Path)
	default:
		a = operationAuths()[id]
	}
	for _, v := range params {
		if problem := pathValueProblem(v); problem != "" {
			return operationAuth{}, fmt.Errorf("%w: %s: path parameter %q %s: a proxy that normalises paths would take %s %s for another path than %s",
				ErrValidation, a.op.ID, v, problem, req.Method, path, a.op.Path)
		}
	}
	return a, nil
}

// pathValueProblem says why escaped, a path parameter's value as it is
// sent (percent-encoded), could reach the API as another path than the
// one it fills, or "" when it could not. A gateway or proxy in front of
// the API may decode percent-escapes (once, or more), take a decoded "/"
// or "\" for a separator, cut a ";" path parameter off a segment (as
// servlet containers do) and resolve "." and ".." (RFC 3986 section 5.2.4)
// before it routes. So at each level of decoding, from none until nothing
// more decodes, every piece of the value between separators, cut at ";",
// must be neither empty nor "." nor "..". Values that merely hold dots
// ("..fr", "fr.") or one separator between two names ("a/b") pass.
func pathValueProblem(escaped string) string {
	s := escaped
	for level := 0; ; level++ {
		if p := segmentProblem(s); p != "" {
			if level > 0 {
				p += " once decoded"
			}
			return p
		}
		if !strings.Contains(s, "%") {
			return ""
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			return "" // nothing more decodes (each decoding shortens s: this ends)
		}
		s = d
	}
}

// segmentProblem says why s, as a proxy sees it, is not one proper
// segment: an empty piece or a dot segment between its separators.
func segmentProblem(s string) string {
	for {
		i := strings.IndexAny(s, `/\`)
		piece := s
		if i >= 0 {
			piece = s[:i]
		}
		if j := strings.IndexByte(piece, ';'); j >= 0 {
			piece = piece[:j]
		}
		switch piece {
		case "":
			return "is empty or holds an empty segment"
		case ".", "..":
			return `is or holds the dot segment "` + piece + `"`
		}
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
}

// rawOperation names the operation of a call of the raw generated client
// (Client.Raw): the method of gen.Client nearest on the caller's stack.
// The generated client resolves its URL before the pipeline sees the
// request, which removes "." and ".." path parameters and so makes
// ListCountryAlerts(".") the request of listAlerts: only the method called
// says which operation was meant. "" when no method of gen.Client is on
// the stack (a request the caller built and sent through the raw client's
// HTTP doer), which is then matched on its path.
func rawOperation() string {
	var pcs [32]uintptr
	// Skip runtime.Callers, rawOperation and the header layer's RoundTrip.
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	methods := rawMethodOperations()
	for {
		f, more := frames.Next()
		if name, ok := strings.CutPrefix(f.Function, methods.prefix); ok {
			return string(methods.ops[name])
		}
		if !more {
			return ""
		}
	}
}

// rawMethods maps the methods of gen.Client to their operations.
type rawMethods struct {
	prefix string // of their function names: "<gen's import path>.(*Client)."
	ops    map[string]gen.OperationID
}

// rawMethodOperations maps each method of gen.ClientInterface to its
// operation, made once: the operation whose id is the method's name, or
// begins it before "With" (CreatePolicyWithBody, ...WithApplicationJSONBody),
// the longest such, compared without case or punctuation.
var rawMethodOperations = sync.OnceValue(func() rawMethods {
	it := reflect.TypeFor[gen.ClientInterface]()
	m := rawMethods{
		prefix: reflect.TypeFor[gen.Client]().PkgPath() + ".(*Client).",
		ops:    make(map[string]gen.OperationID, it.NumMethod()),
	}
	ops := gen.Operations()
	for i := range it.NumMethod() {
		name := it.Method(i).Name
		method, best := folded(name), ""
		for _, op := range ops {
			id := folded(string(op.ID))
			if (method == id || strings.HasPrefix(method, id+"with")) && len(id) > len(best) {
				best, m.ops[name] = id, op.ID
			}
		}
	}
	return m
})

// folded is s in lower case, letters and digits only.
func folded(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

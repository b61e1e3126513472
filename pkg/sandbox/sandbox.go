// Package sandbox is a local AXA Assistance API: an OAuth2 authorization
// server and the API's resources, in process, strict, and driven by the
// same spec as the SDK (api/openapi.yaml).
//
// Every request to a resource is validated against the spec by kin-openapi,
// including its bearer token: an RFC 9068 access token (a JWT of typ
// at+jwt) signed by the sandbox (EdDSA), whose type, signature, expiry,
// issuer, audience and scopes are checked against what the spec requires of
// that operation. A client bug shows up here, not in
// production.
//
// The authorization server shares the API's listener, or, with
// WithAuthorizationServerAddr, has a listener of its own, another origin,
// as AXA's tokens come from another host than its API.
//
// The pieces, one package each, wired by New:
//
//	sandbox.go, options.go   New, the options, Start
//	origins.go               the handler chains: the API and the
//	                         authorization server on one origin, or each on
//	                         its own (WithAuthorizationServerAddr)
//	paths.go                 a path with an empty or dot segment answers the
//	                         API's 404 instead of a redirect
//	oauth/                   the authorization server: token, authorize
//	                         (its consent page), revoke, metadata, JWKS;
//	                         JWT signing (a random key per sandbox) and
//	                         verification (each token's signature once,
//	                         cached until its exp); clients and users; the
//	                         expiry queue
//	middleware/              the access log (request id, the operation
//	                         resolved once), injected faults, rate limits
//	validate/                spec validation of requests, with the token check
//	resources/               the API's operations, implementing the generated
//	                         strict server; quotes, policies and idempotency
//	                         records; operations without a handler answer
//	                         the spec's example (fallback.gen.go)
//	data/                    countries, alerts and medical providers, from
//	                         embedded JSON files and a seed
//	internal/reqctx          a request's state under one context key: its
//	                         operation, its id, its verified token
//	internal/apierr          the API's Error answers
//	internal/sandboxtest     what the tests of these packages share (only
//	                         tests import it)
//
// Dependencies point down only: package sandbox imports the others, which
// never import it; among them, resources imports data, and every one may
// import internal/reqctx and internal/apierr, of which only apierr imports
// another (reqctx).
package sandbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
	"github.com/axa-assistance-go/axa/pkg/sandbox/resources"
	"github.com/axa-assistance-go/axa/pkg/sandbox/validate"
)

// Default credentials of the sandbox. They are not secrets: the sandbox is
// for development and tests only.
const (
	DefaultClientID     = "sandbox-client"
	DefaultClientSecret = "sandbox-secret"
	DefaultUsername     = "demo"
	DefaultPassword     = "demo"
	// DefaultRedirectURL is registered for DefaultClientID; any port of it
	// is accepted, as RFC 8252 section 7.3 asks for loopback redirects.
	DefaultRedirectURL = "http://127.0.0.1/callback"
)

// Sandbox is the local API. It is an http.Handler, serving the API and
// the authorization server, or the API alone with
// WithAuthorizationServerAddr (AuthorizationServerHandler serves the
// other); Start serves it on a loopback address.
type Sandbox struct {
	cfg         *config
	handler     http.Handler // ServeHTTP's
	authHandler http.Handler // the authorization server alone
	auth        *oauth.Server
	res         *resources.Resources
	api         *backgroundHandler // the validator in front of the resources

	mu      sync.Mutex
	running []*Server // the servers started, until Start sees them shut down
}

// backgroundHandler is a handler made by a goroutine started with it: a
// request waits until it is made, and is answered 500 if making it failed.
type backgroundHandler struct {
	get func() (http.Handler, error)
}

// newBackgroundHandler starts making a handler with build, in a goroutine
// of its own.
func newBackgroundHandler(build func() (http.Handler, error)) *backgroundHandler {
	h := &backgroundHandler{get: sync.OnceValues(build)}
	go h.get() //nolint:errcheck // the error is the requests' (ServeHTTP)
	return h
}

// ServeHTTP serves r with the handler, once made.
func (h *backgroundHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	next, err := h.get()
	if err != nil {
		apierr.Write(w, r, http.StatusInternalServerError, "server_error", "the sandbox could not load its spec: "+err.Error())
		return
	}
	next.ServeHTTP(w, r)
}

// New builds a sandbox. With no options it registers DefaultClientID with
// every scope, the user DefaultUsername, and deterministic data (seed 1);
// it signs tokens with a key of its own, random (see WithSigningKey). It
// returns before the spec is loaded: that goes on in the background, and
// the first API request (or Ready) waits for it; the data set is made on
// first use too.
func New(opts ...Option) (*Sandbox, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	s := &Sandbox{cfg: cfg}
	auth, err := oauth.New(oauth.Config{
		Issuer: cfg.issuer, Audience: cfg.audience, SigningKey: cfg.signingKey,
		TokenLifetime: cfg.tokenLifetime, CodeLifetime: cfg.codeLifetime, RefreshLifetime: cfg.refreshTTL,
		Now: cfg.now, Log: cfg.log,
		Clients: cfg.clients, Users: cfg.users,
		AutoApprove: cfg.autoApprove,
		DefaultUser: User{Login: DefaultUsername, Password: DefaultPassword},
		APIURL:      s.servesAPIAt, AudienceRequired: cfg.audienceReq,
		RefreshReuseInterval: cfg.refreshReuse,
	})
	if err != nil {
		return nil, err
	}
	s.auth = auth
	s.res = resources.New(resources.Config{
		Now: cfg.now, QuoteLifetime: cfg.quoteLifetime, Audience: cfg.audience, BuiltAt: cfg.builtAt, Commit: cfg.commit,
	}, data.NewDataset(cfg.seed))

	// The validator loads the spec (kin-openapi, most of New's cost): it is
	// made in the background from here on, so that New returns and the
	// sandbox listens at once; an API request waits for it.
	api := newBackgroundHandler(func() (http.Handler, error) {
		return validate.New(validate.Config{Verifier: auth, MaxBody: cfg.maxBody}, validate.Handler(strictServer(s.res, cfg.log)))
	})
	s.api = api

	authMux := http.NewServeMux()
	auth.Routes(authMux)
	s.authHandler = boundBodies(cfg.bodyTimeout, s.chain(authOrigin, authRoutes(authMux)))
	if cfg.authAddr != "" {
		s.handler = boundBodies(cfg.bodyTimeout, s.chain(apiOrigin, apiRoutes(api)))
		return s, nil
	}
	mux := http.NewServeMux()
	auth.Routes(mux)
	mux.Handle("/", api)
	s.handler = boundBodies(cfg.bodyTimeout, s.chain(bothOrigins, apiFirst(api, cleanPathsOnly(mux, api))))
	return s, nil
}

// strictServer is the generated strict server over the resources: an
// error a handler returns is answered as apierr.Handle says.
func strictServer(res server.StrictServerInterface, log *slog.Logger) server.ServerInterface {
	return server.NewStrictHandlerWithOptions(res, nil, server.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			apierr.Write(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { apierr.Handle(log, w, r, err) },
	})
}

// Ready waits until the sandbox can answer its API: New loads the spec in
// the background, and the first API request waits for it. It returns the
// error the API would answer 500 for, nil once ready. A process that tells
// others where the sandbox listens can call it first, so that none of them
// waits.
func (s *Sandbox) Ready() error {
	_, err := s.api.get()
	return err
}

// FlushLog writes out at once the lines of the log that WithLogOutput
// buffers; without that option it does nothing. Server.Shutdown and Close
// call it once nothing serves.
func (s *Sandbox) FlushLog() {
	if s.cfg.logOut != nil {
		s.cfg.logOut.Flush()
	}
}

// ServeHTTP serves the sandbox's API and its authorization server; with
// WithAuthorizationServerAddr, the API alone, whose origin answers the
// authorization server's paths 404 (AuthorizationServerHandler serves
// those).
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// AuthorizationServerHandler returns the handler of the authorization
// server alone, on an origin of its own: its endpoints (token, authorize
// and its consent page, revoke, the RFC 8414 metadata, the JWKS), and the
// API's 404 for any other path. It is what Start serves on the address of
// WithAuthorizationServerAddr, with the access log, the faults of the
// authorization server's operations and a rate limit of its own. Served
// in process, the issuer stays WithIssuer's or the placeholder, as for
// ServeHTTP.
func (s *Sandbox) AuthorizationServerHandler() http.Handler { return s.authHandler }

// Server is a sandbox listening on a loopback address, and on another for
// its authorization server with WithAuthorizationServerAddr.
type Server struct {
	servers []*http.Server // the API's (or both's) first, then the authorization server's
	url     string
	authURL string
	cancel  context.CancelFunc // ends the requests' contexts, and so injected waits
	done    atomic.Bool        // Shutdown or Close was called
	serving sync.WaitGroup     // the servers' Serve loops
	flush   func()             // writes out the buffered log (FlushLog)
}

// URL returns the base URL of the running sandbox's API, e.g.
// "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.url }

// AuthorizationServerURL returns the base URL of the running sandbox's
// authorization server, which is the issuer unless WithIssuer gave one:
// the address of WithAuthorizationServerAddr, or URL when the two share
// one listener.
func (s *Server) AuthorizationServerURL() string { return s.authURL }

// Shutdown stops the server, both listeners when the authorization server
// has its own, gracefully: no new connections, injected latencies cut
// short, and requests in flight finish until ctx ends; then the rest are
// closed. It returns once nothing serves, with the first error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.done.Store(true)
	s.cancel()
	errs := make([]error, len(s.servers))
	var wg sync.WaitGroup
	for i, srv := range s.servers {
		wg.Go(func() {
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
				errs[i] = err
			}
		})
	}
	wg.Wait()
	s.serving.Wait()
	s.flush()
	return cmp.Or(errs...)
}

// Close stops the server, both listeners when the authorization server has
// its own, at once. It returns the first error.
func (s *Server) Close() error {
	s.done.Store(true)
	s.cancel()
	errs := make([]error, len(s.servers))
	for i, srv := range s.servers {
		errs[i] = srv.Close()
	}
	s.serving.Wait()
	s.flush()
	return cmp.Or(errs...)
}

// checkLoopback refuses an address that is not host:port on loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if !loopback.Host(host) {
		return fmt.Errorf("%q is not a loopback address: the sandbox serves this machine only", addr)
	}
	return nil
}

// Start serves the sandbox on addr, which must be a loopback address such
// as "127.0.0.1:8080" ("127.0.0.1:0" picks a free port); with
// WithAuthorizationServerAddr it serves the API alone there, and the
// authorization server alone on that option's address. Without WithIssuer,
// the issuer is the authorization server's URL, so a sandbox runs one
// server at a time: Start refuses while an earlier server has not been
// shut down.
func (s *Sandbox) Start(addr string) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = slices.DeleteFunc(s.running, func(srv *Server) bool { return srv.done.Load() })
	if !s.cfg.issuerSet && len(s.running) > 0 {
		return nil, fmt.Errorf("sandbox: already serving at %s, which is its issuer: shut that server down first, or give WithIssuer to serve on several addresses", s.running[0].authURL)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	server := &Server{url: "http://" + ln.Addr().String(), flush: s.FlushLog}
	server.authURL = server.url
	listeners, handlers := []net.Listener{ln}, []http.Handler{s}
	if s.cfg.authAddr != "" {
		authLn, err := net.Listen("tcp", s.cfg.authAddr)
		if err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("sandbox: authorization server: %w", err)
		}
		server.authURL = "http://" + authLn.Addr().String()
		listeners, handlers = append(listeners, authLn), append(handlers, s.authHandler)
	}
	if !s.cfg.issuerSet {
		// RFC 8414 section 3.3: the issuer is where the metadata is served.
		s.auth.SetIssuer(server.authURL)
	}
	base, cancel := context.WithCancel(context.Background())
	server.cancel = cancel
	for i, ln := range listeners {
		srv := &http.Server{
			Handler:           handlers[i],
			ReadHeaderTimeout: readHeaderTimeout,
			ErrorLog:          slog.NewLogLogger(s.cfg.log.Handler(), slog.LevelWarn),
			BaseContext:       func(net.Listener) context.Context { return base },
		}
		s.ConfigureServer(srv) // and the idle connections' bound
		server.servers = append(server.servers, srv)
		server.serving.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.cfg.log.Error("sandbox: serve", "error", err)
			}
		})
	}
	s.running = append(s.running, server)
	return server, nil
}

// readHeaderTimeout bounds the wait for a request's headers.
const readHeaderTimeout = 10 * time.Second

// ConfigureServer sets on srv the bounds Start sets on its servers, for a
// server of one's own that serves the sandbox (or a handler in front of
// it): on the wait for a request's headers (10 seconds) and, from
// WithIdleConnTimeout, on a kept-alive connection's wait for its next
// request. The bound on a request's body (WithBodyTimeout) is the
// sandbox's handlers' own: it holds however they are served.
func (s *Sandbox) ConfigureServer(srv *http.Server) {
	srv.ReadHeaderTimeout = readHeaderTimeout
	srv.IdleTimeout = s.cfg.idleConn
}

// boundBodies bounds the wait for a request's body: it must come within d
// of the request's headers or, for a handler that reads it later (after an
// injected latency, say), within d of its first read. A client that sends
// its headers and never its body is cut off then (its connection closed),
// whether the handler reads the body or answers without it (the server
// would wait for the body it discards): it holds no handler, connection
// or shared sandbox for ever. The bound is the connection's read deadline
// (http.ResponseController), cleared once the body is read; a request
// without a body, or a ResponseWriter without a connection (a test's
// recorder), is untouched.
func boundBodies(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &boundedBody{ReadCloser: r.Body, rc: rc, d: d}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// boundedBody is a request body whose reading is bounded (boundBodies).
type boundedBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	d       time.Duration
	started bool // read once: the deadline counts from there
	done    bool // read whole: the deadline cleared
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		_ = b.rc.SetReadDeadline(time.Now().Add(b.d))
	}
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.done {
		// The server reads the connection after the body, to see the
		// client go: no deadline of the body's must cut that short. A
		// body that failed keeps it, so that a read again (a handler
		// that reads what a middleware peeked, then the rest) fails too
		// instead of waiting without one.
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// servesAPIAt reports whether u is the URL of the API of a server of s
// that runs: an audience or resource parameter may name it (RFC 8707).
func (s *Sandbox) servesAPIAt(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, srv := range s.running {
		if srv.url == u && !srv.done.Load() {
			return true
		}
	}
	return false
}

// buildInfo returns when and from which commit this binary was built, from
// the Go build information (vcs.time, vcs.revision), or stand-ins.
func buildInfo() (time.Time, string) {
	builtAt, commit := time.Date(2016, 3, 16, 15, 12, 15, 0, time.UTC), "0000000"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					builtAt = t
				}
			case "vcs.revision":
				if len(s.Value) >= 7 {
					commit = s.Value
				}
			}
		}
	}
	return builtAt, commit
}

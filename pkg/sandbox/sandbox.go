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
// The pieces, one package each, wired by New:
//
//	sandbox.go, options.go   New, the options, the handler chain, Start
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
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/middleware"
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

// Sandbox is the local API. It is an http.Handler; Start serves it on a
// loopback address.
type Sandbox struct {
	cfg     *config
	handler http.Handler
	auth    *oauth.Server
	res     *resources.Resources
	api     *backgroundHandler // the validator in front of the resources

	mu      sync.Mutex
	serving *Server // the server whose URL is the issuer, nil when none runs
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
	auth, err := oauth.New(oauth.Config{
		Issuer: cfg.issuer, Audience: cfg.audience, SigningKey: cfg.signingKey,
		TokenLifetime: cfg.tokenLifetime, CodeLifetime: cfg.codeLifetime, RefreshLifetime: cfg.refreshTTL,
		Now: cfg.now, Log: cfg.log,
		Clients: cfg.clients, Users: cfg.users,
		AutoApprove: cfg.autoApprove,
		DefaultUser: User{Login: DefaultUsername, Password: DefaultPassword},
	})
	if err != nil {
		return nil, err
	}
	s := &Sandbox{cfg: cfg, auth: auth, res: resources.New(resources.Config{
		Now: cfg.now, QuoteLifetime: cfg.quoteLifetime, Audience: cfg.audience, BuiltAt: cfg.builtAt, Commit: cfg.commit,
	}, data.NewDataset(cfg.seed))}

	// The validator loads the spec (kin-openapi, most of New's cost): it is
	// made in the background from here on, so that New returns and the
	// sandbox listens at once; an API request waits for it.
	api := newBackgroundHandler(func() (http.Handler, error) {
		return validate.New(validate.Config{Verifier: auth, MaxBody: cfg.maxBody}, validate.Handler(strictServer(s.res, cfg.log)))
	})
	s.api = api

	mux := http.NewServeMux()
	auth.Routes(mux)
	mux.Handle("/", api)
	// The access log is outermost: it resolves the request's operation,
	// once, for every layer below (reqctx).
	s.handler = middleware.AccessLog(cfg.log,
		middleware.Faults(cfg.faults, cfg.seed,
			middleware.RateLimit(middleware.RateLimitConfig{PerSecond: cfg.rate, Burst: cfg.burst, Now: cfg.now, Auth: auth}, cleanPathsOnly(mux, api))))
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

// ServeHTTP serves the sandbox's API and OAuth2 endpoints.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Server is a sandbox listening on a loopback address.
type Server struct {
	srv    *http.Server
	url    string
	ln     net.Listener
	cancel context.CancelFunc // ends the requests' contexts, and so injected waits
	done   atomic.Bool        // Shutdown or Close was called
}

// URL returns the base URL of the running sandbox, e.g.
// "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.url }

// Shutdown stops the server gracefully: no new connections, injected
// latencies cut short, and requests in flight finish until ctx ends; then
// the rest are closed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.done.Store(true)
	s.cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return err
	}
	return nil
}

// Close stops the server at once.
func (s *Server) Close() error {
	s.done.Store(true)
	s.cancel()
	return s.srv.Close()
}

// Start serves the sandbox on addr, which must be a loopback address such
// as "127.0.0.1:8080" ("127.0.0.1:0" picks a free port). Without
// WithIssuer, the issuer is the URL served, so a sandbox runs one server at
// a time: Start refuses while an earlier server has not been shut down.
func (s *Sandbox) Start(addr string) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: address %q: %w", addr, err)
	}
	if !loopback.Host(host) {
		return nil, fmt.Errorf("sandbox: %q is not a loopback address: the sandbox serves this machine only", addr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cfg.issuerSet && s.serving != nil && !s.serving.done.Load() {
		return nil, fmt.Errorf("sandbox: already serving at %s, which is its issuer: shut that server down first, or give WithIssuer to serve on several addresses", s.serving.url)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if !s.cfg.issuerSet {
		// RFC 8414 section 3.3: the issuer is where the metadata is served.
		s.auth.SetIssuer(url)
	}
	base, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.cfg.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.log.Error("sandbox: serve", "error", err)
		}
	}()
	server := &Server{srv: srv, ln: ln, url: url, cancel: cancel}
	s.serving = server
	return server, nil
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

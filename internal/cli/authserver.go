package cli

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// Where tokens come from: the environment (--env, AXA_ENV), or an
// authorization server named by its issuer or endpoints (--issuer,
// --token-url, AXA_ISSUER, AXA_TOKEN_URL, AXA_AUTHORIZATION_URL,
// AXA_REVOCATION_URL), and the parameters a token request carries
// (--audience, AXA_AUDIENCE, AXA_RESOURCE). The SDK decides what they
// mean (pkg/axa/authserver.go); the commands hand them on.

// authFlags adds the flags of the authorization server to the root's
// persistent flags.
func (f *Factory) authFlags(root *cobra.Command) {
	p := root.PersistentFlags()
	p.StringVar(&f.envName, "env", "", "the API's environment, from the spec: "+strings.Join(environmentNames(), ", ")+" (default $"+axa.EnvEnvironment+"; its base URL and authorization server)")
	p.StringVar(&f.issuer, "issuer", "", "the authorization server's issuer, whose metadata names its endpoints (default $"+axa.EnvIssuer+")")
	p.StringVar(&f.tokenURL, "token-url", "", "the authorization server's token endpoint (default $"+axa.EnvTokenURL+")")
	p.StringVar(&f.audience, "audience", "", "the audience parameter of every token request, as an Auth0 tenant asks (default $"+axa.EnvAudience+")")
	_ = root.RegisterFlagCompletionFunc("env", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return environmentNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// environmentNames are the environments of the spec.
func environmentNames() []string {
	var names []string
	for _, e := range axa.Environments() {
		names = append(names, string(e))
	}
	return names
}

// environment returns the environment --env or AXA_ENV names, "" for none.
func (f *Factory) environment() axa.Environment {
	return axa.Environment(f.env(axa.EnvEnvironment, f.envName))
}

// authServerGiven returns the authorization server the flags and variables
// name, the zero value for none.
func (f *Factory) authServerGiven() axa.AuthorizationServer {
	return axa.AuthorizationServer{
		Issuer:           f.env(axa.EnvIssuer, f.issuer),
		TokenURL:         f.env(axa.EnvTokenURL, f.tokenURL),
		AuthorizationURL: f.env(axa.EnvAuthorizationURL, ""),
		RevocationURL:    f.env(axa.EnvRevocationURL, ""),
	}
}

// authOptions returns the options that say where the commands' clients get
// their tokens, from the flags and the AXA_* variables.
func (f *Factory) authOptions() []axa.Option {
	var opts []axa.Option
	if e := f.environment(); e != "" {
		opts = append(opts, axa.WithEnvironment(e))
	}
	if as := f.authServerGiven(); as != (axa.AuthorizationServer{}) {
		opts = append(opts, axa.WithAuthorizationServer(as))
	}
	return append(opts, f.tokenParamOptions()...)
}

// tokenParamOptions returns the option of the token parameters the flags
// and variables give, none when they give none.
func (f *Factory) tokenParamOptions() []axa.Option {
	params := url.Values{}
	if v := f.env(axa.EnvAudience, f.audience); v != "" {
		params.Set("audience", v)
	}
	if v := f.env(axa.EnvResource, ""); v != "" {
		params.Set("resource", v)
	}
	if len(params) == 0 {
		return nil
	}
	return []axa.Option{axa.WithTokenParameters(params)}
}

// authConfigured names the setting that points the commands at an API's
// authorization server, "" when none does: without credentials such a
// setting is a half configuration, not the embedded sandbox. The local
// environment is the sandbox's.
func (f *Factory) authConfigured() string {
	switch {
	case f.env(axa.EnvIssuer, f.issuer) != "":
		return "an issuer (--issuer or " + axa.EnvIssuer + ")"
	case f.env(axa.EnvTokenURL, f.tokenURL) != "":
		return "a token URL (--token-url or " + axa.EnvTokenURL + ")"
	case f.env(axa.EnvAuthorizationURL, "") != "" || f.env(axa.EnvRevocationURL, "") != "":
		return "an authorization server (" + axa.EnvAuthorizationURL + " or " + axa.EnvRevocationURL + ")"
	case f.environment() != "" && f.environment() != axa.EnvironmentLocal:
		return "the environment " + string(f.environment()) + " (--env or " + axa.EnvEnvironment + ")"
	}
	return ""
}

// checkEnvironment refuses an environment the spec does not declare, as a
// usage error naming the ones it does.
func (f *Factory) checkEnvironment() error {
	e := f.environment()
	if e == "" || slices.Contains(axa.Environments(), e) {
		return nil
	}
	return usagef("environment %q (--env or %s): the API's are %s", e, axa.EnvEnvironment, strings.Join(environmentNames(), ", "))
}

// apiBase returns the base URL the commands call with credentials: the
// flag or AXA_BASE_URL, else the environment's, else production.
func (f *Factory) apiBase() string {
	return cmp.Or(f.env(axa.EnvBaseURL, f.baseURL), f.environment().BaseURL(), axa.ProductionURL)
}

// resolveAuthServer returns the authorization server a client of base gets
// its tokens from, as the SDK decides it for the flags and variables.
func (f *Factory) resolveAuthServer(base string) (axa.AuthorizationServer, error) {
	c, err := axa.NewClient(append([]axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(base)}, f.authOptions()...)...)
	if err != nil {
		return axa.AuthorizationServer{}, &usageError{err: err}
	}
	defer c.Close()
	return c.AuthorizationServer(), nil
}

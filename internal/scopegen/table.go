package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// table is what the generated file declares.
type table struct {
	SpecVersion string
	Scopes      []scope
	Operations  []operation
}

type scope struct {
	GoName      string
	Value       string
	Description string
}

type operation struct {
	GoName string
	ID     string
	Method string
	Path   string
	// Security is nil when the operation needs no authentication.
	Security []requirement
}

// requirement is one security requirement object: all of its schemes, each
// with all of its scopes.
type requirement []schemeScopes

type schemeScopes struct {
	Scheme string
	Scopes []scope
}

func loadSpec(path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	// Examples and formats are checked by the contract tests; the generator
	// only needs a structurally valid document.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}

// buildTable extracts the scope table from a loaded document. It fails on an
// operation without an operationId, on a scope that no flow of its scheme
// declares and on names that would collide in Go.
func buildTable(doc *openapi3.T) (*table, error) {
	t := &table{}
	if doc.Info != nil {
		t.SpecVersion = doc.Info.Version
	}

	declared := map[string]map[string]string{} // scheme → scope → description
	if doc.Components != nil {
		names := make([]string, 0, len(doc.Components.SecuritySchemes))
		for name := range doc.Components.SecuritySchemes {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			ref := doc.Components.SecuritySchemes[name]
			scopes := map[string]string{}
			declared[name] = scopes
			if ref.Value == nil || ref.Value.Flows == nil {
				continue
			}
			f := ref.Value.Flows
			for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.Password, f.AuthorizationCode, f.Implicit} {
				if flow == nil {
					continue
				}
				for s, desc := range flow.Scopes {
					// Flows are visited in a fixed order: the first
					// non-empty description wins, the same on every run.
					if scopes[s] == "" {
						scopes[s] = desc
					}
				}
			}
		}
	}

	byValue := map[string]scope{}
	goNames := map[string]string{}
	schemeNames := make([]string, 0, len(declared))
	for name := range declared {
		schemeNames = append(schemeNames, name)
	}
	slices.Sort(schemeNames)
	for _, name := range schemeNames {
		scopes := declared[name]
		values := make([]string, 0, len(scopes))
		for v := range scopes {
			values = append(values, v)
		}
		slices.Sort(values)
		for _, value := range values {
			desc := scopes[value]
			if _, ok := byValue[value]; ok {
				continue
			}
			name := "Scope" + goIdentifier(strings.TrimPrefix(value, "urn:axa.assistance."))
			if other, clash := goNames[name]; clash {
				return nil, fmt.Errorf("scopes %q and %q both map to Go name %s", other, value, name)
			}
			goNames[name] = value
			byValue[value] = scope{GoName: name, Value: value, Description: oneLine(desc)}
		}
	}
	for _, s := range byValue {
		t.Scopes = append(t.Scopes, s)
	}
	slices.SortFunc(t.Scopes, func(a, b scope) int { return strings.Compare(a.Value, b.Value) })

	var errs []error
	opNames := map[string]string{}
	if doc.Paths != nil {
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for method, op := range item.Operations() {
				where := method + " " + path
				if op.OperationID == "" {
					errs = append(errs, fmt.Errorf("%s has no operationId", where))
					continue
				}
				name := "Operation" + goIdentifier(op.OperationID)
				if other, clash := opNames[name]; clash {
					errs = append(errs, fmt.Errorf("operationIds %q and %q both map to Go name %s", other, op.OperationID, name))
					continue
				}
				opNames[name] = op.OperationID

				reqs := doc.Security
				if op.Security != nil {
					reqs = *op.Security
				}
				o := operation{GoName: name, ID: op.OperationID, Method: method, Path: path}
				for _, req := range reqs {
					var r requirement
					schemes := make([]string, 0, len(req))
					for s := range req {
						schemes = append(schemes, s)
					}
					slices.Sort(schemes)
					for _, s := range schemes {
						known, ok := declared[s]
						if !ok {
							errs = append(errs, fmt.Errorf("%s (%s) names undeclared security scheme %q", op.OperationID, where, s))
							continue
						}
						ss := schemeScopes{Scheme: s}
						for _, v := range req[s] {
							if _, ok := known[v]; !ok {
								errs = append(errs, fmt.Errorf("%s (%s) needs scope %q, which security scheme %q does not declare", op.OperationID, where, v, s))
								continue
							}
							ss.Scopes = append(ss.Scopes, byValue[v])
						}
						r = append(r, ss)
					}
					o.Security = append(o.Security, r)
				}
				t.Operations = append(t.Operations, o)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(t.Operations, func(a, b operation) int { return strings.Compare(a.ID, b.ID) })
	return t, nil
}

// goIdentifier turns "travel.countries.read_only" or "getVersion" into an
// exported Go identifier: "TravelCountriesReadOnly", "GetVersion".
func goIdentifier(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that a failed run never leaves a half-written file behind.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".scopegen-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) //nolint:errcheck // best effort: gone after the rename
	if _, err := f.Write(data); err != nil {
		f.Close() //nolint:errcheck,gosec // the write error is the one to report
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close() //nolint:errcheck,gosec // the chmod error is the one to report
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

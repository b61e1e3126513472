# Everything CI runs is `make check`; each target also works on its own.
# Tools are pinned here (golangci-lint, installed into ./bin) or by go.mod's tool
# directive (oapi-codegen, which go generate builds from the module cache; see tools.go).

GO                    ?= go
GOFMT                 ?= $(shell $(GO) env GOROOT)/bin/gofmt
GOLANGCI_LINT_VERSION := v2.15.0
BIN                   := $(CURDIR)/bin
GOLANGCI_LINT         := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

FUZZTIME              ?= 10s

.PHONY: all check generate test test-short vet fmt-check tidy-check lint breaking fuzz bench bench-smoke bench-peers axaotel examples-otel tools clean

all: check

## check: everything CI runs (format, vet, go.mod tidiness, lint, the breaking-change gate,
## all tests with -race, a short run of every fuzz target, one iteration of every benchmark,
## the OpenTelemetry module and the otel example's module)
check: fmt-check vet tidy-check lint breaking test fuzz bench-smoke axaotel examples-otel

## generate: regenerate gen/ from api/openapi.yaml (commit the result)
generate:
	$(GO) generate ./...

## test: every test, with the race detector; includes the contract tests and the gen/ drift test
test:
	$(GO) test -race ./...

## test-short: the tests without -race, for a quick loop
test-short:
	$(GO) test ./...

## fuzz: run every Fuzz target of the module for FUZZTIME each (found with go test -list)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## bench-smoke: every benchmark once, so that none rots (figures: make bench)
bench-smoke:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

## bench: the benchmarks of BENCHMARKS.md
bench:
	for i in 1 2 3 4 5 6; do $(GO) test -run '^$$' -bench . -benchmem -count 1 ./pkg/axa/ ./pkg/sandbox/... ./internal/cli/; done | tee bench.txt

## bench-peers: the sandbox against the floor (a bare net/http server replaying the sandbox's
## captured answers byte for byte) and Prism (prism mock on api/openapi.yaml), in the same rounds
## with one load generator (internal/benchpeers; BENCHMARKS.md). Prism is installed with npm into
## PEERS_DIR, outside the module; without npm or node it is left out, and says so. Not part of check.
## PEERS_FLAGS passes flags (-duration 5s -rounds 3 -conns 1,64 -soak 5m).
PEERS_DIR   ?= $(or $(TMPDIR),/tmp)/axa-bench-peers
PRISM_VERSION := 5.16.x
PEERS_FLAGS ?=
bench-peers:
	@set -e; mkdir -p "$(PEERS_DIR)"; prism=""; \
	if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then \
		if ! "$(PEERS_DIR)/node_modules/.bin/prism" --version 2>/dev/null | grep -q '^5\.16\.'; then \
			npm install --prefix "$(PEERS_DIR)" --no-audit --no-fund --no-save @stoplight/prism-cli@$(PRISM_VERSION); \
		fi; \
		prism="$(PEERS_DIR)/node_modules/.bin/prism"; \
	else \
		echo "bench-peers: Prism left out: npm and node are needed to install and run it (@stoplight/prism-cli@$(PRISM_VERSION))"; \
	fi; \
	$(GO) build -o "$(PEERS_DIR)/axa" ./cmd/axa; \
	$(GO) build -o "$(PEERS_DIR)/benchpeers" ./internal/benchpeers; \
	echo "commit: $$(git rev-parse --short HEAD 2>/dev/null)$$(git diff --quiet 2>/dev/null || echo ' (with changes)'); nproc: $$(nproc); load: $$(cat /proc/loadavg 2>/dev/null || uptime)"; \
	"$(PEERS_DIR)/benchpeers" -axa "$(PEERS_DIR)/axa" -prism "$$prism" $(PEERS_FLAGS); \
	echo "load: $$(cat /proc/loadavg 2>/dev/null || uptime)"

## axaotel: the OpenTelemetry module on the SDK's Observer, its own module (pkg/axaotel) so
## that pkg/axa's importers compile no OpenTelemetry; ./... above does not reach it: its
## go.mod tidiness, vet, lint and tests with -race
axaotel: $(GOLANGCI_LINT)
	cd pkg/axaotel && $(GO) mod tidy -diff && $(GO) vet ./... && $(GOLANGCI_LINT) run --allow-parallel-runners ./... && $(GO) test -race ./...

## examples-otel: the OpenTelemetry example, its own module (examples/otel) so that
## neither the SDK nor its importers compile otel; ./... above does not reach it
examples-otel:
	cd examples/otel && $(GO) mod tidy -diff && $(GO) vet ./... && $(GO) test -race ./...

## breaking: fail when api/openapi.yaml (or gen/scopes.golden) breaks the contract of the
## newest v* tag (else the merge base with origin/main) and CHANGELOG.md's first level-2 heading is not "## [Unreleased] (vN.0.0)"
## with a higher major version; no tag: nothing to compare. oasdiff is pinned in
## internal/breaking (go run github.com/oasdiff/oasdiff@v1.37.0; not in go.mod). BASE=ref overrides.
breaking:
	$(GO) run ./internal/breaking $(if $(BASE),-base $(BASE))

## vet: go vet
vet:
	$(GO) vet ./...

## fmt-check: fail when a Go file is not gofmt-ed
fmt-check:
	@out=$$($(GOFMT) -l $$(git ls-files '*.go') 2>&1); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## tidy-check: fail when go.mod or go.sum is not tidy
tidy-check:
	$(GO) mod tidy -diff

## lint: golangci-lint with .golangci.yml (parallel runners allowed: another checkout may lint at the same time)
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run --allow-parallel-runners ./...

$(GOLANGCI_LINT):
	GOBIN=$(dir $(GOLANGCI_LINT)) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

## tools: install the pinned tools into ./bin
tools: $(GOLANGCI_LINT)

clean:
	rm -rf $(BIN)

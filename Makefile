# pod-apiserver: build, run and test. Every target installs what it needs from Go modules.

GO        ?= go
BIN       := $(CURDIR)/_output/bin
# The tests run the pinned kubectl and etcd builds, not whatever else is on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: all build run tools test test-unit test-integration test-external-etcd test-e2e test-differential verify update-openapi bench bench-go clean

all: build

build:
	$(GO) build -o $(BIN)/pod-apiserver ./cmd/pod-apiserver

## run: start the server on its embedded etcd; it prints where its admin kubeconfig is.
run: build
	$(BIN)/pod-apiserver

tools:
	bash hack/install-tools.sh

## test: everything CI runs.
test: tools verify test-unit test-integration test-external-etcd test-e2e

# CI (CI=true) runs the unit and integration suites under the race detector; RACE= turns it off.
RACE ?= $(if $(CI),-race,)

## test-unit: the packages' own tests, and test/fixtures (every case has current answers, and
## the message normalisation rules).
test-unit:
	$(GO) test $(RACE) ./pkg/... ./cmd/... ./hack/... ./test/fixtures/...

test-integration:
	$(GO) test $(RACE) -count=1 ./test/integration/...

## test-external-etcd: the integration suite again, against an etcd process instead of the embedded one.
test-external-etcd: tools
	bash hack/with-etcd.sh $(GO) test -count=1 ./test/integration/...

test-e2e: tools
	$(GO) test -count=1 ./test/e2e/...

## test-differential: kube-apiserver of the same release (KUBE_APISERVER=<binary>, or built from
## the k8s.io/kubernetes module into _output, ~7 min) beside pod-apiserver: re-records the fixtures
## and prints the agreement of a seeded random differential (SEED, N). Not part of make test.
test-differential: tools
	bash hack/test-differential.sh

verify:
	bash hack/verify-boilerplate.sh
	@unformatted=$$(gofmt -l cmd pkg test hack); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

## bench: the load suite at 10,000 pods on pod-apiserver (and on kube-apiserver, given
## KUBE_APISERVER=<binary>), on the same etcd, with ratios; see docs/benchmarks.md.
bench: tools
	bash hack/bench.sh

## bench-go: the hot-path benchmarks (decode, default, validate, encode, table, field selectors).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...

update-openapi:
	bash hack/update-openapi.sh

clean:
	rm -rf _output

# pod-apiserver: build, run and test. Every target installs what it needs from Go modules.

GO        ?= go
BIN       := $(CURDIR)/_output/bin
# The tests run the pinned kubectl and etcd builds, not whatever else is on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: all build run tools test test-unit test-integration test-external-etcd test-e2e test-fault verify update-openapi bench bench-go clean

all: build

build:
	$(GO) build -o $(BIN)/pod-apiserver ./cmd/pod-apiserver

## run: start the server on its embedded etcd; it prints where its admin kubeconfig is.
run: build
	$(BIN)/pod-apiserver

tools:
	bash hack/install-tools.sh

## test: everything CI runs.
test: tools verify test-unit test-integration test-external-etcd test-e2e test-fault

test-unit:
	$(GO) test ./pkg/... ./cmd/...

test-integration:
	$(GO) test -count=1 ./test/integration/...

## test-external-etcd: the integration suite again, against an etcd process instead of the embedded one.
test-external-etcd: tools
	bash hack/with-etcd.sh $(GO) test -count=1 ./test/integration/...

test-e2e: tools
	$(GO) test -count=1 ./test/e2e/...

## test-fault: kill -9, SIGTERM, etcd and leader loss, a partitioned replica (needs root and
## iproute2, else skipped), hostile requests; prints its figures.
## The full output (server and etcd logs) is kept in _output/test-fault.log.
test-fault: tools
	@mkdir -p _output; $(GO) test -count=1 -v -timeout 10m ./test/fault/... >_output/test-fault.log 2>&1; rc=$$?; \
	grep -E '^(=== RUN|--- |    [a-z_]+_test\.go:[0-9]+:|PASS|FAIL|ok)' _output/test-fault.log; exit $$rc

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

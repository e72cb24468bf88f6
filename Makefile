# pod-apiserver: build, run and test. Every target installs what it needs from Go modules.

GO        ?= go
BIN       := $(CURDIR)/_output/bin
# The tests run the pinned kubectl and etcd builds, not whatever else is on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: all build run tools test test-unit test-integration test-external-etcd test-e2e verify update-openapi bench bench-go clean image test-image
.PHONY: test-manifests test-deploy kind-up
.PHONY: test-differential
.PHONY: test-fault

all: build

build:
	$(GO) build -o $(BIN)/pod-apiserver ./cmd/pod-apiserver

## run: start the server on its embedded etcd; it prints where its admin kubeconfig is.
run: build
	$(BIN)/pod-apiserver

## image: _output/images/pod-apiserver.tar (localhost/pod-apiserver:dev) and etcd.tar
## (localhost/etcd:<pinned etcd>) as docker-archive tarballs, built without a daemon; load them
## with `docker load -i` or `kind load image-archive`. Same source, same digest.
image:
	bash hack/build-images.sh

## test-image: the image builder's own tests (reproducible digests, config, layout).
test-image:
	GOWORK=off $(GO) -C hack/imagebuild test -count=1 ./...

tools:
	bash hack/install-tools.sh

## test: everything CI runs.
test: tools verify test-unit test-image test-integration test-external-etcd test-e2e test-manifests test-deploy test-fault

# CI (CI=true) runs the unit and integration suites under the race detector; RACE= turns it off.
RACE ?= $(if $(CI),-race,)

## test-unit: the packages' own tests, and test/fixtures (every case has current answers, and
## the message normalisation rules), and test/verify (the checks of make verify).
test-unit:
	$(GO) test $(RACE) ./pkg/... ./cmd/... ./hack/... ./test/fixtures/... ./test/verify/...

test-integration:
	$(GO) test $(RACE) -count=1 ./test/integration/...

## test-external-etcd: the integration suite again, against an etcd process instead of the embedded one.
test-external-etcd: tools
	bash hack/with-etcd.sh $(GO) test -count=1 ./test/integration/...

test-e2e: tools
	$(GO) test -count=1 ./test/e2e/...

## test-manifests: manifests/ renders, decodes strictly and passes pod validation and Pod Security (offline).
test-manifests: tools build
	$(GO) test -count=1 ./test/manifests/...

## test-deploy: the manifests' pods as Docker containers from the images (needs Docker and root;
## fails under CI=true without them, skips with the reason elsewhere).
test-deploy: tools build image
	$(GO) test -count=1 -timeout 15m -v ./test/deploy/...

## kind-up: pod-apiserver in a local kind cluster (needs kind, Docker, kubectl); OVERLAY=overlays/etcd-3 etc.
kind-up: build image
	bash hack/kind-up.sh

## test-differential: kube-apiserver of the same release (KUBE_APISERVER=<binary>, or built from
## the k8s.io/kubernetes module into _output, ~7 min) beside pod-apiserver: re-records the fixtures
## and prints the agreement of a seeded random differential (SEED, N). Not part of make test.
test-differential: tools
	bash hack/test-differential.sh

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
	GOWORK=off $(GO) -C hack/imagebuild vet ./...

## bench: the load suite at 10,000 pods on pod-apiserver (and on kube-apiserver, given
## KUBE_APISERVER=<binary>), on the same etcd, with ratios; see docs/benchmarks.md.
bench: tools
	bash hack/bench.sh

## bench-gc: the garbage-collector setting under a memory limit, against Go's defaults (root, for the cgroup).
bench-gc: tools
	bash hack/bench-gc.sh

## bench-go: the hot-path benchmarks (decode, default, validate, encode, table, field selectors).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...

update-openapi:
	bash hack/update-openapi.sh

clean:
	rm -rf _output

//go:build tools

// Package tools pins the command-line tools that tests and code generation
// need. They live in their own module so that their (large) dependency graphs
// never leak into the API server's go.mod.
package tools

import (
	// etcd v3.7.0 matches the embedded etcd of the main module, so tests run
	// against the same server version whether etcd is embedded or external.
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kube-openapi/cmd/openapi-gen"
)

//go:build tools

/*
Copyright The pod-apiserver Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

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

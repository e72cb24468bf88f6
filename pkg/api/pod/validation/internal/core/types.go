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

// Package core holds look-alikes of a few kube-apiserver internal types. kube renders some
// rejected values, and the errors of decoding the legacy tolerations annotation, through its
// internal types, whose Go package is named core and whose fields carry no JSON tags. Clients see
// those renderings in error messages, so values are mapped onto these shapes before being shown.
package core

// Toleration has the field names and types of the internal toleration, so that decoding errors
// name "core.Toleration" and its Go field names as kube's do.
type Toleration struct {
	Key               string
	Operator          TolerationOperator
	Value             string
	Effect            TaintEffect
	TolerationSeconds *int64
}

// TolerationOperator is the operator of a Toleration.
type TolerationOperator string

// TaintEffect is the effect of a Toleration.
type TaintEffect string

// PodResourceClaim renders a pod resource claim as kube shows it in an invalid-value message.
type PodResourceClaim struct {
	Name                      string
	ResourceClaimName         *string
	ResourceClaimTemplateName *string
}

// SeccompProfile renders a seccomp profile as kube shows it in an invalid-value message.
type SeccompProfile struct {
	Type             string
	LocalhostProfile *string
}

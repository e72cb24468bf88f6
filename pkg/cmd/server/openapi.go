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

package server

import (
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// applyOpenAPISecurity describes bearer token authentication in the OpenAPI documents, as
// kube-apiserver does whenever it has token authenticators (always: service account tokens).
// The generic server then also lists kube's common `401 Unauthorized` response on every
// operation.
// k8s.io/kubernetes@v1.37.2 pkg/kubeapiserver/authenticator Config.New (securityDefinitionsV2, securitySchemesV3)
func applyOpenAPISecurity(cfg *genericapiserver.Config) {
	if cfg.OpenAPIConfig != nil {
		cfg.OpenAPIConfig.SecurityDefinitions = &spec.SecurityDefinitions{
			"BearerToken": &spec.SecurityScheme{SecuritySchemeProps: spec.SecuritySchemeProps{
				Type:        "apiKey",
				Name:        "authorization",
				In:          "header",
				Description: "Bearer Token authentication",
			}},
		}
	}
	if cfg.OpenAPIV3Config != nil {
		cfg.OpenAPIV3Config.SecuritySchemes = spec3.SecuritySchemes{
			"BearerToken": &spec3.SecurityScheme{SecuritySchemeProps: spec3.SecuritySchemeProps{
				Type:        "apiKey",
				Name:        "authorization",
				In:          "header",
				Description: "Bearer Token authentication",
			}},
		}
	}
}

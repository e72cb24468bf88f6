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
	"context"
	"net/http"
	"strings"

	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/request/anonymous"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

// healthPaths are what kubelet probes and load balancers ask for. They, and the individual
// checks under them (/readyz/etcd, /livez/ping, ...), tell nothing about the data.
var healthPaths = []string{"/healthz", "/livez", "/readyz"}

func isHealthPath(p string) bool {
	for _, h := range healthPaths {
		if p == h || strings.HasPrefix(p, h+"/") {
			return true
		}
	}
	return false
}

// anonymousAuthenticator lets requests without credentials in as system:anonymous: everywhere
// with --anonymous-auth, and otherwise only on the health paths, so that a kubelet's httpGet
// probe (which sends no credentials) succeeds while the API keeps answering 401. This is what
// kube-apiserver's AuthenticationConfiguration anonymous.conditions do with the paths
// /healthz, /livez and /readyz; here the checks under them count too, and /version does not
// (it names the build, which a probe does not need).
func (o *Options) anonymousAuthenticator() authenticator.Request {
	anon := anonymous.NewAuthenticator(nil)
	if o.AnonymousAuth {
		return anon
	}
	return authenticator.RequestFunc(func(req *http.Request) (*authenticator.Response, bool, error) {
		if !isHealthPath(req.URL.Path) {
			return nil, false, nil
		}
		return anon.AuthenticateRequest(req)
	})
}

// publicInfoViewer is the grant of kube's system:public-info-viewer ClusterRole (bound to
// system:authenticated and system:unauthenticated); applyAuthorization puts it in front of the
// configured modes, so that a health probe is answered without asking a webhook, whatever
// --authorization-* say. It has no opinion, and gives no reason, on anything else, so the 403
// messages of the modes after it stay kube's.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go ClusterRoles
// (system:public-info-viewer) and ClusterRoleBindings; as for authentication, the checks under the
// health paths are included.
var publicInfoViewer = authorizer.AuthorizerFunc(func(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if a.IsResourceRequest() || a.GetVerb() != "get" || a.GetUser() == nil {
		return authorizer.DecisionNoOpinion, "", nil
	}
	if p := a.GetPath(); isHealthPath(p) || p == "/version" || p == "/version/" {
		return authorizer.DecisionAllow, "", nil
	}
	return authorizer.DecisionNoOpinion, "", nil
})

// withoutAnonymous drops the anonymous fallback that k8s.io/apiserver's delegated authenticator
// always carries, so that anonymous access follows anonymousAuthenticator alone.
func withoutAnonymous(a authenticator.Request) authenticator.Request {
	return authenticator.RequestFunc(func(req *http.Request) (*authenticator.Response, bool, error) {
		resp, ok, err := a.AuthenticateRequest(req)
		if ok && resp != nil && resp.User != nil && resp.User.GetName() == user.Anonymous {
			return nil, false, nil
		}
		return resp, ok, err
	})
}

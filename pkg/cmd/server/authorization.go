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
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	"k8s.io/apiserver/pkg/authorization/path"
	"k8s.io/apiserver/pkg/authorization/union"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/pod-apiserver/pod-apiserver/pkg/authorizer/node"
)

// Authorization modes, named as kube-apiserver's --authorization-mode names them.
const (
	modeAlwaysAllow = "AlwaysAllow"
	modeAlwaysDeny  = "AlwaysDeny"
	modeNode        = node.ModeName
	modeWebhook     = "Webhook"
)

var authorizationModes = []string{modeAlwaysAllow, modeAlwaysDeny, modeNode, modeWebhook}

// AuthorizationOptions choose the authorizers after system:masters, which is always allowed
// first, as kube-apiserver's privileged group. The webhook is the SubjectAccessReview of
// --authorization-kubeconfig (the delegated authorization flags).
type AuthorizationOptions struct {
	// Modes is --authorization-mode; empty means Node, then Webhook when
	// --authorization-kubeconfig is given.
	Modes []string
}

// AddFlags registers --authorization-mode.
func (o *AuthorizationOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.Modes, "authorization-mode", o.Modes, "Ordered list of plug-ins to do authorization on secure port. Defaults to Node, followed by Webhook when --authorization-kubeconfig is given. Comma-delimited list of: "+strings.Join(authorizationModes, ",")+". Members of system:masters are always allowed first.")
}

// effectiveModes are the modes in force given the webhook's kubeconfig.
func (o *AuthorizationOptions) effectiveModes(webhookKubeconfig string) []string {
	if len(o.Modes) > 0 {
		return o.Modes
	}
	if webhookKubeconfig != "" {
		return []string{modeNode, modeWebhook}
	}
	return []string{modeNode}
}

// Validate checks the modes against the webhook's kubeconfig.
func (o *AuthorizationOptions) Validate(webhookKubeconfig string) []error {
	var errs []error
	modes := o.effectiveModes(webhookKubeconfig)
	seen := map[string]bool{}
	for _, m := range modes {
		if !slices.Contains(authorizationModes, m) {
			errs = append(errs, fmt.Errorf("--authorization-mode: unsupported mode %q: choose from %s", m, strings.Join(authorizationModes, ",")))
		}
		if seen[m] {
			errs = append(errs, fmt.Errorf("--authorization-mode: %q given more than once", m))
		}
		seen[m] = true
	}
	if seen[modeWebhook] && webhookKubeconfig == "" {
		errs = append(errs, fmt.Errorf("--authorization-mode Webhook needs --authorization-kubeconfig"))
	}
	if !seen[modeWebhook] && webhookKubeconfig != "" {
		errs = append(errs, fmt.Errorf("--authorization-kubeconfig is given but --authorization-mode does not include Webhook"))
	}
	return errs
}

func (o *Options) authorizationModes() []string {
	return o.Authorization.effectiveModes(o.Recommended.Authorization.RemoteKubeConfigFile)
}

// applyAuthorization builds the authorizer chain: system:masters, the public health and version
// paths, the always-allowed paths, then the modes in order. A mounted ServiceAccount token never switches the webhook on: only
// --authorization-kubeconfig does.
func (o *Options) applyAuthorization(cfg *genericapiserver.Config, shared *sharedState) error {
	delegated := o.Recommended.Authorization
	authorizers := []union.NamedAuthorizer{
		{AuthorizerName: "kubernetes.io/system-privileged-group", Authorizer: authorizerfactory.NewPrivilegedGroups(privilegedGroups(delegated.AlwaysAllowGroups)...)},
		{AuthorizerName: "pod-apiserver.io/public-info-viewer", Authorizer: publicInfoViewer},
	}
	if len(delegated.AlwaysAllowPaths) > 0 {
		paths, err := path.NewAuthorizer(delegated.AlwaysAllowPaths)
		if err != nil {
			return err
		}
		authorizers = append(authorizers, union.NamedAuthorizer{AuthorizerName: "kubernetes.io/always-allow-paths", Authorizer: paths})
	}
	for _, mode := range o.authorizationModes() {
		var a authorizer.Authorizer
		switch mode {
		case modeAlwaysAllow:
			a = authorizerfactory.NewAlwaysAllowAuthorizer()
		case modeAlwaysDeny:
			a = authorizerfactory.NewAlwaysDenyAuthorizer()
		case modeNode:
			pods, err := shared.nodePodGetter(cfg)
			if err != nil {
				return err
			}
			a = node.New(pods)
		case modeWebhook:
			restConfig, err := clientcmd.BuildConfigFromFlags("", delegated.RemoteKubeConfigFile)
			if err != nil {
				return fmt.Errorf("loading --authorization-kubeconfig: %w", err)
			}
			// As the delegating options do: this client limits every non-master request.
			restConfig.QPS, restConfig.Burst = 200, 400
			restConfig.Timeout = delegated.ClientTimeout
			client, err := kubernetes.NewForConfig(restConfig)
			if err != nil {
				return err
			}
			webhook, err := authorizerfactory.DelegatingAuthorizerConfig{
				SubjectAccessReviewClient: client.AuthorizationV1(),
				AllowCacheTTL:             delegated.AllowCacheTTL,
				DenyCacheTTL:              delegated.DenyCacheTTL,
				WebhookRetryBackoff:       delegated.WebhookRetryBackoff,
			}.New()
			if err != nil {
				return err
			}
			a = webhook
		default:
			return fmt.Errorf("--authorization-mode: unsupported mode %q", mode)
		}
		// Named as kube-apiserver names them; the name prefixes the reason a 403 gives.
		// k8s.io/kubernetes@v1.37.2 pkg/kubeapiserver/authorizer GetNameForAuthorizerMode
		authorizers = append(authorizers, union.NamedAuthorizer{AuthorizerName: strings.ToLower(mode), Authorizer: a})
	}
	var err error
	cfg.Authorization.Authorizer, err = union.New(authorizers...)
	return err
}

// privilegedGroups are the groups allowed everything: system:masters, always, and any other the
// delegated options' AlwaysAllowGroups hold (set in code, e.g. by tests).
func privilegedGroups(groups []string) []string {
	if slices.Contains(groups, user.SystemPrivilegedGroup) {
		return groups
	}
	return append([]string{user.SystemPrivilegedGroup}, groups...)
}

// nodePodGetter finds pods for the Node authorizer and NodeRestriction: an informer, as kube's
// node graph is fed, that keeps of each pod only what relates it to a node. It starts with the
// server and the server is not ready until it has synced.
func (s *sharedState) nodePodGetter(cfg *genericapiserver.Config) (node.PodGetter, error) {
	if s.nodePods != nil {
		return s.nodePods, nil
	}
	client, err := kubernetes.NewForConfig(cfg.LoopbackClientConfig)
	if err != nil {
		return nil, err
	}
	informer := cache.NewSharedIndexInformer(
		cache.NewListWatchFromClient(client.CoreV1().RESTClient(), "pods", metav1.NamespaceAll, fields.Everything()),
		&corev1.Pod{}, 0, cache.Indexers{})
	if err := informer.SetTransform(nodeRelevantPod); err != nil {
		return nil, err
	}
	if err := cfg.AddPostStartHook("node-authorizer-pods", func(ctx genericapiserver.PostStartHookContext) error {
		go informer.RunWithContext(ctx)
		// A hook's error is fatal to the process; a stop before the first sync is no failure,
		// and the server was not ready without it.
		if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
			klog.InfoS("Stopped before the Node authorizer's pods were synced")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	store := informer.GetStore()
	s.nodePods = func(namespace, name string) (*corev1.Pod, error) {
		obj, exists, err := store.GetByKey(namespace + "/" + name)
		if err != nil {
			return nil, err
		}
		if !exists {
			return nil, apierrors.NewNotFound(corev1.Resource("pods"), name)
		}
		return obj.(*corev1.Pod), nil
	}
	return s.nodePods, nil
}

// nodeRelevantPod keeps a pod's identity and its node, all either consumer reads.
func nodeRelevantPod(obj interface{}) (interface{}, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID, ResourceVersion: pod.ResourceVersion},
		Spec:       corev1.PodSpec{NodeName: pod.Spec.NodeName},
	}, nil
}

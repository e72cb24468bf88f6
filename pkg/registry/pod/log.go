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

package pod

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericrest "k8s.io/apiserver/pkg/registry/generic/rest"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go
// The helpers here that name no upstream function of their own serve the functions that do.

// LogREST serves pods/log by streaming the kubelet's containerLogs endpoint.
type LogREST struct {
	store   *genericregistry.Store
	kubelet kubelet.ConnectionInfoGetter
}

// New returns an empty pod; the log endpoint is a GET on a pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.New
func (r *LogREST) New() runtime.Object { return &corev1.Pod{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.Destroy
func (r *LogREST) Destroy() {}

// ProducesMIMETypes tells discovery and OpenAPI the log is plain text.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.ProducesMIMETypes
func (r *LogREST) ProducesMIMETypes(verb string) []string { return []string{"text/plain"} }

// ProducesObject documents the response as a string.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.ProducesObject
func (r *LogREST) ProducesObject(verb string) interface{} { return "" }

// NewGetOptions decodes the query into PodLogOptions.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.NewGetOptions
func (r *LogREST) NewGetOptions() (runtime.Object, bool, string) {
	return &corev1.PodLogOptions{}, false, ""
}

// OverrideMetricsVerb counts log reads as CONNECT, as kube does for streams.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.OverrideMetricsVerb
func (r *LogREST) OverrideMetricsVerb(oldVerb string) string {
	if oldVerb == "GET" {
		return "CONNECT"
	}
	return oldVerb
}

// Get returns a stream of the container's log.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/log.go LogREST.Get
func (r *LogREST) Get(ctx context.Context, name string, opts runtime.Object) (runtime.Object, error) {
	logOpts, ok := opts.(*corev1.PodLogOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	if errs := ValidatePodLogOptions(logOpts); len(errs) > 0 {
		return nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("PodLogOptions").GroupKind(), name, errs)
	}
	pod, err := getPod(ctx, r.store, name)
	if err != nil {
		return nil, err
	}
	container, err := chooseContainer(logOpts.Container, pod)
	if err != nil {
		return nil, err
	}
	streamer := &genericrest.LocationStreamer{
		ContentType:     "text/plain",
		Flush:           logOpts.Follow,
		ResponseChecker: genericrest.NewGenericHttpResponseChecker(corev1.Resource("pods/log"), name),
		RedirectChecker: genericrest.PreventRedirects,
	}
	// An unscheduled pod has no log yet: an empty stream, which the handler answers with 204.
	if pod.Spec.NodeName == "" {
		return streamer, nil
	}
	info, err := r.kubelet.GetConnectionInfo(ctx, pod)
	if err != nil {
		return nil, err
	}
	streamer.Location = &url.URL{
		Scheme:   info.Scheme,
		Host:     info.Host(),
		Path:     fmt.Sprintf("/containerLogs/%s/%s/%s", pod.Namespace, pod.Name, container),
		RawQuery: kubeletLogQuery(logOpts).Encode(),
	}
	streamer.Transport = info.Transport
	if logOpts.InsecureSkipTLSVerifyBackend {
		streamer.Transport = info.InsecureSkipTLSVerifyTransport
	}
	return streamer, nil
}

// kubeletLogQuery names the options as the kubelet reads them; only those set are sent.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go LogLocation
func kubeletLogQuery(opts *corev1.PodLogOptions) url.Values {
	q := url.Values{}
	if opts.Follow {
		q.Add("follow", "true")
	}
	if opts.Previous {
		q.Add("previous", "true")
	}
	if opts.Timestamps {
		q.Add("timestamps", "true")
	}
	if opts.SinceSeconds != nil {
		q.Add("sinceSeconds", strconv.FormatInt(*opts.SinceSeconds, 10))
	}
	if opts.SinceTime != nil {
		q.Add("sinceTime", opts.SinceTime.Format(time.RFC3339))
	}
	if opts.TailLines != nil {
		q.Add("tailLines", strconv.FormatInt(*opts.TailLines, 10))
	}
	if opts.LimitBytes != nil {
		q.Add("limitBytes", strconv.FormatInt(*opts.LimitBytes, 10))
	}
	return q
}

// ValidatePodLogOptions checks the log query. Choosing a stream (stdout or stderr alone) is
// behind a feature gate that is off in kube v1.37, so stream is refused.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodLogOptions
func ValidatePodLogOptions(opts *corev1.PodLogOptions) field.ErrorList {
	var errs field.ErrorList
	if opts.TailLines != nil && *opts.TailLines < 0 {
		errs = append(errs, field.Invalid(field.NewPath("tailLines"), *opts.TailLines, "must be greater than or equal to 0"))
	}
	if opts.LimitBytes != nil && *opts.LimitBytes < 1 {
		errs = append(errs, field.Invalid(field.NewPath("limitBytes"), *opts.LimitBytes, "must be greater than 0"))
	}
	switch {
	case opts.SinceSeconds != nil && opts.SinceTime != nil:
		errs = append(errs, field.Forbidden(field.NewPath(""), "at most one of `sinceTime` or `sinceSeconds` may be specified"))
	case opts.SinceSeconds != nil && *opts.SinceSeconds < 1:
		errs = append(errs, field.Invalid(field.NewPath("sinceSeconds"), *opts.SinceSeconds, "must be greater than 0"))
	}
	if opts.Stream != nil {
		errs = append(errs, field.Forbidden(field.NewPath("stream"), "may not be specified"))
	}
	return errs
}

func getPod(ctx context.Context, store *genericregistry.Store, name string) (*corev1.Pod, error) {
	obj, err := store.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return obj.(*corev1.Pod), nil
}

// chooseContainer resolves the container a log, exec or attach request means. Without a name,
// a pod with one container means that one; otherwise the client must choose.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go validateContainer
func chooseContainer(name string, pod *corev1.Pod) (string, error) {
	if name == "" {
		switch len(pod.Spec.Containers) {
		case 1:
			return pod.Spec.Containers[0].Name, nil
		case 0:
			return "", apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s", pod.Name))
		default:
			return "", apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %s", pod.Name, containerNames(pod)))
		}
	}
	for _, n := range containerNames(pod) {
		if n == name {
			return name, nil
		}
	}
	return "", apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", name, pod.Name))
}

// containerNames lists init, regular and ephemeral containers, in kube's order.
func containerNames(pod *corev1.Pod) []string {
	var names []string
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.EphemeralContainers {
		names = append(names, c.Name)
	}
	return names
}

var (
	_ rest.GetterWithOptions = &LogREST{}
	_ rest.StorageMetadata   = &LogREST{}
)

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

// Package manifests checks the kustomize trees under manifests/ offline, with no cluster: they
// render, every object decodes strictly against the Kubernetes 1.37 types, selectors and probe
// ports line up, the server's args parse through its own flag set, and every pod template passes
// pod-apiserver's own pod validation and Pod Security "restricted".
package manifests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	psapi "k8s.io/pod-security-admission/api"
	pspolicy "k8s.io/pod-security-admission/policy"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/defaults"
	podvalidation "github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

// serverContainer is the container whose args the server's flag set must accept.
const serverContainer = "pod-apiserver"

// problems renders one overlay and returns everything wrong with it, each prefixed with the check
// that found it; skipped lists checks this build cannot make.
func problems(manifestsDir, overlay, certDir string) (found, skipped []string) {
	add := func(check, format string, args ...any) {
		found = append(found, check+": "+fmt.Sprintf(format, args...))
	}
	docs, err := render.YAML(manifestsDir, overlay, certDir)
	if err != nil {
		add("render", "%v", err)
		return found, nil
	}
	var objs []runtime.Object
	for _, doc := range docs {
		obj, err := render.Decode(doc)
		if err != nil {
			add("decode", "%v", err)
			continue
		}
		objs = append(objs, obj)
	}
	workloads := render.Workloads(objs)
	if len(workloads) == 0 {
		add("workloads", "no Deployment or StatefulSet")
	}
	evaluator, err := pspolicy.NewEvaluator(pspolicy.DefaultChecks(), nil)
	if err != nil {
		add("pod-security", "%v", err)
		return found, nil
	}
	restricted := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}

	for _, w := range workloads {
		id := w.Kind + "/" + w.Name
		sel, err := metav1.LabelSelectorAsSelector(w.Selector)
		if err != nil || sel.Empty() {
			add("selector", "%s: selector %v: %v", id, w.Selector, err)
		} else if !sel.Matches(labels.Set(w.Template.Labels)) {
			add("selector", "%s: selector %s does not match template labels %v", id, sel, w.Template.Labels)
		}

		pod := w.Pod(0)
		for _, c := range pod.Spec.Containers {
			checkProbePorts(add, id, c)
		}

		if agg := pspolicy.AggregateCheckResults(evaluator.EvaluatePod(restricted, &pod.ObjectMeta, &pod.Spec)); !agg.Allowed {
			add("pod-security", "%s: %s", id, agg.ForbiddenDetail())
		}

		// As the server handles a create: defaults first, then validation.
		defaults.Pod(pod)
		if errs := podvalidation.ValidatePodCreate(pod, podvalidation.OptionsFor(pod, nil)); len(errs) > 0 {
			add("pod-validation", "%s: %v", id, errs.ToAggregate())
		}

		for i := range pod.Spec.Containers {
			c := &pod.Spec.Containers[i]
			if c.Name != serverContainer {
				continue
			}
			if s := checkServerArgs(pod, c); s != "" {
				if strings.HasPrefix(s, "skip:") {
					skipped = append(skipped, id+": "+s)
				} else {
					add("server-flags", "%s: %s", id, s)
				}
			}
		}
	}
	checkServicesAndBudgets(add, objs, workloads)
	return found, skipped
}

// checkProbePorts: a probe's named port must be one of the container's ports, and port names must
// be IANA service names (at most 15 characters), which a schema check alone does not catch.
func checkProbePorts(add func(string, string, ...any), id string, c corev1.Container) {
	names := map[string]bool{}
	for _, p := range c.Ports {
		if p.Name == "" {
			continue
		}
		if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
			add("ports", "%s container %s: port name %q: %s", id, c.Name, p.Name, strings.Join(errs, "; "))
		}
		names[p.Name] = true
	}
	for what, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
		if probe == nil {
			continue
		}
		var port intstr.IntOrString
		switch {
		case probe.HTTPGet != nil:
			port = probe.HTTPGet.Port
		case probe.TCPSocket != nil:
			port = probe.TCPSocket.Port
		case probe.GRPC != nil:
			continue
		default:
			continue
		}
		if port.Type == intstr.String && !names[port.StrVal] {
			add("probes", "%s container %s: %s probe port %q is not a container port (%v)", id, c.Name, what, port.StrVal, c.Ports)
		}
	}
}

// checkServerArgs parses the container's expanded args with the server's own flag set and runs
// its Validate, as the binary would at start.
func checkServerArgs(pod *corev1.Pod, c *corev1.Container) string {
	env, err := render.Env(pod, c)
	if err != nil {
		return err.Error()
	}
	command, args := render.Args(c, env)
	if len(command) != 0 {
		return fmt.Sprintf("command %q replaces the image's entrypoint", command)
	}
	for _, a := range args {
		if strings.Contains(a, "$(") {
			return fmt.Sprintf("arg %q refers to a variable the container does not have", a)
		}
	}
	o := server.NewOptions()
	fs := pflag.NewFlagSet(serverContainer, pflag.ContinueOnError)
	fs.SetOutput(discard{})
	for _, set := range o.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	// --authorization-mode comes with the authorization work on another branch; until it is
	// merged this build cannot judge an overlay that uses it.
	if fs.Lookup("authorization-mode") == nil {
		for _, a := range args {
			if strings.HasPrefix(a, "--authorization-mode") {
				return "skip: --authorization-mode is not in this build's flag set"
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Sprintf("args %q: %v", args, err)
	}
	if fs.NArg() != 0 {
		return fmt.Sprintf("unexpected arguments %q", fs.Args())
	}
	if err := o.Validate(); err != nil {
		return err.Error()
	}
	return ""
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// checkServicesAndBudgets: every Service and PodDisruptionBudget selects the pods of some
// workload, and a Service's named target ports exist on those pods.
func checkServicesAndBudgets(add func(string, string, ...any), objs []runtime.Object, workloads []render.Workload) {
	podsOf := func(sel labels.Selector) []render.Workload {
		var out []render.Workload
		for _, w := range workloads {
			if sel.Matches(labels.Set(w.Template.Labels)) {
				out = append(out, w)
			}
		}
		return out
	}
	for _, obj := range objs {
		switch o := obj.(type) {
		case *corev1.Service:
			matched := podsOf(labels.SelectorFromSet(o.Spec.Selector))
			if len(o.Spec.Selector) == 0 || len(matched) == 0 {
				add("selector", "Service/%s: selector %v matches no pod template", o.Name, o.Spec.Selector)
				continue
			}
			for _, p := range o.Spec.Ports {
				if p.TargetPort.Type != intstr.String {
					continue
				}
				for _, w := range matched {
					if !hasPort(w.Template.Spec, p.TargetPort.StrVal) {
						add("ports", "Service/%s: target port %q is not a port of %s/%s", o.Name, p.TargetPort.StrVal, w.Kind, w.Name)
					}
				}
			}
		case *policyv1.PodDisruptionBudget:
			sel, err := metav1.LabelSelectorAsSelector(o.Spec.Selector)
			if err != nil || len(podsOf(sel)) == 0 {
				add("selector", "PodDisruptionBudget/%s: selector %v matches no pod template (%v)", o.Name, o.Spec.Selector, err)
			}
		case *appsv1.StatefulSet:
			if !hasObject(objs, func(s *corev1.Service) bool {
				return s.Name == o.Spec.ServiceName && s.Spec.ClusterIP == corev1.ClusterIPNone
			}) {
				add("selector", "StatefulSet/%s: governing Service %q is not a headless Service here", o.Name, o.Spec.ServiceName)
			}
		}
	}
}

func hasPort(spec corev1.PodSpec, name string) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func hasObject(objs []runtime.Object, match func(*corev1.Service) bool) bool {
	for _, obj := range objs {
		if s, ok := obj.(*corev1.Service); ok && match(s) {
			return true
		}
	}
	return false
}

// copyTree copies the manifests folder so a test can break a copy.
func copyTree(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

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

// Package warnings produces the Warning headers kube-apiserver sends for pod writes: advice about
// valid but surprising, deprecated or non-functional settings.
package warnings

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/visit"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
// The helpers here that name no upstream function of their own serve the functions that do.

// ForCreate returns the warnings for a pod about to be created, given as defaulted and prepared
// for storage. The AppArmor annotation warnings are not here: kube emits those while preparing
// the pod, before these.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go GetWarningsForPod
func ForCreate(pod *corev1.Pod) []string {
	var warnings []string
	// The name becomes the hostname unless spec.hostname is set; kube prints the list as is.
	if msgs := utilvalidation.IsDNS1123Label(pod.Name); len(msgs) != 0 {
		warnings = append(warnings, fmt.Sprintf("metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: %v", msgs))
	}
	return append(warnings, forSpecAndMeta(&pod.Spec, pod.Annotations)...)
}

// ForStatusUpdate returns the warnings for a write to pods/status: IPs that are valid but written
// in a form other than the standard one.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStatusStrategy.WarningsOnUpdate
func ForStatusUpdate(newPod, oldPod *corev1.Pod) []string {
	var warnings []string
	for i, ip := range newPod.Status.PodIPs {
		warnings = append(warnings, utilvalidation.GetWarningsForIP(field.NewPath("status", "podIPs").Index(i).Child("ip"), ip.IP)...)
	}
	for i, ip := range newPod.Status.HostIPs {
		warnings = append(warnings, utilvalidation.GetWarningsForIP(field.NewPath("status", "hostIPs").Index(i).Child("ip"), ip.IP)...)
	}
	return warnings
}

// nullSelectorMsg is the advice for a term or constraint whose labelSelector is absent.
const nullSelectorMsg = "a null labelSelector results in matching no pod"

// annotationsNoLongerRead are pod annotations whose function moved to a field.
var annotationsNoLongerRead = []struct{ key, advice string }{
	{"scheduler.alpha.kubernetes.io/critical-pod", `non-functional in v1.16+; use the "priorityClassName" field instead`},
	{"security.alpha.kubernetes.io/sysctls", `non-functional in v1.11+; use the "sysctls" field instead`},
	{"security.alpha.kubernetes.io/unsafe-sysctls", `non-functional in v1.11+; use the "sysctls" field instead`},
}

// retiredVolumeTypes are volume sources kube no longer serves, with their notices, in the order
// kube reports them (cephfs and rbd come after the ephemeral claim checks).
var retiredVolumeTypes = []struct {
	name   string
	advice string
	inUse  func(*corev1.Volume) bool
}{
	{"photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+", func(v *corev1.Volume) bool { return v.PhotonPersistentDisk != nil }},
	// The GitRepoVolumeDriver gate is off in v1.37.
	{"gitRepo", "deprecated in v1.11, and disabled by default in v1.33+", func(v *corev1.Volume) bool { return v.GitRepo != nil }},
	{"scaleIO", "deprecated in v1.16, non-functional in v1.22+", func(v *corev1.Volume) bool { return v.ScaleIO != nil }},
	{"flocker", "deprecated in v1.22, non-functional in v1.25+", func(v *corev1.Volume) bool { return v.Flocker != nil }},
	{"storageOS", "deprecated in v1.22, non-functional in v1.25+", func(v *corev1.Volume) bool { return v.StorageOS != nil }},
	{"quobyte", "deprecated in v1.22, non-functional in v1.25+", func(v *corev1.Volume) bool { return v.Quobyte != nil }},
	{"glusterfs", "deprecated in v1.25, non-functional in v1.26+", func(v *corev1.Volume) bool { return v.Glusterfs != nil }},
}

func fractionalBytes(fldPath *field.Path, q resource.Quantity) string {
	return fmt.Sprintf("%s: fractional byte value %q is invalid, must be an integer", fldPath, q.String())
}

// hasFractionalBytes reports whether q has a fraction of a byte.
func hasFractionalBytes(q resource.Quantity) bool {
	return q.MilliValue()%1000 != 0
}

// forSpecAndMeta holds kube's pod spec advice, in kube's order.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go warningsForPodSpecAndMeta
func forSpecAndMeta(spec *corev1.PodSpec, annotations map[string]string) []string {
	specPath := field.NewPath("spec")
	var warnings []string

	warnings = append(warnings, deprecatedNodeLabelWarnings(spec, specPath)...)

	for _, a := range annotationsNoLongerRead {
		if _, ok := annotations[a.key]; ok {
			warnings = append(warnings, fmt.Sprintf("%s: %s", field.NewPath("metadata", "annotations").Key(a.key), a.advice))
		}
	}

	volumesPath := specPath.Child("volumes")
	for i := range spec.Volumes {
		v := &spec.Volumes[i]
		volPath := volumesPath.Index(i)
		for _, r := range retiredVolumeTypes {
			if r.inUse(v) {
				warnings = append(warnings, fmt.Sprintf("%s: %s", volPath.Child(r.name), r.advice))
			}
		}
		if v.Ephemeral != nil && v.Ephemeral.VolumeClaimTemplate != nil {
			claimPath := volPath.Child("ephemeral", "volumeClaimTemplate", "spec", "resources")
			res := v.Ephemeral.VolumeClaimTemplate.Spec.Resources
			// An absent request counts as zero, which is whole.
			if q := res.Requests[corev1.ResourceStorage]; hasFractionalBytes(q) {
				warnings = append(warnings, fractionalBytes(claimPath.Child("requests").Key(string(corev1.ResourceStorage)), q))
			}
			if q := res.Limits[corev1.ResourceStorage]; hasFractionalBytes(q) {
				warnings = append(warnings, fractionalBytes(claimPath.Child("limits").Key(string(corev1.ResourceStorage)), q))
			}
		}
		if v.CephFS != nil {
			warnings = append(warnings, fmt.Sprintf("%s: deprecated in v1.28, non-functional in v1.31+", volPath.Child("cephfs")))
		}
		if v.RBD != nil {
			warnings = append(warnings, fmt.Sprintf("%s: deprecated in v1.28, non-functional in v1.31+", volPath.Child("rbd")))
		}
	}

	warnings = append(warnings, overlappingPathWarnings(spec.Volumes)...)

	hostAliasesPath := specPath.Child("hostAliases")
	seenIPs := sets.New[string]()
	for i, alias := range spec.HostAliases {
		if seenIPs.Has(alias.IP) {
			warnings = append(warnings, fmt.Sprintf("%s: duplicate ip %q", hostAliasesPath.Index(i).Child("ip"), alias.IP))
		}
		seenIPs.Insert(alias.IP)
	}

	pullSecretsPath := specPath.Child("imagePullSecrets")
	seenSecrets := sets.New[string]()
	for i, s := range spec.ImagePullSecrets {
		if seenSecrets.Has(s.Name) {
			warnings = append(warnings, fmt.Sprintf("%s: duplicate name %q", pullSecretsPath.Index(i).Child("name"), s.Name))
		}
		seenSecrets.Insert(s.Name)
	}
	// Reported after all duplicates, as kube does.
	for i, s := range spec.ImagePullSecrets {
		if s.Name == "" {
			warnings = append(warnings, fmt.Sprintf("%s: invalid empty name %q", pullSecretsPath.Index(i).Child("name"), s.Name))
		}
	}

	for _, name := range []corev1.ResourceName{corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		if q, ok := spec.Overhead[name]; ok && hasFractionalBytes(q) {
			warnings = append(warnings, fractionalBytes(specPath.Child("overhead").Key(string(name)), q))
		}
	}

	if spec.SecurityContext == nil || spec.SecurityContext.SeccompProfile == nil {
		if _, ok := annotations[corev1.SeccompPodAnnotationKey]; ok {
			warnings = append(warnings, seccompAnnotationWarning(corev1.SeccompPodAnnotationKey))
		}
	}

	containers := allContainers(spec, specPath)
	for _, c := range containers {
		warnings = append(warnings, containerWarnings(c, annotations)...)
	}
	warnings = append(warnings, portWarnings(containers)...)
	warnings = append(warnings, portNameWarnings(containers)...)

	if g := spec.TerminationGracePeriodSeconds; g != nil && *g < 0 {
		warnings = append(warnings, fmt.Sprintf("%s: must be >= 0; negative values are invalid and will be treated as 1", specPath.Child("terminationGracePeriodSeconds")))
	}

	if a := spec.Affinity; a != nil {
		if pa := a.PodAffinity; pa != nil {
			warnings = append(warnings, nullSelectorTermWarnings(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution, specPath.Child("affinity", "podAffinity"))...)
		}
		if paa := a.PodAntiAffinity; paa != nil {
			warnings = append(warnings, nullSelectorTermWarnings(paa.RequiredDuringSchedulingIgnoredDuringExecution, paa.PreferredDuringSchedulingIgnoredDuringExecution, specPath.Child("affinity", "podAntiAffinity"))...)
		}
	}

	if spec.DNSConfig != nil {
		for i, ns := range spec.DNSConfig.Nameservers {
			warnings = append(warnings, utilvalidation.GetWarningsForIP(specPath.Child("dnsConfig", "nameservers").Index(i), ns)...)
		}
	}
	for i, alias := range spec.HostAliases {
		warnings = append(warnings, utilvalidation.GetWarningsForIP(hostAliasesPath.Index(i).Child("ip"), alias.IP)...)
	}
	return warnings
}

func seccompAnnotationWarning(key string) string {
	return fmt.Sprintf(`%s: non-functional in v1.27+; use the "seccompProfile" field instead`, field.NewPath("metadata", "annotations").Key(key))
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go warningsForPodAffinityTerms
func nullSelectorTermWarnings(required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm, fldPath *field.Path) []string {
	var warnings []string
	for i, t := range required {
		if t.LabelSelector == nil {
			warnings = append(warnings, fmt.Sprintf("%s: %s", fldPath.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i).Child("labelSelector"), nullSelectorMsg))
		}
	}
	for i, t := range preferred {
		if t.PodAffinityTerm.LabelSelector == nil {
			warnings = append(warnings, fmt.Sprintf("%s: %s", fldPath.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i).Child("podAffinityTerm", "labelSelector"), nullSelectorMsg))
		}
	}
	return warnings
}

// containerAt is a container of any kind with the path it is reported at.
type containerAt struct {
	c    *corev1.Container
	path *field.Path
}

// allContainers lists init, regular and ephemeral containers, the order kube visits them in.
func allContainers(spec *corev1.PodSpec, specPath *field.Path) []containerAt {
	var all []containerAt
	visit.Containers(spec, specPath, func(c *corev1.Container, path *field.Path) bool {
		all = append(all, containerAt{c, path})
		return true
	})
	return all
}

func containerWarnings(ca containerAt, annotations map[string]string) []string {
	c, p := ca.c, ca.path
	var warnings []string
	if c.SecurityContext == nil || c.SecurityContext.SeccompProfile == nil {
		if key := corev1.SeccompContainerAnnotationKeyPrefix + c.Name; hasKey(annotations, key) {
			warnings = append(warnings, seccompAnnotationWarning(key))
		}
	}

	for _, kind := range []struct {
		list corev1.ResourceList
		name string
		res  corev1.ResourceName
	}{
		{c.Resources.Limits, "limits", corev1.ResourceMemory},
		{c.Resources.Requests, "requests", corev1.ResourceMemory},
		{c.Resources.Limits, "limits", corev1.ResourceEphemeralStorage},
		{c.Resources.Requests, "requests", corev1.ResourceEphemeralStorage},
	} {
		if q, ok := kind.list[kind.res]; ok && hasFractionalBytes(q) {
			warnings = append(warnings, fractionalBytes(p.Child("resources", kind.name).Key(string(kind.res)), q))
		}
	}

	// A later variable of the same name replaces the earlier one, which apply may then drop;
	// appending to the earlier value with a $(NAME) reference is the one intended use.
	seen := sets.New[string]()
	for i, env := range c.Env {
		if !seen.Has(env.Name) {
			seen.Insert(env.Name)
			continue
		}
		ref := "$(" + env.Name + ")"
		if env.ValueFrom != nil || env.Value == ref || !strings.Contains(env.Value, ref) {
			warnings = append(warnings, fmt.Sprintf("%s: hides previous definition of %q, which may be dropped when using apply", p.Child("env").Index(i), env.Name))
		}
	}
	return warnings
}

func hasKey(m map[string]string, key string) bool {
	_, ok := m[key]
	return ok
}

type portAt struct {
	port corev1.ContainerPort
	path *field.Path
}

// portWarnings flags ports that cannot all work as written: hostIP without a hostPort, and ports
// sharing containerPort and protocol across all containers.
func portWarnings(containers []containerAt) []string {
	var warnings []string
	byPortProtocol := map[string][]portAt{}
	for _, ca := range containers {
		for i, port := range ca.c.Ports {
			p := ca.path.Child("ports").Index(i)
			if port.HostIP != "" && port.HostPort == 0 {
				warnings = append(warnings, fmt.Sprintf("%s: hostIP set without hostPort: %+v", p, port))
			}
			key := fmt.Sprintf("%d/%s", port.ContainerPort, port.Protocol)
			for _, other := range byPortProtocol[key] {
				o := other.port
				switch {
				case port.HostIP == o.HostIP && port.HostPort == o.HostPort:
					warnings = append(warnings, fmt.Sprintf("%s: duplicate port definition with %s", p, other.path))
				case port.HostPort == 0 || o.HostPort == 0:
					warnings = append(warnings, fmt.Sprintf("%s: overlapping port definition with %s", p, other.path))
				case port.HostPort == o.HostPort && (port.HostIP == "") != (o.HostIP == ""):
					// One binds every address and the other one address: which wins is undefined.
					warnings = append(warnings, fmt.Sprintf("%s: dangerously ambiguous port definition with %s", p, other.path))
				}
			}
			byPortProtocol[key] = append(byPortProtocol[key], portAt{port, p})
		}
	}
	return warnings
}

func portNameWarnings(containers []containerAt) []string {
	var warnings []string
	firstByName := map[string]*field.Path{}
	for _, ca := range containers {
		for i, port := range ca.c.Ports {
			if port.Name == "" {
				continue
			}
			p := ca.path.Child("ports").Index(i)
			if first, ok := firstByName[port.Name]; ok {
				warnings = append(warnings, fmt.Sprintf("%s: duplicate port name %q with %s, services and probes that select ports by name will use %s", p, port.Name, first, first))
				continue
			}
			firstByName[port.Name] = p
		}
	}
	return warnings
}

// sortedKeys gives map keys in a stable order; kube walks the map in Go's random order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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

// Package syncer runs the pods of a pod-apiserver (the virtual side) as pods of a host cluster,
// one host namespace for all of them, and reflects their status, node and lifetime back.
package syncer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

const (
	// OwnerLabel marks a host pod as made by a syncer; its value is the syncer's owner ID, so
	// that syncers of different pod-apiservers can share a host namespace without touching each
	// other's pods. The host informer watches only pods carrying it.
	OwnerLabel = "pod-apiserver.io/owner"
	// UIDLabel is the UID of the virtual pod a host pod runs.
	UIDLabel = "pod-apiserver.io/virtual-uid"
	// NamespaceAnnotation and NameAnnotation name the virtual pod; names may be longer than a
	// label value can be.
	NamespaceAnnotation = "pod-apiserver.io/virtual-namespace"
	NameAnnotation      = "pod-apiserver.io/virtual-name"

	// DefaultOwner is the owner ID when none is given.
	DefaultOwner = "pod-apiserver"

	maxNameLength = 63
	hashLength    = 10
)

// HostName is the name of the host pod that runs the virtual pod namespace/name:
// <name>-x-<namespace>-x-<hash>, where the hash (of the owner, namespace and name) keeps names
// that read alike apart ("a-x-b" in "c" and "a" in "b-x-c") and pods of different owners apart.
// A name that would exceed 63 characters (so that it stays a valid hostname and label value)
// keeps a readable prefix and the hash.
func HostName(owner, namespace, name string) string {
	sum := sha256.Sum256([]byte(owner + "/" + namespace + "/" + name))
	hash := hex.EncodeToString(sum[:])[:hashLength]
	prefix := name + "-x-" + namespace + "-x"
	if max := maxNameLength - 1 - hashLength; len(prefix) > max {
		prefix = strings.TrimRight(prefix[:max], "-.")
	}
	return prefix + "-" + hash
}

// Policy is what the operator lets virtual pods do on the host. Everything is refused by default.
type Policy struct {
	AllowHostNetwork bool
	AllowHostPID     bool
	AllowHostIPC     bool
	AllowHostPorts   bool
	AllowHostPath    bool
	AllowPrivileged  bool
	// AllowedCapabilities may be added to containers; "ALL" allows any.
	AllowedCapabilities []string
}

// Refusal explains why a virtual pod cannot run on the host. Field is the path in the virtual pod.
type Refusal struct {
	Field  string
	Reason string
}

func (r Refusal) String() string { return r.Field + ": " + r.Reason }

// Refusals is every reason a pod cannot run, in field order.
type Refusals []Refusal

// Message joins the refusals for a condition message.
func (rs Refusals) Message() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return "pod-apiserver cannot run this pod on its host: " + strings.Join(parts, "; ")
}

const (
	notServed  = "needs objects pod-apiserver does not serve"
	notAllowed = "not allowed on the host (the operator can allow it with %s)"
)

// HostPod translates a virtual pod into the host pod that runs it, in hostNamespace. The rules:
//
//   - copied: containers (image, command, env values, ports, probes, resources, security context
//     within the policy), init and ephemeral containers, restart policy, grace period, deadline,
//     DNS settings, node selector, node affinity, tolerations, scheduler name, OS, security context;
//   - a pod pinned to a node (spec.nodeName) is pinned through the scheduler instead, by a required
//     node affinity on the node's name, as kube's DaemonSet controller does, so that the host's
//     scheduler still applies taints and capacity;
//   - rewritten, so that the pod sees what it would see in pod-apiserver: env fieldRefs of
//     metadata.name, metadata.namespace, metadata.uid, metadata.labels[...],
//     metadata.annotations[...] and spec.serviceAccountName become literal values of the virtual
//     pod; an empty hostname becomes the virtual name (when it is a valid hostname);
//   - set on the host for safety: no service account token (automountServiceAccountToken false,
//     the host namespace's default service account), no service links (the host namespace's
//     Services are none of the pod's business), no priority of its own;
//   - refused, with the pod left Pending and a condition saying why: anything that needs objects
//     pod-apiserver does not serve (configMap, secret, persistentVolumeClaim, ephemeral, CSI and
//     other volume plugins, projected volumes other than downwardAPI, envFrom, env from
//     configMaps or secrets, imagePullSecrets, a service account other than "default", an
//     explicit automountServiceAccountToken, resource claims, priority classes), selectors over
//     other pods' labels (pod affinity, anti-affinity, topology spread: host pods do not carry the
//     virtual labels), readiness gates, downwardAPI volume items of metadata (they would show the host pod), and,
//     unless the policy allows them, host network, PID, IPC, host ports, hostPath, privileged
//     containers and added capabilities.
func HostPod(vpod *corev1.Pod, owner, hostNamespace string, policy Policy) (*corev1.Pod, Refusals) {
	spec := vpod.Spec.DeepCopy()
	var refusals Refusals
	refuse := func(field, format string, args ...any) {
		refusals = append(refusals, Refusal{Field: field, Reason: fmt.Sprintf(format, args...)})
	}

	for i, v := range spec.Volumes {
		path := fmt.Sprintf("spec.volumes[%d]", i)
		switch {
		case v.EmptyDir != nil, v.Image != nil:
		case v.DownwardAPI != nil:
			checkDownwardItems(v.DownwardAPI.Items, path+".downwardAPI", refuse)
		case v.Projected != nil:
			for j, s := range v.Projected.Sources {
				spath := fmt.Sprintf("%s.projected.sources[%d]", path, j)
				if s.DownwardAPI != nil {
					checkDownwardItems(s.DownwardAPI.Items, spath+".downwardAPI", refuse)
					continue
				}
				refuse(spath, "projected %s %s", projectedKind(s), notServed)
			}
		case v.HostPath != nil:
			if !policy.AllowHostPath {
				refuse(path+".hostPath", notAllowed, "--allow-host-path")
			}
		default:
			refuse(path, "volume %q of type %s %s", v.Name, volumeKind(v), notServed)
		}
	}
	if len(spec.ImagePullSecrets) > 0 {
		refuse("spec.imagePullSecrets", notServed)
	}
	if sa := spec.ServiceAccountName; sa != "" && sa != "default" {
		refuse("spec.serviceAccountName", "service account %q %s", sa, notServed)
	}
	if ptr.Deref(spec.AutomountServiceAccountToken, false) {
		refuse("spec.automountServiceAccountToken", "service account tokens %s", notServed)
	}
	if len(spec.ResourceClaims) > 0 {
		refuse("spec.resourceClaims", notServed)
	}
	if spec.PriorityClassName != "" {
		refuse("spec.priorityClassName", "priority classes are the host's own; %s", fmt.Sprintf(notAllowed, "no flag"))
	}
	if a := spec.Affinity; a != nil && (a.PodAffinity != nil || a.PodAntiAffinity != nil) {
		refuse("spec.affinity", "pod affinity selects host pods, which do not carry the virtual pods' labels")
	}
	if len(spec.TopologySpreadConstraints) > 0 {
		refuse("spec.topologySpreadConstraints", "spread constraints select host pods, which do not carry the virtual pods' labels")
	}
	if len(spec.ReadinessGates) > 0 {
		refuse("spec.readinessGates", "readiness gates are set by controllers of the virtual side, which the host pod's readiness cannot wait for")
	}
	if spec.HostNetwork && !policy.AllowHostNetwork {
		refuse("spec.hostNetwork", notAllowed, "--allow-host-network")
	}
	if spec.HostPID && !policy.AllowHostPID {
		refuse("spec.hostPID", notAllowed, "--allow-host-pid")
	}
	if spec.HostIPC && !policy.AllowHostIPC {
		refuse("spec.hostIPC", notAllowed, "--allow-host-ipc")
	}

	for i := range spec.InitContainers {
		translateContainer(vpod, &spec.InitContainers[i], fmt.Sprintf("spec.initContainers[%d]", i), policy, refuse)
	}
	for i := range spec.Containers {
		translateContainer(vpod, &spec.Containers[i], fmt.Sprintf("spec.containers[%d]", i), policy, refuse)
	}
	for i := range spec.EphemeralContainers {
		translateContainer(vpod, (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon), fmt.Sprintf("spec.ephemeralContainers[%d]", i), policy, refuse)
	}
	if len(refusals) > 0 {
		return nil, refusals
	}

	spec.ServiceAccountName = ""
	spec.DeprecatedServiceAccount = ""
	spec.AutomountServiceAccountToken = ptr.To(false)
	spec.EnableServiceLinks = ptr.To(false)
	// The host's Priority admission computes these from its own classes and refuses a pod that
	// brings its own.
	spec.Priority = nil
	spec.PreemptionPolicy = nil
	if spec.Hostname == "" && isDNSLabel(vpod.Name) {
		spec.Hostname = vpod.Name
	}
	if spec.NodeName != "" {
		pinToNode(spec)
	}

	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      HostName(owner, vpod.Namespace, vpod.Name),
			Namespace: hostNamespace,
			Labels:    map[string]string{OwnerLabel: owner, UIDLabel: string(vpod.UID)},
			Annotations: map[string]string{
				NamespaceAnnotation: vpod.Namespace,
				NameAnnotation:      vpod.Name,
			},
		},
		Spec: *spec,
	}, nil
}

// pinToNode replaces spec.nodeName by a required node affinity on metadata.name, added to every
// required term (terms are ORed, so each must carry it).
// k8s.io/kubernetes@v1.37.2 pkg/controller/daemon/util/daemonset_util.go ReplaceDaemonSetPodNodeNameNodeAffinity
func pinToNode(spec *corev1.PodSpec) {
	requirement := corev1.NodeSelectorRequirement{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{spec.NodeName}}
	spec.NodeName = ""
	if spec.Affinity == nil {
		spec.Affinity = &corev1.Affinity{}
	}
	if spec.Affinity.NodeAffinity == nil {
		spec.Affinity.NodeAffinity = &corev1.NodeAffinity{}
	}
	na := spec.Affinity.NodeAffinity
	if na.RequiredDuringSchedulingIgnoredDuringExecution == nil || len(na.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms) == 0 {
		na.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{}}}
	}
	terms := na.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	for i := range terms {
		terms[i].MatchFields = append(terms[i].MatchFields, requirement)
	}
}

func translateContainer(vpod *corev1.Pod, c *corev1.Container, path string, policy Policy, refuse func(string, string, ...any)) {
	if len(c.EnvFrom) > 0 {
		refuse(path+".envFrom", notServed)
	}
	for i := range c.Env {
		e := &c.Env[i]
		if e.ValueFrom == nil {
			continue
		}
		epath := fmt.Sprintf("%s.env[%d].valueFrom", path, i)
		switch {
		case e.ValueFrom.ConfigMapKeyRef != nil:
			refuse(epath+".configMapKeyRef", notServed)
		case e.ValueFrom.SecretKeyRef != nil:
			refuse(epath+".secretKeyRef", notServed)
		case e.ValueFrom.FieldRef != nil:
			if v, ok := virtualFieldValue(vpod, e.ValueFrom.FieldRef.FieldPath); ok {
				e.Value, e.ValueFrom = v, nil
			}
		case e.ValueFrom.ResourceFieldRef != nil:
		default:
			refuse(epath, notServed)
		}
	}
	for i, p := range c.Ports {
		if p.HostPort != 0 && !policy.AllowHostPorts {
			refuse(fmt.Sprintf("%s.ports[%d].hostPort", path, i), notAllowed, "--allow-host-ports")
		}
	}
	sc := c.SecurityContext
	if sc == nil {
		return
	}
	if ptr.Deref(sc.Privileged, false) && !policy.AllowPrivileged {
		refuse(path+".securityContext.privileged", notAllowed, "--allow-privileged")
	}
	if sc.Capabilities != nil {
		for i, capability := range sc.Capabilities.Add {
			if !slices.Contains(policy.AllowedCapabilities, "ALL") && !slices.Contains(policy.AllowedCapabilities, string(capability)) {
				refuse(fmt.Sprintf("%s.securityContext.capabilities.add[%d]", path, i), notAllowed, "--allowed-capabilities="+string(capability))
			}
		}
	}
}

// virtualFieldValue resolves the downward API fields whose host value would differ from the
// virtual one. Status fields (pod IP, host IP, node name) are the same on both sides.
func virtualFieldValue(vpod *corev1.Pod, fieldPath string) (string, bool) {
	switch fieldPath {
	case "metadata.name":
		return vpod.Name, true
	case "metadata.namespace":
		return vpod.Namespace, true
	case "metadata.uid":
		return string(vpod.UID), true
	case "spec.serviceAccountName":
		return vpod.Spec.ServiceAccountName, true
	}
	for prefix, m := range map[string]map[string]string{"metadata.labels": vpod.Labels, "metadata.annotations": vpod.Annotations} {
		if key, ok := strings.CutPrefix(fieldPath, prefix+"['"); ok {
			if key, ok = strings.CutSuffix(key, "']"); ok {
				return m[key], true
			}
		}
	}
	return "", false
}

func checkDownwardItems(items []corev1.DownwardAPIVolumeFile, path string, refuse func(string, string, ...any)) {
	for i, item := range items {
		if item.FieldRef != nil && strings.HasPrefix(item.FieldRef.FieldPath, "metadata.") {
			refuse(fmt.Sprintf("%s.items[%d].fieldRef", path, i), "the file would show the host pod's %s, not the virtual pod's", item.FieldRef.FieldPath)
		}
	}
}

func projectedKind(s corev1.VolumeProjection) string {
	switch {
	case s.ConfigMap != nil:
		return "configMap"
	case s.Secret != nil:
		return "secret"
	case s.ServiceAccountToken != nil:
		return "serviceAccountToken"
	case s.ClusterTrustBundle != nil:
		return "clusterTrustBundle"
	case s.PodCertificate != nil:
		return "podCertificate"
	}
	return "source"
}

func volumeKind(v corev1.Volume) string {
	switch {
	case v.ConfigMap != nil:
		return "configMap"
	case v.Secret != nil:
		return "secret"
	case v.PersistentVolumeClaim != nil:
		return "persistentVolumeClaim"
	case v.Ephemeral != nil:
		return "ephemeral"
	case v.CSI != nil:
		return "csi"
	}
	return "plugin"
}

func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > maxNameLength {
		return false
	}
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (r != '-' || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

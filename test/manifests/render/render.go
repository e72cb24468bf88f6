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

// Package render renders the kustomize trees under manifests/ with the kustomize library that
// kubectl v1.37 embeds, decodes every object strictly into the Kubernetes API types and finds the
// pod templates in them. The manifest test checks what it returns; the deployment test runs it.
package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Overlays are the kustomizations users apply, relative to the manifests folder.
var Overlays = []string{"base", "overlays/etcd-3", "overlays/delegated-auth"}

// CertFiles are the files the base's secretGenerator reads from base/certs, as
// `pod-apiserver certs` writes them.
var CertFiles = []string{"ca.crt", "tls.crt", "tls.key"}

// YAML renders overlay (e.g. "overlays/etcd-3") of the manifests folder, with the TLS files taken
// from certDir, and returns one YAML document per object. The tree is copied into memory so the
// certificates never land in the source tree.
func YAML(manifestsDir, overlay, certDir string) ([][]byte, error) {
	mem := filesys.MakeFsInMemory()
	err := filepath.WalkDir(manifestsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(manifestsDir, path)
		if err != nil {
			return err
		}
		if filepath.Dir(rel) == filepath.Join("base", "certs") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return mem.WriteFile(filepath.Join("/manifests", rel), data)
	})
	if err != nil {
		return nil, err
	}
	for _, name := range CertFiles {
		data, err := os.ReadFile(filepath.Join(certDir, name))
		if err != nil {
			return nil, err
		}
		if err := mem.WriteFile(filepath.Join("/manifests/base/certs", name), data); err != nil {
			return nil, err
		}
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, filepath.Join("/manifests", overlay))
	if err != nil {
		return nil, fmt.Errorf("kustomize %s: %w", overlay, err)
	}
	var docs [][]byte
	for _, r := range resources.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return nil, err
		}
		docs = append(docs, y)
	}
	return docs, nil
}

var strictCodec = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	json.SerializerOptions{Yaml: true, Strict: true})

// Decode decodes one document into its typed object. An unknown or duplicated field is an error,
// as a server's strict field validation would report it; so is a kind client-go does not know.
// The types are k8s.io/api v0.37.2's, i.e. the Kubernetes 1.37 schema, offline.
func Decode(doc []byte) (runtime.Object, error) {
	obj, gvk, err := strictCodec.Decode(doc, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", firstLine(doc), err)
	}
	if _, ok := obj.(runtime.Unstructured); ok {
		return nil, fmt.Errorf("%s: no type for %v", firstLine(doc), gvk)
	}
	return obj, nil
}

func firstLine(doc []byte) string {
	line, _, _ := bytes.Cut(doc, []byte("\n"))
	return string(line)
}

// Objects renders an overlay and decodes every object strictly.
func Objects(manifestsDir, overlay, certDir string) ([]runtime.Object, error) {
	docs, err := YAML(manifestsDir, overlay, certDir)
	if err != nil {
		return nil, err
	}
	objs := make([]runtime.Object, 0, len(docs))
	for _, doc := range docs {
		obj, err := Decode(doc)
		if err != nil {
			return nil, err
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// Workload is a controller's pod template with what its controller makes of it.
type Workload struct {
	Kind      string
	Name      string
	Namespace string
	Replicas  int32
	Selector  *metav1.LabelSelector
	Template  corev1.PodTemplateSpec
	// ServiceName is a StatefulSet's governing Service, whose per-pod DNS names its pods get.
	ServiceName string
	// ClaimTemplates are a StatefulSet's volumeClaimTemplates, one PVC per pod each.
	ClaimTemplates []corev1.PersistentVolumeClaim
}

// PodName is the name the controller gives replica i (a Deployment's are random; these are
// stable stand-ins of the same shape).
func (w Workload) PodName(i int) string {
	if w.Kind == "StatefulSet" {
		return fmt.Sprintf("%s-%d", w.Name, i)
	}
	return fmt.Sprintf("%s-7d4b9c-%05d", w.Name, i)
}

// Workloads lists the Deployments and StatefulSets among objs.
func Workloads(objs []runtime.Object) []Workload {
	var out []Workload
	for _, obj := range objs {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			out = append(out, Workload{Kind: "Deployment", Name: o.Name, Namespace: o.Namespace,
				Replicas: replicas(o.Spec.Replicas), Selector: o.Spec.Selector, Template: o.Spec.Template})
		case *appsv1.StatefulSet:
			out = append(out, Workload{Kind: "StatefulSet", Name: o.Name, Namespace: o.Namespace,
				Replicas: replicas(o.Spec.Replicas), Selector: o.Spec.Selector, Template: o.Spec.Template,
				ServiceName: o.Spec.ServiceName, ClaimTemplates: o.Spec.VolumeClaimTemplates})
		}
	}
	return out
}

func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// Pod is replica i of w as its controller would create it (before the server's defaulting).
func (w Workload) Pod(i int) *corev1.Pod {
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: *w.Template.ObjectMeta.DeepCopy(),
		Spec:       *w.Template.Spec.DeepCopy(),
	}
	pod.Name = w.PodName(i)
	pod.Namespace = w.Namespace
	if w.Kind == "StatefulSet" {
		// StatefulSet pods get their governing Service as subdomain and their name as hostname.
		pod.Spec.Hostname = pod.Name
		pod.Spec.Subdomain = w.ServiceName
		for _, claim := range w.ClaimTemplates {
			pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: claim.Name,
				VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
					ClaimName: claim.Name + "-" + pod.Name}}})
		}
	}
	return pod
}

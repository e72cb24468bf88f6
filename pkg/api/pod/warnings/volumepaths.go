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

package warnings

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// sourcedPath is a file path a volume writes, with where it comes from for the message.
type sourcedPath struct {
	path   string
	source string
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go pathAndSource.String
func (sp sourcedPath) String() string {
	if sp.source == "" {
		return fmt.Sprintf("%q", sp.path)
	}
	return fmt.Sprintf("%q (%s)", sp.path, sp.source)
}

// overlappingPathWarnings flags items of one configMap, secret, downwardAPI or projected volume
// that write the same path, or a path inside another's: one silently replaces the other, or the
// kubelet fails to write them.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go warningsForOverlappingVirtualPaths
func overlappingPathWarnings(volumes []corev1.Volume) []string {
	var warnings []string
	overlap := func(volName, volDesc, body string) string {
		return fmt.Sprintf("volume %q (%s): overlapping paths: %s", volName, volDesc, body)
	}
	for _, v := range volumes {
		if v.ConfigMap != nil && v.ConfigMap.Items != nil {
			for _, body := range collisions(keyPaths(v.ConfigMap.Items, "")) {
				warnings = append(warnings, overlap(v.Name, fmt.Sprintf("ConfigMap %q", v.ConfigMap.Name), body))
			}
		}
		if v.Secret != nil && v.Secret.Items != nil {
			for _, body := range collisions(keyPaths(v.Secret.Items, "")) {
				warnings = append(warnings, overlap(v.Name, fmt.Sprintf("Secret %q", v.Secret.SecretName), body))
			}
		}
		if v.DownwardAPI != nil && v.DownwardAPI.Items != nil {
			for _, body := range collisions(downwardPaths(v.DownwardAPI.Items, "")) {
				warnings = append(warnings, overlap(v.Name, "DownwardAPI", body))
			}
		}
		if v.Projected == nil {
			continue
		}
		// Projected sources share one directory, so paths collide across sources too.
		var seen []sourcedPath
		for _, src := range v.Projected.Sources {
			if src == (corev1.VolumeProjection{}) {
				warnings = append(warnings, fmt.Sprintf("volume %q (Projected) has no sources provided", v.Name))
				continue
			}
			for _, sp := range projectionPaths(src) {
				sp.path = strings.TrimRight(sp.path, "/")
				for _, other := range overlapsWith(seen, sp) {
					warnings = append(warnings, overlap(v.Name, "Projected", fmt.Sprintf("%s with %s", sp, other)))
				}
				seen = append(seen, sp)
			}
		}
	}
	return warnings
}

// projectionPaths lists the paths one projected source writes. Only the first kind set counts,
// in kube's order, and item lists count only when present.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go extractPaths
func projectionPaths(src corev1.VolumeProjection) []sourcedPath {
	switch {
	case src.ConfigMap != nil && src.ConfigMap.Items != nil:
		return keyPaths(src.ConfigMap.Items, fmt.Sprintf("ConfigMap %q", src.ConfigMap.Name))
	case src.Secret != nil && src.Secret.Items != nil:
		return keyPaths(src.Secret.Items, fmt.Sprintf("Secret %q", src.Secret.Name))
	case src.DownwardAPI != nil && src.DownwardAPI.Items != nil:
		return downwardPaths(src.DownwardAPI.Items, "DownwardAPI")
	case src.ServiceAccountToken != nil:
		return []sourcedPath{{src.ServiceAccountToken.Path, "ServiceAccountToken"}}
	case src.ClusterTrustBundle != nil:
		name := ""
		if src.ClusterTrustBundle.Name != nil {
			name = *src.ClusterTrustBundle.Name
		} else if src.ClusterTrustBundle.SignerName != nil {
			name = *src.ClusterTrustBundle.SignerName
		}
		return []sourcedPath{{src.ClusterTrustBundle.Path, fmt.Sprintf("ClusterTrustBundle %q", name)}}
	case src.PodCertificate != nil:
		var paths []sourcedPath
		pc := src.PodCertificate
		for _, p := range []sourcedPath{
			{pc.CertificateChainPath, "PodCertificate chain"},
			{pc.KeyPath, "PodCertificate key"},
			{pc.CredentialBundlePath, "PodCertificate credential bundle"},
		} {
			if p.path != "" {
				paths = append(paths, p)
			}
		}
		return paths
	}
	return nil
}

func keyPaths(items []corev1.KeyToPath, source string) []sourcedPath {
	paths := make([]sourcedPath, 0, len(items))
	for _, item := range items {
		paths = append(paths, sourcedPath{item.Path, source})
	}
	return paths
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go extractPathsDownwardAPI
func downwardPaths(items []corev1.DownwardAPIVolumeFile, source string) []sourcedPath {
	paths := make([]sourcedPath, 0, len(items))
	for _, item := range items {
		paths = append(paths, sourcedPath{item.Path, source})
	}
	return paths
}

// collisions reports, for each path, the earlier paths of the same list it overlaps.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go checkVolumeMappingForOverlap
func collisions(paths []sourcedPath) []string {
	var bodies []string
	var seen []sourcedPath
	for _, sp := range paths {
		sp.path = strings.TrimRight(sp.path, "/")
		for _, other := range overlapsWith(seen, sp) {
			bodies = append(bodies, fmt.Sprintf("%s with %s", sp, other))
		}
		seen = append(seen, sp)
	}
	return bodies
}

// overlapsWith returns the earlier paths equal to sp (same source too), or that contain it or
// lie inside it as directories. Empty paths overlap nothing.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/warnings.go checkForOverlap
func overlapsWith(earlier []sourcedPath, sp sourcedPath) []sourcedPath {
	if sp.path == "" {
		return nil
	}
	var found []sourcedPath
	for _, e := range earlier {
		switch {
		case e.path == "":
		case e == sp,
			strings.HasPrefix(e.path+"/", sp.path+"/"),
			strings.HasPrefix(sp.path+"/", e.path+"/"):
			found = append(found, e)
		}
	}
	return found
}

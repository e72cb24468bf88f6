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

package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func projected(sources ...corev1.VolumeProjection) corev1.VolumeSource {
	return corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{DefaultMode: ptr.To[int32](0644), Sources: sources}}
}

func tokenSource(path string, exp int64) corev1.VolumeProjection {
	return corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: path, ExpirationSeconds: ptr.To(exp)}}
}

func secretSource(name string, paths ...string) corev1.VolumeProjection {
	s := &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: name}}
	for _, p := range paths {
		s.Items = append(s.Items, corev1.KeyToPath{Key: "k", Path: p})
	}
	return corev1.VolumeProjection{Secret: s}
}

func configMapSource(name string, paths ...string) corev1.VolumeProjection {
	c := &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: name}}
	for _, p := range paths {
		c.Items = append(c.Items, corev1.KeyToPath{Key: "k", Path: p})
	}
	return corev1.VolumeProjection{ConfigMap: c}
}

func downwardSource(paths ...string) corev1.VolumeProjection {
	d := &corev1.DownwardAPIProjection{}
	for _, p := range paths {
		d.Items = append(d.Items, corev1.DownwardAPIVolumeFile{Path: p, FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.uid"}})
	}
	return corev1.VolumeProjection{DownwardAPI: d}
}

func TestValidateProjectedVolume(t *testing.T) {
	const base = "spec.volumes[0].projected"
	runVolumeCases(t, []volumeCase{
		{name: "valid, every kind", src: projected(
			secretSource("s", "a"), configMapSource("c", "b"), downwardSource("c"), tokenSource("token", 3600),
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr.To("example.com/x"), Path: "ca.pem"}},
			corev1.VolumeProjection{PodCertificate: &corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ED25519", CredentialBundlePath: "cred"}},
		)},
		{name: "no sources, or an empty source (only a warning)", src: projected(corev1.VolumeProjection{})},
		{name: "defaultMode", src: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{DefaultMode: ptr.To[int32](1000)}},
			want: []volErr{volInvalid(base+".defaultMode", "1000", fileModeMsg)}},
		{name: "two kinds in one source", src: projected(corev1.VolumeProjection{
			Secret:    &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}},
			ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}},
		}),
			want: []volErr{volForbidden(base+".sources[0]", "may not specify more than 1 volume type per source")}},
		{name: "secret and configMap names required, items checked", src: projected(secretSource("", "/a"), configMapSource("", "")),
			want: []volErr{
				volRequired(base + ".sources[0].secret.name"),
				volInvalid(base+".sources[0].secret.items[0].path", `"/a"`, "must be a relative path"),
				volRequired(base + ".sources[1].configMap.name"),
				volRequired(base + ".sources[1].configMap.items[0].path"),
			}},
		{name: "duplicate paths name the secret or config map, or the path", src: projected(
			secretSource("s", "a"), configMapSource("cm", "a"), secretSource("s2", "b", "b"), downwardSource("a", ""),
		),
			want: []volErr{
				volInvalid(base, `"cm"`, "conflicting duplicate paths"),
				volInvalid(base, `"s2"`, "conflicting duplicate paths"),
				volInvalid(base, `"a"`, "conflicting duplicate paths"),
				volRequired(base + ".sources[3].downwardAPI.path"),
			}},
		{name: "downwardAPI items report on the source's path", src: projected(corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{
			Items: []corev1.DownwardAPIVolumeFile{{Path: "x", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.nodeName"}}},
		}}),
			want: []volErr{volNotSupported(base+".sources[0].downwardAPI.fieldRef.fieldPath", `"spec.nodeName"`,
				`"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"`)}},
	})
}

func TestValidateServiceAccountTokenProjection(t *testing.T) {
	const base = "spec.volumes[0].projected"
	runVolumeCases(t, []volumeCase{
		{name: "valid bounds", src: projected(tokenSource("a", 600), tokenSource("b", 1<<32))},
		{name: "token paths may repeat each other and other sources' paths", src: projected(tokenSource("a", 3600), tokenSource("a", 3600), secretSource("s", "a"))},
		{name: "any audience", src: projected(corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Audience: "%%%", Path: "t", ExpirationSeconds: ptr.To[int64](3600)}})},
		{name: "expiration required (defaulting normally sets it)", src: projected(corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t"}}),
			want: []volErr{volRequired(base + ".sources[0].serviceAccountToken.expirationSeconds")}},
		{name: "expiration bounds", src: projected(tokenSource("a", 599), tokenSource("b", 1<<32+1)),
			want: []volErr{
				volInvalid(base+".sources[0].serviceAccountToken.expirationSeconds", "599", "may not specify a duration less than 10 minutes"),
				volInvalid(base+".sources[1].serviceAccountToken.expirationSeconds", "4294967297", "may not specify a duration larger than 2^32 seconds"),
			}},
		{name: "path errors are reported on the volume's path", src: projected(tokenSource("", 3600), tokenSource("/abs", 3600), tokenSource("..x", 3600), tokenSource("a/../b", 3600)),
			want: []volErr{
				volRequired(base + ".path"),
				volInvalid(base+".path", `"/abs"`, "must be a relative path"),
				volInvalid(base+".path", `"..x"`, "must not start with '..'"),
				volInvalid(base+".path", `"a/../b"`, "must not contain '..'"),
			}},
		{name: "non-local path kept from an old pod", opts: PodValidationOptions{AllowNonLocalProjectedTokenPath: true},
			src: projected(tokenSource("/abs", 3600), tokenSource("../x", 3600))},
		{name: "the ratchet does not waive a missing path", opts: PodValidationOptions{AllowNonLocalProjectedTokenPath: true},
			src: projected(tokenSource("", 3600)), want: []volErr{volRequired(base + ".path")}},
	})
}

func TestValidateClusterTrustBundleProjection(t *testing.T) {
	const p = "spec.volumes[0].projected.sources[0].clusterTrustBundle"
	ctb := func(b corev1.ClusterTrustBundleProjection) corev1.VolumeSource {
		return projected(corev1.VolumeProjection{ClusterTrustBundle: &b})
	}
	runVolumeCases(t, []volumeCase{
		{name: "by name", src: ctb(corev1.ClusterTrustBundleProjection{Name: ptr.To("bundle"), Path: "a"})},
		{name: "by signer-prefixed name", src: ctb(corev1.ClusterTrustBundleProjection{Name: ptr.To("example.com:signer:bundle"), Path: "a"})},
		{name: "by signer with selector", src: ctb(corev1.ClusterTrustBundleProjection{SignerName: ptr.To("example.com/signer"), Path: "a",
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}})},
		{name: "neither name nor signer", src: ctb(corev1.ClusterTrustBundleProjection{}),
			want: []volErr{volRequiredMsg(p, "either name or signerName must be specified"), volRequired(p + ".path")}},
		{name: "both, rendered as kube renders its internal type", src: ctb(corev1.ClusterTrustBundleProjection{Name: ptr.To("a"), SignerName: ptr.To("x/y"), Path: "p"}),
			want: []volErr{volInvalid(p, `{"Name":"a","SignerName":"x/y","LabelSelector":null,"Optional":null,"Path":"p","User":null}`, "only one of name and signerName may be used")}},
		{name: "empty name", src: ctb(corev1.ClusterTrustBundleProjection{Name: ptr.To(""), Path: "p"}),
			want: []volErr{
				volRequiredMsg(p+".name", "must be a valid object name"),
				volInvalid(p+".name", `""`, "not a valid clustertrustbundlename: "+dnsSubdomainMsg),
			}},
		{name: "bad names", src: projected(
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr.To("a/b:c"), Path: "a"}},
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr.To(":abc"), Path: "b"}},
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr.To("x:Y_"), Path: "c"}},
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr.To("n"), Path: "d",
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}}},
		),
			want: []volErr{
				volInvalid("spec.volumes[0].projected.sources[0].clusterTrustBundle.name", `"a/b:c"`, "not a valid clustertrustbundlename: ClusterTrustBundle for signerName a/b must be named with prefix a:b:"),
				volInvalid("spec.volumes[0].projected.sources[1].clusterTrustBundle.name", `":abc"`, `not a valid clustertrustbundlename: ClusterTrustBundle without signer name must not have ":" in its name`),
				volInvalid("spec.volumes[0].projected.sources[2].clusterTrustBundle.name", `"x:Y_"`, "not a valid clustertrustbundlename: "+dnsSubdomainMsg),
				volInvalid("spec.volumes[0].projected.sources[3].clusterTrustBundle.labelSelector", `{"matchLabels":{"a":"b"}}`, "labelSelector must be unset if name is specified"),
			}},
		{name: "empty signer", src: ctb(corev1.ClusterTrustBundleProjection{SignerName: ptr.To(""), Path: "p"}),
			want: []volErr{volRequiredMsg(p+".signerName", "must be a valid signer name"), volRequired(p + ".signerName")}},
		{name: "signer and selector checked", src: ctb(corev1.ClusterTrustBundleProjection{SignerName: ptr.To("foo"), Path: "p",
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b/c"}}}),
			want: []volErr{
				volInvalid(p+".signerName", `"foo"`, "must be a fully qualified domain and path of the form 'example.com/signer-name'"),
				volInvalid(p+".labelSelector.matchLabels", `"b/c"`, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
			}},
		{name: "path required and local; duplicates with other sources", src: projected(
			secretSource("s", "ca"),
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr.To("a.b/c"), Path: "ca"}},
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr.To("a.b/c"), Path: "/abs"}},
			corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr.To("a.b/c")}},
		),
			want: []volErr{
				volInvalid("spec.volumes[0].projected", `"ca"`, "conflicting duplicate paths"),
				volInvalid("spec.volumes[0].projected.sources[2].clusterTrustBundle.path", `"/abs"`, "must be a relative path"),
				volRequired("spec.volumes[0].projected.sources[3].clusterTrustBundle.path"),
			}},
	})
}

func TestValidateSignerName(t *testing.T) {
	const f = "spec.volumes[0].projected.sources[0].clusterTrustBundle.signerName"
	ctb := func(signer string) corev1.VolumeSource {
		return projected(corev1.VolumeProjection{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: &signer, Path: "p"}})
	}
	longPath := strings.Repeat("a", 200) + "." + strings.Repeat("b", 200) + "." + strings.Repeat("c", 200)
	runVolumeCases(t, []volumeCase{
		{name: "valid", src: ctb("example.com/signer.name")},
		{name: "too many slashes", src: ctb("a.b/c/d"),
			want: []volErr{volInvalid(f, `"a.b/c/d"`, "must be a fully qualified domain and path of the form 'example.com/signer-name'")}},
		{name: "domain with one segment and bad path label", src: ctb("Foo/x_y"),
			want: []volErr{
				volInvalid(f, `"Foo"`, `validating label "Foo": `+dnsLabelMsg),
				volInvalid(f, `"Foo"`, "should be a domain with at least two segments separated by dots"),
				volInvalid(f, `"x_y"`, `validating label "x_y": `+dnsSubdomainMsg),
			}},
		{name: "only the first bad domain label is reported", src: ctb("A.B.com/x"),
			want: []volErr{volInvalid(f, `"A.B.com"`, `validating label "A": `+dnsLabelMsg)}},
		{name: "whole name too long", src: ctb("a.b/" + longPath), want: []volErr{volTooLong(f, 571)}},
	})
}

func TestValidatePodCertificateProjection(t *testing.T) {
	const p = "spec.volumes[0].projected.sources[0].podCertificate"
	pc := func(c corev1.PodCertificateProjection) corev1.VolumeSource {
		return projected(corev1.VolumeProjection{PodCertificate: &c})
	}
	const keyTypes = `"RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519"`
	runVolumeCases(t, []volumeCase{
		{name: "valid, every path", src: pc(corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ECDSAP256",
			MaxExpirationSeconds: ptr.To[int32](91 * 86400), CredentialBundlePath: "b", KeyPath: "k", CertificateChainPath: "c",
			UserAnnotations: map[string]string{"example.com/a": "x"}})},
		{name: "kubernetes.io signer, one day", src: pc(corev1.PodCertificateProjection{SignerName: "kubernetes.io/x", KeyType: "RSA3072",
			MaxExpirationSeconds: ptr.To[int32](86400), KeyPath: "k"})},
		{name: "signer, key type, paths required", src: pc(corev1.PodCertificateProjection{KeyType: "bogus"}),
			want: []volErr{
				volRequired(p + ".signerName"),
				volNotSupported(p+".keyType", `"bogus"`, keyTypes),
				volRequiredMsg(p, "specify at least one of credentialBundlePath, keyPath, and certificateChainPath"),
			}},
		{name: "expiration bounds", src: projected(
			corev1.VolumeProjection{PodCertificate: &corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ED25519", MaxExpirationSeconds: ptr.To[int32](3599), KeyPath: "a"}},
			corev1.VolumeProjection{PodCertificate: &corev1.PodCertificateProjection{SignerName: "sub.kubernetes.io/x", KeyType: "ED25519", MaxExpirationSeconds: ptr.To[int32](86401), KeyPath: "b"}},
			corev1.VolumeProjection{PodCertificate: &corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ED25519", MaxExpirationSeconds: ptr.To[int32](91*86400 + 1), KeyPath: "c"}},
		),
			want: []volErr{
				volInvalid("spec.volumes[0].projected.sources[0].podCertificate.maxExpirationSeconds", "3599", "if provided, maxExpirationSeconds must be >= 3600"),
				volInvalid("spec.volumes[0].projected.sources[1].podCertificate.maxExpirationSeconds", "86401", "if provided, maxExpirationSeconds must be <= 86400"),
				volInvalid("spec.volumes[0].projected.sources[2].podCertificate.maxExpirationSeconds", "7862401", "if provided, maxExpirationSeconds must be <= 7862400"),
			}},
		{name: "paths local and distinct", src: pc(corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ED25519",
			CredentialBundlePath: "c", KeyPath: "c", CertificateChainPath: "../x"}),
			want: []volErr{
				volInvalid("spec.volumes[0].projected", `"c"`, "conflicting duplicate paths"),
				volInvalid(p+".certificateChainPath", `"../x"`, "must not contain '..'"),
			}},
		{name: "user annotations need a domain prefix", src: pc(corev1.PodCertificateProjection{SignerName: "example.com/x", KeyType: "ED25519", KeyPath: "k",
			UserAnnotations: map[string]string{"foo": "x", "Example.COM/Bar": "y"}}),
			want: []volErr{volInvalid(p+".userAnnotations", `"foo"`, "must be a domain-prefixed key (such as \"acme.io/foo\")")}},
	})
}

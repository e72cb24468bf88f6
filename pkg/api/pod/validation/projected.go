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
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/names.go
// The helpers here that name no upstream function of their own serve the functions that do.

const duplicatePathMsg = "conflicting duplicate paths"

// Limits of a pod certificate's lifetime: any signer allows up to 91 days, the kubernetes.io
// signers one day.
const (
	podCertificateMinExpiration           = 3600
	podCertificateMaxExpiration           = 91 * 24 * 60 * 60
	podCertificateKubernetesMaxExpiration = 24 * 60 * 60
)

var podCertificateKeyTypes = []string{"RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519"}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateProjectedVolumeSource
func validateProjectedVolume(projected *corev1.ProjectedVolumeSource, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	allErrs := validateVolumeFileMode(projected.DefaultMode, fldPath.Child("defaultMode"))
	allErrs = append(allErrs, validateVolumeFileUser(projected.DefaultUser, fldPath.Child("defaultUser"))...)

	// Every file the sources write must have its own path. A clash is reported on the volume,
	// named by the secret's or config map's name for those sources and by the path otherwise.
	paths := sets.New[string]()
	claimPath := func(p string, badValue string) field.ErrorList {
		if paths.Has(p) {
			return field.ErrorList{field.Invalid(fldPath, badValue, duplicatePathMsg)}
		}
		paths.Insert(p)
		return nil
	}

	for i := range projected.Sources {
		src := &projected.Sources[i]
		srcPath := fldPath.Child("sources").Index(i)
		count := 0
		if s := src.Secret; s != nil {
			count++
			p := srcPath.Child("secret")
			if s.Name == "" {
				allErrs = append(allErrs, field.Required(p.Child("name"), ""))
			}
			for j := range s.Items {
				allErrs = append(allErrs, validateKeyToPath(&s.Items[j], p.Child("items").Index(j))...)
				if s.Items[j].Path != "" {
					allErrs = append(allErrs, claimPath(s.Items[j].Path, s.Name)...)
				}
			}
		}
		if cm := src.ConfigMap; cm != nil {
			count++
			p := srcPath.Child("configMap")
			if cm.Name == "" {
				allErrs = append(allErrs, field.Required(p.Child("name"), ""))
			}
			for j := range cm.Items {
				allErrs = append(allErrs, validateKeyToPath(&cm.Items[j], p.Child("items").Index(j))...)
				if cm.Items[j].Path != "" {
					allErrs = append(allErrs, claimPath(cm.Items[j].Path, cm.Name)...)
				}
			}
		}
		if d := src.DownwardAPI; d != nil {
			count++
			p := srcPath.Child("downwardAPI")
			for j := range d.Items {
				// Like the downwardAPI volume, items report under the source's path.
				allErrs = append(allErrs, validateDownwardAPIVolumeFile(&d.Items[j], p)...)
				if d.Items[j].Path != "" {
					allErrs = append(allErrs, claimPath(d.Items[j].Path, d.Items[j].Path)...)
				}
			}
		}
		if t := src.ServiceAccountToken; t != nil {
			count++
			allErrs = append(allErrs, validateServiceAccountTokenProjection(t, srcPath.Child("serviceAccountToken"), fldPath, opts)...)
		}
		if b := src.ClusterTrustBundle; b != nil {
			count++
			allErrs = append(allErrs, validateClusterTrustBundleProjection(b, srcPath.Child("clusterTrustBundle"))...)
			allErrs = append(allErrs, claimPath(b.Path, b.Path)...)
		}
		if c := src.PodCertificate; c != nil {
			count++
			allErrs = append(allErrs, validatePodCertificateProjection(c, srcPath.Child("podCertificate"), claimPath)...)
		}
		// A source with nothing set is allowed; only a warning speaks of it.
		if count > 1 {
			allErrs = append(allErrs, field.Forbidden(srcPath, "may not specify more than 1 volume type per source"))
		}
	}
	return allErrs
}

// validateServiceAccountTokenProjection reports a bad token path on the volume's path, not the
// source's, and does not claim the path against the other sources: both as kube does.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateProjectionSources
func validateServiceAccountTokenProjection(token *corev1.ServiceAccountTokenProjection, fldPath, volPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	expPath := fldPath.Child("expirationSeconds")
	if exp := token.ExpirationSeconds; exp == nil {
		allErrs = append(allErrs, field.Required(expPath, ""))
	} else {
		if *exp < 10*60 {
			allErrs = append(allErrs, field.Invalid(expPath, *exp, "may not specify a duration less than 10 minutes"))
		}
		if *exp > 1<<32 {
			allErrs = append(allErrs, field.Invalid(expPath, *exp, "may not specify a duration larger than 2^32 seconds"))
		}
	}
	switch {
	case token.Path == "":
		allErrs = append(allErrs, field.Required(volPath.Child("path"), ""))
	case !opts.AllowNonLocalProjectedTokenPath:
		allErrs = append(allErrs, volumeFilePath(token.Path, volPath.Child("path"))...)
	}
	return append(allErrs, validateVolumeFileUser(token.User, fldPath.Child("user"))...)
}

// trustBundleValue renders a ClusterTrustBundle projection in an error as kube does, with the Go
// field names of its internal type.
type trustBundleValue struct {
	Name          *string
	SignerName    *string
	LabelSelector *metav1.LabelSelector
	Optional      *bool
	Path          string
	User          *int64
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateProjectionSources
func validateClusterTrustBundleProjection(b *corev1.ClusterTrustBundleProjection, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case b.Name != nil && b.SignerName != nil:
		bad := trustBundleValue{Name: b.Name, SignerName: b.SignerName, LabelSelector: b.LabelSelector, Optional: b.Optional, Path: b.Path, User: b.User}
		allErrs = append(allErrs, field.Invalid(fldPath, bad, "only one of name and signerName may be used"))
	case b.Name != nil:
		name := *b.Name
		if name == "" {
			allErrs = append(allErrs, field.Required(fldPath.Child("name"), "must be a valid object name"))
		}
		for _, msg := range clusterTrustBundleNameErrors(name) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("name"), name, "not a valid clustertrustbundlename: "+msg))
		}
		if b.LabelSelector != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("labelSelector"), b.LabelSelector, "labelSelector must be unset if name is specified"))
		}
	case b.SignerName != nil:
		if *b.SignerName == "" {
			allErrs = append(allErrs, field.Required(fldPath.Child("signerName"), "must be a valid signer name"))
		}
		allErrs = append(allErrs, validateSignerName(*b.SignerName, fldPath.Child("signerName"))...)
		allErrs = append(allErrs, metav1validation.ValidateLabelSelector(b.LabelSelector, metav1validation.LabelSelectorValidationOptions{}, fldPath.Child("labelSelector"))...)
	default:
		allErrs = append(allErrs, field.Required(fldPath, "either name or signerName must be specified"))
	}
	if b.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	allErrs = append(allErrs, validateVolumeFileUser(b.User, fldPath.Child("user"))...)
	return append(allErrs, volumeFilePath(b.Path, fldPath.Child("path"))...)
}

// clusterTrustBundleNameErrors checks a bundle name: a name with a colon belongs to the signer
// its prefix names (colons standing for slashes) and must carry that whole prefix; other names
// are plain object names.
func clusterTrustBundleNameErrors(name string) []string {
	cut := strings.LastIndex(name, ":")
	if cut == -1 {
		return apimachineryvalidation.NameIsDNSSubdomain(name, false)
	}
	signer := strings.ReplaceAll(name[:cut], ":", "/")
	prefix := strings.ReplaceAll(signer, "/", ":") + ":"
	if signer == "" {
		// A name whose only colon is its first character has no signer.
		return []string{"ClusterTrustBundle without signer name must not have \":\" in its name"}
	}
	if !strings.HasPrefix(name, prefix) {
		return []string{fmt.Sprintf("ClusterTrustBundle for signerName %s must be named with prefix %s", signer, prefix)}
	}
	return apimachineryvalidation.NameIsDNSSubdomain(strings.TrimPrefix(name, prefix), false)
}

// validateSignerName requires "<domain>/<path>": a domain of at least two DNS labels, a path of
// dot-separated DNS subdomains, at most 571 bytes in all. After the first bad label of a part
// the rest of that part is not checked.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/names.go ValidateSignerName
func validateSignerName(signerName string, fldPath *field.Path) field.ErrorList {
	if signerName == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	parts := strings.Split(signerName, "/")
	if len(parts) != 2 {
		return field.ErrorList{field.Invalid(fldPath, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")}
	}
	domain, signerPath := parts[0], parts[1]
	var allErrs field.ErrorList
	if len(domain) > utilvalidation.DNS1123SubdomainMaxLength {
		allErrs = append(allErrs, field.TooLong(fldPath, "", utilvalidation.DNS1123SubdomainMaxLength))
	}
	domainLabels := strings.Split(domain, ".")
	allErrs = append(allErrs, signerLabelErrors(domain, domainLabels, utilvalidation.IsDNS1123Label, fldPath)...)
	if len(domainLabels) < 2 {
		allErrs = append(allErrs, field.Invalid(fldPath, domain, "should be a domain with at least two segments separated by dots"))
	}
	allErrs = append(allErrs, signerLabelErrors(signerPath, strings.Split(signerPath, "."), utilvalidation.IsDNS1123Subdomain, fldPath)...)
	maxLen := utilvalidation.DNS1123SubdomainMaxLength + (utilvalidation.DNS1123SubdomainMaxLength + utilvalidation.DNS1123LabelMaxLength + 1) + 1
	if len(signerName) > maxLen {
		allErrs = append(allErrs, field.TooLong(fldPath, "", maxLen))
	}
	return allErrs
}

func signerLabelErrors(part string, labels []string, check func(string) []string, fldPath *field.Path) field.ErrorList {
	for _, l := range labels {
		if msgs := check(l); len(msgs) > 0 {
			var errs field.ErrorList
			for _, msg := range msgs {
				errs = append(errs, field.Invalid(fldPath, part, fmt.Sprintf("validating label %q: %s", l, msg)))
			}
			return errs
		}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/names.go IsKubernetesSignerName
func isKubernetesSignerName(signerName string) bool {
	host, _, _ := strings.Cut(signerName, "/")
	return host == "kubernetes.io" || strings.HasSuffix(host, ".kubernetes.io")
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateProjectionSources
func validatePodCertificateProjection(c *corev1.PodCertificateProjection, fldPath *field.Path, claimPath func(p, badValue string) field.ErrorList) field.ErrorList {
	allErrs := validateSignerName(c.SignerName, fldPath.Child("signerName"))
	if c.UserAnnotations != nil {
		allErrs = append(allErrs, validatePodCertificateUserAnnotations(c.UserAnnotations, fldPath.Child("userAnnotations"))...)
	}
	allErrs = append(allErrs, validateVolumeFileUser(c.User, fldPath.Child("user"))...)
	if !containsValue(podCertificateKeyTypes, c.KeyType) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("keyType"), c.KeyType, podCertificateKeyTypes))
	}
	if exp := c.MaxExpirationSeconds; exp != nil {
		expPath := fldPath.Child("maxExpirationSeconds")
		if *exp < podCertificateMinExpiration {
			allErrs = append(allErrs, field.Invalid(expPath, *exp, fmt.Sprintf("if provided, maxExpirationSeconds must be >= %d", podCertificateMinExpiration)))
		}
		limit := podCertificateMaxExpiration
		if isKubernetesSignerName(c.SignerName) {
			limit = podCertificateKubernetesMaxExpiration
		}
		if int(*exp) > limit {
			allErrs = append(allErrs, field.Invalid(expPath, *exp, fmt.Sprintf("if provided, maxExpirationSeconds must be <= %d", limit)))
		}
	}
	files := []struct {
		name, path string
	}{
		{"credentialBundlePath", c.CredentialBundlePath},
		{"keyPath", c.KeyPath},
		{"certificateChainPath", c.CertificateChainPath},
	}
	anyPath := false
	for _, f := range files {
		if f.path == "" {
			continue
		}
		anyPath = true
		allErrs = append(allErrs, volumeFilePath(f.path, fldPath.Child(f.name))...)
		allErrs = append(allErrs, claimPath(f.path, f.path)...)
	}
	if !anyPath {
		allErrs = append(allErrs, field.Required(fldPath, "specify at least one of credentialBundlePath, keyPath, and certificateChainPath"))
	}
	return allErrs
}

// validatePodCertificateUserAnnotations requires domain-prefixed keys (in any case) and bounds
// the annotations' total size like an object's.
func validatePodCertificateUserAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, k := range sets.List(sets.KeySet(annotations)) {
		allErrs = append(allErrs, utilvalidation.IsDomainPrefixedKey(fldPath, strings.ToLower(k))...)
	}
	if err := apimachineryvalidation.ValidateAnnotationsSize(annotations); err != nil {
		allErrs = append(allErrs, field.TooLong(fldPath, "", apimachineryvalidation.TotalAnnotationSizeLimitB))
	}
	return allErrs
}

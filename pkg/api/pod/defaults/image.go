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

package defaults

import (
	"regexp"
	"strings"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/util/parsers/parsers.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The grammar of a container image reference, as container runtimes and kube's image name parser
// accept it: [domain[:port]/]path[:tag][@algorithm:hex].
const (
	pathPart     = `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
	repoPath     = pathPart + `(?:/` + pathPart + `)*`
	domainLabel  = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	hostPattern  = `(?:` + domainLabel + `(?:\.` + domainLabel + `)*|\[(?:[a-fA-F0-9:]+)\])`
	hostAndPort  = hostPattern + `(?::[0-9]+)?`
	tagPattern   = `[\w][\w.-]{0,127}`
	digestFormat = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
)

var (
	fullReference = regexp.MustCompile(`^((?:` + hostAndPort + `/)?` + repoPath + `)(?::(` + tagPattern + `))?(?:@(` + digestFormat + `))?$`)
	splitName     = regexp.MustCompile(`^(?:(` + hostAndPort + `)/)?(` + repoPath + `)$`)
	bareImageID   = regexp.MustCompile(`^[a-f0-9]{64}$`)
	// Runtimes only know these digest algorithms; a digest of any other kind makes the whole
	// reference unusable.
	digestHexLength = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}
	lowerHex        = regexp.MustCompile(`^[a-f0-9]+$`)
)

const maxRepositoryPathLength = 255

// imageTag returns the tag an image reference pulls: its explicit tag, "latest" when it names
// neither tag nor digest, and "" when it pins only a digest. ok is false when the reference does
// not parse; defaulting then treats it as having no tag, and validation or the runtime reports it.
// k8s.io/kubernetes@v1.37.2 pkg/util/parsers/parsers.go ParseImageName
func imageTag(image string) (tag string, ok bool) {
	if bareImageID.MatchString(image) {
		return "", false
	}
	domain, rest := splitDomain(image)
	repo := rest
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		repo = rest[:i]
	}
	if strings.ToLower(repo) != repo {
		return "", false
	}
	m := fullReference.FindStringSubmatch(domain + "/" + rest)
	if m == nil {
		return "", false
	}
	path := m[1]
	if parts := splitName.FindStringSubmatch(m[1]); parts != nil {
		path = parts[2]
	}
	if len(path) > maxRepositoryPathLength {
		return "", false
	}
	tag, digest := m[2], m[3]
	if digest != "" {
		algorithm, hex, _ := strings.Cut(digest, ":")
		if n, known := digestHexLength[algorithm]; !known || len(hex) != n || !lowerHex.MatchString(hex) {
			return "", false
		}
	}
	if tag == "" && digest == "" {
		return "latest", true
	}
	return tag, true
}

// splitDomain separates the registry from the repository the way Docker's short names work: a
// first segment is a registry only if it looks like a host (has a dot or port, is localhost, or
// has capitals); otherwise the image lives on docker.io, under library/ when it has one segment.
func splitDomain(image string) (domain, rest string) {
	first, remainder, found := strings.Cut(image, "/")
	switch {
	case !found:
		return "docker.io", "library/" + image
	case first == "index.docker.io":
		// The legacy name of Docker Hub, which also looks like a host.
		domain, rest = "docker.io", remainder
	case first == "localhost", strings.ContainsAny(first, ".:"), strings.ToLower(first) != first:
		domain, rest = first, remainder
	default:
		domain, rest = "docker.io", image
	}
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	return domain, rest
}

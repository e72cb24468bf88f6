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
	"strings"
	"testing"
)

// The expectations were checked against github.com/distribution/reference, the parser kube uses.
func TestImageTag(t *testing.T) {
	hex64 := strings.Repeat("0123456789abcdef", 4)
	cases := []struct {
		image string
		tag   string
		ok    bool
	}{
		{"busybox", "latest", true},
		{"busybox:1.36", "1.36", true},
		{"busybox:latest", "latest", true},
		{"busybox@sha256:" + hex64, "", true},
		{"a:b@sha256:" + hex64, "b", true},
		{"x@sha512:" + hex64 + hex64, "", true},
		{"Registry.Example.com/x/y", "latest", true},
		{"UPPER/x", "latest", true},
		{"UPPER:5/x", "latest", true},
		{"localhost:5000/x", "latest", true},
		{"localhost/x", "latest", true},
		{"index.docker.io/busybox", "latest", true},
		{"[::1]:5000/x:v", "v", true},
		{"example.com:80/x:LATEST", "LATEST", true},
		{"x:Latest", "Latest", true},
		{"my_image", "latest", true},
		{"a__b", "latest", true},
		{"a--b", "latest", true},
		{"a.b/c:" + strings.Repeat("t", 128), strings.Repeat("t", 128), true},
		{strings.Repeat("b", 247), "latest", true},

		{"", "", false},
		{"Busybox", "", false},
		{"docker.io/UPPER/x", "", false},
		{hex64, "", false},
		{"x@sha256:abc", "", false},
		{"x@md5:" + hex64[:32], "", false},
		{"x@sha256:" + strings.ToUpper(hex64), "", false},
		{"x@sha384:" + hex64, "", false},
		{"x@sha256:" + hex64 + "00", "", false},
		{"x:", "", false},
		{"x:tag with space", "", false},
		{" busybox", "", false},
		{"busybox ", "", false},
		{"a___b", "", false},
		{"-a", "", false},
		{"example.com:port/x", "", false},
		{"sub.domain-.com/x", "", false},
		{"a.b/c:" + strings.Repeat("t", 129), "", false},
		// library/ counts towards the 255 characters of the repository path.
		{strings.Repeat("b", 248), "", false},
		{"a/" + strings.Repeat("b", 254), "", false},
	}
	for _, tc := range cases {
		tag, ok := imageTag(tc.image)
		if tag != tc.tag || ok != tc.ok {
			t.Errorf("imageTag(%q) = %q, %v; want %q, %v", tc.image, tag, ok, tc.tag, tc.ok)
		}
	}
}

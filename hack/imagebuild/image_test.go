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

package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

const ref = "localhost/pod-apiserver:dev"

// buildServer compiles the real server the way hack/build-images.sh does.
func buildServer(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "pod-apiserver")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, "./cmd/pod-apiserver")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

func spec(binary string) Spec {
	return Spec{
		Binary:       binary,
		Name:         "pod-apiserver",
		Ref:          ref,
		Version:      "v1.37.2+pod-apiserver",
		Source:       "https://github.com/pod-apiserver/pod-apiserver",
		Licenses:     "Apache-2.0",
		Arch:         "amd64",
		WorkingDir:   "var/lib/pod-apiserver",
		ExposedPorts: []string{"6443/tcp"},
		Created:      time.Unix(0, 0).UTC(),
	}
}

func pack(t *testing.T, s Spec) (digest string, archive []byte) {
	t.Helper()
	img, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "image.tar")
	digest, err = WriteArchive(out, s.Ref, img)
	if err != nil {
		t.Fatal(err)
	}
	archive, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return digest, archive
}

// Two builds of the same source, each compiling the server afresh, give the same image digest and
// byte-identical archives.
func TestSameSourceGivesSameDigest(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the server twice")
	}
	first, second := buildServer(t), buildServer(t)
	d1, a1 := pack(t, spec(first))
	d2, a2 := pack(t, spec(second))
	if d1 != d2 {
		t.Errorf("digests differ: %s and %s", d1, d2)
	}
	if sha256.Sum256(a1) != sha256.Sum256(a2) {
		t.Errorf("archives differ")
	}
	t.Logf("digest %s, archive %.1f MiB", d1, float64(len(a1))/(1<<20))

	// The digest covers the binary: a different one must change it.
	other := spec(first)
	other.Binary = os.Args[0]
	if d3, _ := pack(t, other); d3 == d1 {
		t.Errorf("a different binary gave the same digest %s", d3)
	}
	// And the labels.
	other = spec(first)
	other.Version = "v0.0.1"
	if d4, _ := pack(t, other); d4 == d1 {
		t.Errorf("a different version label gave the same digest %s", d4)
	}
}

// The archive read back holds the tag, the config (user, entrypoint, labels, fixed times) and one
// layer with the binary, owned by root and executable, and the nonroot user's working directory.
func TestArchiveContents(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "pod-apiserver")
	content := []byte("#!not really a binary\n")
	if err := os.WriteFile(binary, content, 0o755); err != nil {
		t.Fatal(err)
	}
	digest, archive := pack(t, spec(binary))
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(path, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatalf("reading the archive back as %s: %v", ref, err)
	}
	if d, err := img.Digest(); err != nil || d.String() != digest {
		t.Errorf("digest read back = %v (%v), written %s", d, err, digest)
	}
	manifest, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 || len(manifest[0].RepoTags) != 1 || manifest[0].RepoTags[0] != ref {
		t.Errorf("manifest.json RepoTags = %+v, want exactly [%s]", manifest, ref)
	}

	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("platform = %s/%s", cf.OS, cf.Architecture)
	}
	if !cf.Created.Time.Equal(time.Unix(0, 0)) {
		t.Errorf("created = %v, want the fixed epoch", cf.Created)
	}
	c := cf.Config
	if c.User != "65532:65532" {
		t.Errorf("user = %q", c.User)
	}
	if strings.Join(c.Entrypoint, " ") != "/usr/local/bin/pod-apiserver" || len(c.Cmd) != 0 {
		t.Errorf("entrypoint = %q, cmd = %q", c.Entrypoint, c.Cmd)
	}
	if c.WorkingDir != "/var/lib/pod-apiserver" {
		t.Errorf("workdir = %q", c.WorkingDir)
	}
	if _, ok := c.ExposedPorts["6443/tcp"]; !ok {
		t.Errorf("exposed ports = %v", c.ExposedPorts)
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.title":    "pod-apiserver",
		"org.opencontainers.image.version":  "v1.37.2+pod-apiserver",
		"org.opencontainers.image.source":   "https://github.com/pod-apiserver/pod-apiserver",
		"org.opencontainers.image.licenses": "Apache-2.0",
	} {
		if got := c.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d (%v), want exactly one", len(layers), err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	seen := map[string]*tar.Header{}
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[h.Name] = h
		files[h.Name], _ = io.ReadAll(tr)
		if !h.ModTime.Equal(time.Unix(0, 0)) {
			t.Errorf("%s: mtime %v, want the fixed epoch", h.Name, h.ModTime)
		}
	}
	bin := seen["usr/local/bin/pod-apiserver"]
	if bin == nil || bin.Mode&0o777 != 0o755 || bin.Uid != 0 || !bytes.Equal(files[bin.Name], content) {
		t.Errorf("binary entry = %+v", bin)
	}
	if wd := seen["var/lib/pod-apiserver"]; wd == nil || wd.Uid != 65532 || wd.Gid != 65532 || wd.Mode&0o777 != 0o700 {
		t.Errorf("working directory entry = %+v, want 0700 owned by 65532", wd)
	}
	if lib := seen["var/lib"]; lib == nil || lib.Uid != 0 {
		t.Errorf("var/lib entry = %+v, want root-owned", lib)
	}
	if !strings.Contains(string(files["etc/passwd"]), "nonroot:x:65532:65532:") {
		t.Errorf("etc/passwd = %q", files["etc/passwd"])
	}
	for n := range seen {
		if strings.HasPrefix(n, "tmp") || strings.HasPrefix(n, "bin/") {
			t.Errorf("unexpected entry %s", n)
		}
	}
}

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
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The distroless "nonroot" identity: a fixed, unprivileged UID that Pod Security "restricted"
// accepts (runAsNonRoot can check a numeric user) and that owns nothing else on a node.
const (
	nonrootUID = 65532
	nonrootGID = 65532
	user       = "65532:65532"
	binDir     = "usr/local/bin"
)

// Spec describes one single-binary image.
type Spec struct {
	Binary       string
	Name         string
	Ref          string
	Title        string
	Version      string
	Source       string
	Licenses     string
	Arch         string
	WorkingDir   string
	ExposedPorts []string
	Labels       map[string]string
	Created      time.Time
}

// Build assembles the image: no base, one layer with the binary plus /etc/passwd and /etc/group
// naming the nonroot user (so tools that resolve names do not fail), the entrypoint, the user and
// the OCI labels.
func Build(s Spec) (v1.Image, error) {
	if s.Name == "" {
		s.Name = filepath.Base(s.Binary)
	}
	if s.Title == "" {
		s.Title = s.Name
	}
	binary, err := os.ReadFile(s.Binary)
	if err != nil {
		return nil, err
	}
	layerTar, err := layerTarball(s, binary)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: s.Created}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   created,
			CreatedBy: "imagebuild " + path.Join("/", binDir, s.Name),
			Comment:   "static binary",
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = s.Arch
	cf.Created = created
	cf.Author = ""
	labels := map[string]string{
		"org.opencontainers.image.title":    s.Title,
		"org.opencontainers.image.version":  s.Version,
		"org.opencontainers.image.source":   s.Source,
		"org.opencontainers.image.licenses": s.Licenses,
		"org.opencontainers.image.created":  s.Created.Format(time.RFC3339),
	}
	for k, v := range s.Labels {
		labels[k] = v
	}
	for k, v := range labels {
		if v == "" {
			delete(labels, k)
		}
	}
	cf.Config = v1.Config{
		Entrypoint: []string{path.Join("/", binDir, s.Name)},
		User:       user,
		Env:        []string{"PATH=/" + binDir},
		Labels:     labels,
	}
	if s.WorkingDir != "" {
		cf.Config.WorkingDir = path.Join("/", s.WorkingDir)
	}
	if len(s.ExposedPorts) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range s.ExposedPorts {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	return mutate.ConfigFile(img, cf)
}

// layerTarball writes the layer's entries in a fixed order with fixed owners, modes and times,
// so the layer's digest depends only on the binary and the spec.
func layerTarball(s Spec, binary []byte) ([]byte, error) {
	type entry struct {
		hdr  tar.Header
		data []byte
	}
	dir := func(name string, mode int64, uid, gid int) entry {
		return entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: gid}}
	}
	file := func(name string, mode int64, data []byte) entry {
		return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))}, data: data}
	}
	entries := []entry{
		dir("etc", 0o755, 0, 0),
		file("etc/passwd", 0o644, []byte(fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", nonrootUID, nonrootGID))),
		file("etc/group", 0o644, []byte(fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", nonrootGID))),
		dir("usr", 0o755, 0, 0),
		dir("usr/local", 0o755, 0, 0),
		dir(binDir, 0o755, 0, 0),
		file(path.Join(binDir, s.Name), 0o755, binary),
	}
	if s.WorkingDir != "" {
		// Only the working directory itself belongs to the user: with a writable root (plain
		// docker run) the server can keep its data there; under a read-only root a volume is
		// mounted over it.
		parts := []string{}
		for p := path.Clean(s.WorkingDir); p != "." && p != "/"; p = path.Dir(p) {
			parts = append(parts, p)
		}
		sort.Strings(parts)
		for i, p := range parts {
			p = path.Clean("/" + p)[1:]
			if i == len(parts)-1 {
				entries = append(entries, dir(p, 0o700, nonrootUID, nonrootGID))
			} else {
				entries = append(entries, dir(p, 0o755, 0, 0))
			}
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].hdr.Name < entries[j].hdr.Name })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.hdr.Name] {
			continue
		}
		seen[e.hdr.Name] = true
		e.hdr.ModTime = s.Created
		e.hdr.Format = tar.FormatPAX
		if e.hdr.Uid == 0 {
			e.hdr.Uname, e.hdr.Gname = "root", "root"
		} else {
			e.hdr.Uname, e.hdr.Gname = "nonroot", "nonroot"
		}
		if err := tw.WriteHeader(&e.hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteArchive writes img as a docker-archive tarball tagged ref (what `docker load` and
// `kind load image-archive` read) and returns the image's manifest digest.
func WriteArchive(out, ref string, img v1.Image) (string, error) {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	// Written beside the target and renamed, so an interrupted build never leaves a truncated
	// archive that docker load would half-read.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := tarball.Write(tag, img, tmp); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", err
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

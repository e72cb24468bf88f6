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

// Command imagebuild packs one static binary into a single-layer container image and writes it as
// a docker-archive tarball, with no daemon, no registry and no base image. The same binary and
// flags always give the same image digest: every timestamp is fixed and the layer is built in a
// fixed order, so rebuilding from the same source can be checked against a published digest.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var spec Spec
	var labels, ports stringList
	var epoch int64
	var digestFile string
	flag.StringVar(&spec.Binary, "binary", "", "Path of the static binary to pack.")
	flag.StringVar(&spec.Name, "name", "", "Name of the binary inside the image (/usr/local/bin/NAME); defaults to the file's name.")
	flag.StringVar(&spec.Ref, "ref", "", "Image reference written into the archive, e.g. localhost/pod-apiserver:dev.")
	flag.StringVar(&spec.Title, "title", "", "org.opencontainers.image.title; defaults to the binary's name.")
	flag.StringVar(&spec.Version, "version", "", "org.opencontainers.image.version.")
	flag.StringVar(&spec.Source, "source", "", "org.opencontainers.image.source.")
	flag.StringVar(&spec.Licenses, "licenses", "Apache-2.0", "org.opencontainers.image.licenses (SPDX expression).")
	flag.StringVar(&spec.Arch, "arch", envOr("GOARCH", runtime.GOARCH), "Architecture the binary was built for.")
	flag.StringVar(&spec.WorkingDir, "workdir", "", "Working directory, created owned by the image's user; empty for /.")
	flag.Var(&labels, "label", "Extra label KEY=VALUE (repeatable).")
	flag.Var(&ports, "expose", "Exposed port such as 6443/tcp (repeatable).")
	flag.Int64Var(&epoch, "source-date-epoch", envInt("SOURCE_DATE_EPOCH", 0), "Seconds since 1970 used for every timestamp in the image.")
	out := flag.String("out", "", "Where to write the docker-archive tarball.")
	flag.StringVar(&digestFile, "digest-file", "", "If set, the image digest (sha256:...) is also written here.")
	flag.Parse()

	spec.Created = time.Unix(epoch, 0).UTC()
	spec.ExposedPorts = ports
	spec.Labels = map[string]string{}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			fail(fmt.Errorf("--label %q: want KEY=VALUE", l))
		}
		spec.Labels[k] = v
	}
	if *out == "" || spec.Ref == "" || spec.Binary == "" {
		fail(fmt.Errorf("--binary, --ref and --out are required"))
	}
	img, err := Build(spec)
	if err != nil {
		fail(err)
	}
	digest, err := WriteArchive(*out, spec.Ref, img)
	if err != nil {
		fail(err)
	}
	if digestFile != "" {
		if err := os.WriteFile(digestFile, []byte(digest+"\n"), 0o644); err != nil {
			fail(err)
		}
	}
	fi, err := os.Stat(*out)
	if err != nil {
		fail(err)
	}
	fmt.Printf("%s %s %s (%.1f MiB)\n", spec.Ref, digest, *out, float64(fi.Size())/(1<<20))
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def int64) int64 {
	var n int64
	if _, err := fmt.Sscan(os.Getenv(key), &n); err != nil {
		return def
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "imagebuild:", err)
	os.Exit(1)
}

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

package integration

import (
	"context"
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/fixtures"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

var fixtureFilter = flag.String("fixtures.run", "", "play only the fixture cases whose name matches this regular expression")

// TestPodFixtures plays every recorded case against pod-apiserver and holds each answer to what
// kube-apiserver answered: code, warnings, and the whole body (object or Status with its causes).
func TestPodFixtures(t *testing.T) {
	t.Parallel()
	casesDir := filepath.Join("..", "fixtures", "pods", "cases")
	goldenDir := filepath.Join("..", "fixtures", "pods", "golden")
	cases, err := fixtures.LoadCases(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	filter := regexp.MustCompile(*fixtureFilter)

	ts := framework.Start(t)
	ts.CreateNamespaces(t, fixtures.Namespace)
	server, err := fixtures.NewServer(ts.ClientConfig, fixtures.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	passed, played := 0, 0
	for _, c := range cases {
		if !filter.MatchString(c.Name) {
			continue
		}
		played++
		ok := t.Run(c.Family+"/"+c.Name, func(t *testing.T) {
			want, err := fixtures.ReadGolden(goldenDir, c.Name)
			if err != nil {
				t.Fatalf("no recorded answers (record them, see test/fixtures/README.md): %v", err)
			}
			got := server.Play(ctx, c)
			if err := server.Cleanup(ctx, got.PodName); err != nil {
				t.Errorf("cleanup: %v", err)
			}
			if diff := fixtures.Diff(want, got); len(diff) > 0 {
				t.Errorf("%s: answers differ from kube-apiserver's:\n  %s", c.Doc, strings.Join(diff, "\n  "))
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("%d of %d fixture cases pass", passed, played)
}

// TestNamespaceFixtures plays the namespace cases as TestPodFixtures plays the pod cases. The
// reference ran no namespace controller, and the cases play its requests themselves, so ours is
// off here.
func TestNamespaceFixtures(t *testing.T) {
	casesDir := filepath.Join("..", "fixtures", "namespaces", "cases")
	goldenDir := filepath.Join("..", "fixtures", "namespaces", "golden")
	cases, err := fixtures.LoadNamespaceCases(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	filter := regexp.MustCompile(*fixtureFilter)
	ts := framework.Start(t, func(o *server.Options) { o.NamespaceController = false })
	player, err := fixtures.NewServer(ts.ClientConfig, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	passed, played := 0, 0
	for _, c := range cases {
		if !filter.MatchString(c.Name) {
			continue
		}
		played++
		ok := t.Run(c.Family+"/"+c.Name, func(t *testing.T) {
			want, err := fixtures.ReadGolden(goldenDir, c.Name)
			if err != nil {
				t.Fatalf("no recorded answers (record them, see test/fixtures/README.md): %v", err)
			}
			got := player.PlayNamespace(ctx, c)
			if err := player.CleanupNamespace(ctx, got.PodName); err != nil {
				t.Errorf("cleanup: %v", err)
			}
			if diff := fixtures.Diff(want, got); len(diff) > 0 {
				t.Errorf("%s: answers differ from kube-apiserver's:\n  %s", c.Doc, strings.Join(diff, "\n  "))
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("%d of %d namespace fixture cases pass", passed, played)
}

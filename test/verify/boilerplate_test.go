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

// Package verify tests the repository checks that `make verify` runs.
package verify

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBoilerplateCheck runs hack/verify-boilerplate.sh on a scratch repository: it passes with
// the header of hack/boilerplate.go.txt and fails, naming the file, on a Go file without it,
// tracked or not.
func TestBoilerplateCheck(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the check lists files with git, which is not installed")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	header, err := os.ReadFile(filepath.Join(root, "hack", "boilerplate.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "hack", "verify-boilerplate.sh"))
	if err != nil {
		t.Fatal(err)
	}

	repo := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hack/verify-boilerplate.sh", string(script))
	write("pkg/good/good.go", string(header)+"\npackage good\n")
	write("pkg/tagged/tagged.go", "//go:build linux\n\n"+string(header)+"\npackage tagged\n")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("git", "init", "-q"); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	if out, err := run("git", "add", "."); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	if out, err := run("bash", "hack/verify-boilerplate.sh"); err != nil {
		t.Fatalf("the check failed on files with the header: %v\n%s", err, out)
	}

	write("pkg/bare/bare.go", "package bare\n")
	out, err := run("bash", "hack/verify-boilerplate.sh")
	if err == nil || !strings.Contains(out, "pkg/bare/bare.go") {
		t.Fatalf("an untracked file without the header: err %v, output %q; want a failure naming it", err, out)
	}
	if out, err := run("git", "add", "."); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	out, err = run("bash", "hack/verify-boilerplate.sh")
	if err == nil || !strings.Contains(out, "pkg/bare/bare.go") || strings.Contains(out, "good.go") {
		t.Fatalf("a tracked file without the header: err %v, output %q; want a failure naming only it", err, out)
	}

	// The short header the project once used is not enough.
	write("pkg/bare/bare.go", "/*\nCopyright The pod-apiserver Authors.\n\nLicensed under the Apache License, Version 2.0.\n*/\n\npackage bare\n")
	if out, err := run("bash", "hack/verify-boilerplate.sh"); err == nil {
		t.Fatalf("a file with a truncated header passed the check:\n%s", out)
	}
}

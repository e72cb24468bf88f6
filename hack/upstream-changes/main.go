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

// Command upstream-changes lists the upstream Kubernetes functions this repository's port follows
// that changed between two Kubernetes releases. The port names each upstream function it follows
// in a comment of the form
//
//	// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodSpec
//
// (or k8s.io/apiserver@v0.37.2 ... for code of a staging module). The command collects those
// comments, downloads both releases of each module through the Go module proxy (go mod download;
// nothing is built), finds each function, method (Recv.Name), var, const or type in both, and
// compares their source with comments and formatting left out.
//
//	go run ./hack/upstream-changes -from v1.36.3 -to v1.37.2
//
// See docs/upgrading.md for the procedure around it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// reference is one upstream symbol and the places in this repository that follow it.
type reference struct {
	module, path, symbol string
	ours                 []string
}

var provenance = regexp.MustCompile(`^\s*//\s*(k8s\.io/[\w.-]+)@v[\w.-]+\s+(\S+\.go)\s+([\w.]+)\s*$`)

func main() {
	from := flag.String("from", "", "the Kubernetes release the port follows now, e.g. v1.36.3")
	to := flag.String("to", "", "the Kubernetes release to compare with, e.g. v1.37.2")
	root := flag.String("root", ".", "the repository to collect references from")
	all := flag.Bool("all", false, "also list the unchanged references")
	flag.Parse()
	if *from == "" || *to == "" {
		fmt.Fprintln(os.Stderr, "usage: upstream-changes -from vX.Y.Z -to vX.Y.Z [-root DIR] [-all]")
		os.Exit(2)
	}
	refs, err := collect(*root)
	if err != nil {
		fail(err)
	}
	dirs := map[string]string{}
	moduleDir := func(module, tag string) string {
		v := moduleVersion(module, tag)
		key := module + "@" + v
		if d, ok := dirs[key]; ok {
			return d
		}
		d, err := download(module, v)
		if err != nil {
			fail(err)
		}
		dirs[key] = d
		return d
	}

	counts := map[string]int{}
	for _, r := range refs {
		oldSrc, oldErr := symbolSource(filepath.Join(moduleDir(r.module, *from), r.path), r.symbol)
		newSrc, newErr := symbolSource(filepath.Join(moduleDir(r.module, *to), r.path), r.symbol)
		var status string
		switch {
		case oldErr != nil && newErr != nil:
			status = "missing in both (" + newErr.Error() + ")"
		case oldErr != nil:
			status = "new in " + *to
		case newErr != nil:
			status = "gone in " + *to + " (" + newErr.Error() + ")"
		case oldSrc != newSrc:
			status = fmt.Sprintf("changed (%+d lines)", strings.Count(newSrc, "\n")-strings.Count(oldSrc, "\n"))
		default:
			status = "unchanged"
		}
		counts[strings.SplitN(status, " ", 2)[0]]++
		if status == "unchanged" && !*all {
			continue
		}
		fmt.Printf("%-22s %s %s %s\n", status, r.module, r.path, r.symbol)
		for _, o := range r.ours {
			fmt.Printf("%22s   ported at %s\n", "", o)
		}
	}
	fmt.Printf("\n%d upstream references, %s..%s: %d changed, %d new, %d gone, %d missing, %d unchanged\n",
		len(refs), *from, *to, counts["changed"], counts["new"], counts["gone"], counts["missing"], counts["unchanged"])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "upstream-changes:", err)
	os.Exit(1)
}

// collect reads the provenance comments of every Go file under root.
func collect(root string) ([]*reference, error) {
	byKey := map[string]*reference{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := provenance.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			key := m[1] + " " + m[2] + " " + m[3]
			r := byKey[key]
			if r == nil {
				r = &reference{module: m[1], path: m[2], symbol: m[3]}
				byKey[key] = r
			}
			r.ours = append(r.ours, fmt.Sprintf("%s:%d", filepath.ToSlash(path), i+2))
		}
		return nil
	})
	refs := make([]*reference, 0, len(byKey))
	for _, r := range byKey {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		a, b := refs[i], refs[j]
		if a.module+a.path != b.module+b.path {
			return a.module+a.path < b.module+b.path
		}
		return a.symbol < b.symbol
	})
	return refs, err
}

// moduleVersion maps a Kubernetes release to the version of module: the staging modules
// (k8s.io/apiserver, ...) are released as v0.Y.Z beside Kubernetes v1.Y.Z.
func moduleVersion(module, tag string) string {
	if module == "k8s.io/kubernetes" {
		return tag
	}
	return "v0." + strings.TrimPrefix(tag, "v1.")
}

// download fetches module@version into the module cache and returns its directory.
func download(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	// Outside any module, so that this repository's go.mod and go.sum stay untouched.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &info); jsonErr == nil && info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v: %s", module, version, err, stderr.String())
	}
	return info.Dir, nil
}

// symbolSource returns the source of symbol (Name or Recv.Name) in file, comments left out.
func symbolSource(file, symbol string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		if os.IsNotExist(err) {
			return "", fmt.Errorf("no file")
		}
		return "", err
	}
	recv, name, isMethod := strings.Cut(symbol, ".")
	if !isMethod {
		name, recv = recv, ""
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == name && receiverName(d) == recv {
				return render(fset, d)
			}
		case *ast.GenDecl:
			if recv != "" {
				continue
			}
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.Name == name {
						return render(fset, s)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.Name == name {
							return render(fset, s)
						}
					}
				}
			}
		}
	}
	return "", fmt.Errorf("no %s", symbol)
}

func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func render(fset *token.FileSet, node ast.Node) (string, error) {
	var buf bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces, Tabwidth: 8}).Fprint(&buf, fset, node); err != nil {
		return "", err
	}
	return buf.String(), nil
}

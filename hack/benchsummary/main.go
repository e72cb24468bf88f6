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

// Command benchsummary prints the results of hack/bench.sh side by side, with pod-apiserver's
// figures as ratios of kube-apiserver's from the same run.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

type phase struct {
	Phase     string  `json:"phase"`
	Ops       int     `json:"ops"`
	Errors    int     `json:"errors"`
	PerSecond float64 `json:"perSecond"`
	P50ms     float64 `json:"p50ms"`
	P99ms     float64 `json:"p99ms"`
}

type run struct {
	Phases []phase `json:"phases"`
}

type memory struct {
	RSSBytes       int64 `json:"rssBytes"`
	HeapInuseBytes int64 `json:"heapInuseBytes"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchsummary <bench output folder>")
		os.Exit(2)
	}
	dir := os.Args[1]
	ours, okOurs := readRun(dir, "pod-apiserver")
	kube, okKube := readRun(dir, "kube-apiserver")
	embedded, _ := readRun(dir, "pod-apiserver-embedded-etcd")
	etcd, _ := readRun(dir, "etcd")
	if !okOurs {
		fmt.Fprintln(os.Stderr, "no pod-apiserver results in", dir)
		os.Exit(1)
	}
	if p, ok := etcd["etcd-create"]; ok {
		fmt.Printf("etcd alone: %.0f create transactions/s (p50 %.2f ms)\n\n", p.PerSecond, p.P50ms)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\tpod-apiserver ops/s\tp50 ms\tp99 ms\tkube-apiserver ops/s\tp50 ms\tp99 ms\tops/s ratio\tp50 ratio\tp99 ratio\tembedded etcd ops/s\tp50 ms")
	for _, name := range order(dir) {
		o := ours[name]
		line := fmt.Sprintf("%s\t%.1f\t%.2f\t%.2f", name, o.PerSecond, o.P50ms, o.P99ms)
		if k, ok := kube[name]; ok && okKube {
			line += fmt.Sprintf("\t%.1f\t%.2f\t%.2f\t%s\t%s\t%s", k.PerSecond, k.P50ms, k.P99ms,
				ratio(o.PerSecond, k.PerSecond), ratio(o.P50ms, k.P50ms), ratio(o.P99ms, k.P99ms))
		} else {
			line += "\t\t\t\t\t\t"
		}
		if e, ok := embedded[name]; ok {
			line += fmt.Sprintf("\t%.1f\t%.2f", e.PerSecond, e.P50ms)
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Println()
	printMemory(dir)
}

func order(dir string) []string {
	var r run
	_ = readJSON(filepath.Join(dir, "pod-apiserver.json"), &r)
	var names []string
	for _, p := range r.Phases {
		names = append(names, p.Phase)
	}
	return names
}

func readRun(dir, label string) (map[string]phase, bool) {
	var r run
	if err := readJSON(filepath.Join(dir, label+".json"), &r); err != nil {
		return nil, false
	}
	phases := map[string]phase{}
	for _, p := range r.Phases {
		phases[p.Phase] = p
	}
	return phases, true
}

func readJSON(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

func ratio(ours, theirs float64) string {
	if theirs == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", ours/theirs)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// printMemory prints each server's memory at each moment measured, with pod-apiserver's RSS as a
// ratio of kube-apiserver's.
func printMemory(dir string) {
	kinds := []string{"pod-apiserver", "kube-apiserver", "pod-apiserver-embedded-etcd"}
	moments := []string{"idle", "after-load"}
	if held, _ := filepath.Glob(filepath.Join(dir, "memory-pod-apiserver-holding-*.json")); len(held) == 1 {
		moments = append(moments, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(held[0]), "memory-pod-apiserver-"), ".json"))
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "memory\tserver\tRSS MiB\tGo heap in use MiB\tRSS ratio to kube-apiserver")
	for _, moment := range moments {
		var kube memory
		haveKube := readJSON(filepath.Join(dir, "memory-kube-apiserver-"+moment+".json"), &kube) == nil
		for _, kind := range kinds {
			var mem memory
			if readJSON(filepath.Join(dir, "memory-"+kind+"-"+moment+".json"), &mem) != nil {
				continue
			}
			r := "-"
			if haveKube && kind != "kube-apiserver" {
				r = ratio(float64(mem.RSSBytes), float64(kube.RSSBytes))
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\n", moment, kind, mib(mem.RSSBytes), mib(mem.HeapInuseBytes), r)
		}
	}
	tw.Flush()
}

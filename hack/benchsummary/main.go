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

// Command benchsummary prints the results of hack/bench.sh side by side: for each phase the
// median over the repetitions of each server's throughput, latency and server CPU per
// operation, pod-apiserver's figures as ratios of kube-apiserver's (the median of the ratios of
// each alternated pair, with their range), and how far the repetitions spread.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

type phase struct {
	Phase            string  `json:"phase"`
	Ops              int     `json:"ops"`
	Errors           int     `json:"errors"`
	PerSecond        float64 `json:"perSecond"`
	P50ms            float64 `json:"p50ms"`
	P99ms            float64 `json:"p99ms"`
	ServerCPUMsPerOp float64 `json:"serverCPUMsPerOp"`
}

type run struct {
	Phases []phase `json:"phases"`
}

type memory struct {
	RSSBytes       int64 `json:"rssBytes"`
	HeapInuseBytes int64 `json:"heapInuseBytes"`
}

const (
	ours     = "pod-apiserver"
	kube     = "kube-apiserver"
	embedded = "pod-apiserver-embedded-etcd"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchsummary <bench output folder>")
		os.Exit(2)
	}
	dir := os.Args[1]
	oursRuns, kubeRuns, embeddedRuns := readRuns(dir, ours), readRuns(dir, kube), readRuns(dir, embedded)
	if len(oursRuns) == 0 {
		fmt.Fprintln(os.Stderr, "no pod-apiserver results in", dir)
		os.Exit(1)
	}
	if etcd, err := readRun(filepath.Join(dir, "etcd.json")); err == nil {
		if p, ok := etcd["etcd-create"]; ok {
			fmt.Printf("etcd alone: %.0f create transactions/s (p50 %.2f ms)\n\n", p.PerSecond, p.P50ms)
		}
	}
	fmt.Printf("%d repetition(s) of pod-apiserver, %d of kube-apiserver, alternated; figures are medians over them,\n", len(oursRuns), len(kubeRuns))
	fmt.Println("ratios the median of each pair's ratio [lowest-highest], spread the highest over the lowest repetition less one.")
	fmt.Println()

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\tpod-apiserver ops/s\tp50 ms\tp99 ms\tCPU ms/op\tkube-apiserver ops/s\tp50 ms\tp99 ms\tCPU ms/op\tCPU/op ratio\tops/s ratio\tp50 ratio\tp99 ratio\tspread ops/s (ours, kube)\tspread CPU/op (ours, kube)")
	for _, name := range order(oursRuns) {
		o := summarize(oursRuns, name)
		line := fmt.Sprintf("%s\t%.1f\t%.2f\t%.2f\t%.3f", name, o.perSecond.median, o.p50.median, o.p99.median, o.cpu.median)
		if len(kubeRuns) > 0 {
			k := summarize(kubeRuns, name)
			line += fmt.Sprintf("\t%.1f\t%.2f\t%.2f\t%.3f\t%s\t%s\t%s\t%s\t%s, %s\t%s, %s",
				k.perSecond.median, k.p50.median, k.p99.median, k.cpu.median,
				pairRatio(oursRuns, kubeRuns, name, func(p phase) float64 { return p.ServerCPUMsPerOp }),
				pairRatio(oursRuns, kubeRuns, name, func(p phase) float64 { return p.PerSecond }),
				pairRatio(oursRuns, kubeRuns, name, func(p phase) float64 { return p.P50ms }),
				pairRatio(oursRuns, kubeRuns, name, func(p phase) float64 { return p.P99ms }),
				o.perSecond.spread(), k.perSecond.spread(), o.cpu.spread(), k.cpu.spread())
		} else {
			line += fmt.Sprintf("\t\t\t\t\t\t\t\t\t%s\t%s", o.perSecond.spread(), o.cpu.spread())
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if len(embeddedRuns) > 0 {
		fmt.Println()
		fmt.Println("pod-apiserver on its embedded etcd:")
		tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "phase\tops/s\tp50 ms\tp99 ms\tCPU ms/op (server and etcd)")
		for _, name := range order(embeddedRuns) {
			e := summarize(embeddedRuns, name)
			fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%.2f\t%.3f\n", name, e.perSecond.median, e.p50.median, e.p99.median, e.cpu.median)
		}
		tw.Flush()
	}
	fmt.Println()
	printMemory(dir)
}

// readRuns reads <kind>.<repetition>.json in the order of the repetitions.
func readRuns(dir, kind string) []map[string]phase {
	paths, _ := filepath.Glob(filepath.Join(dir, kind+".*.json"))
	var reps []string
	for _, p := range paths {
		rep := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), kind+"."), ".json")
		if rep != "" && strings.Trim(rep, "0123456789") == "" {
			reps = append(reps, rep)
		}
	}
	sort.Slice(reps, func(i, j int) bool {
		return len(reps[i]) < len(reps[j]) || len(reps[i]) == len(reps[j]) && reps[i] < reps[j]
	})
	var runs []map[string]phase
	for _, rep := range reps {
		r, err := readRun(filepath.Join(dir, kind+"."+rep+".json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		// The list across namespaces runs on the server that holds the pods; its phases join
		// the repetition's.
		if wide, err := readRun(filepath.Join(dir, kind+"."+rep+"-wide.json")); err == nil {
			for _, name := range order([]map[string]phase{wide}) {
				r[name] = wide[name]
				r[""] = phase{Phase: r[""].Phase + "," + name}
			}
		}
		runs = append(runs, r)
	}
	return runs
}

func readRun(path string) (map[string]phase, error) {
	var r run
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	phases := map[string]phase{"": {}}
	var names []string
	for _, p := range r.Phases {
		phases[p.Phase] = p
		names = append(names, p.Phase)
	}
	// The phases' order, kept under the empty name.
	phases[""] = phase{Phase: strings.Join(names, ",")}
	return phases, nil
}

func order(runs []map[string]phase) []string {
	if len(runs) == 0 || runs[0][""].Phase == "" {
		return nil
	}
	return strings.Split(runs[0][""].Phase, ",")
}

func readJSON(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

// figures are one measure of one phase over the repetitions.
type figures struct {
	median, lowest, highest float64
}

func (f figures) spread() string {
	if f.lowest <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*(f.highest/f.lowest-1))
}

func figuresOf(values []float64) figures {
	if len(values) == 0 {
		return figures{}
	}
	sort.Float64s(values)
	f := figures{lowest: values[0], highest: values[len(values)-1]}
	if n := len(values); n%2 == 1 {
		f.median = values[n/2]
	} else {
		f.median = (values[n/2-1] + values[n/2]) / 2
	}
	return f
}

type phaseFigures struct {
	perSecond, p50, p99, cpu figures
}

func summarize(runs []map[string]phase, name string) phaseFigures {
	var ps, p50, p99, cpu []float64
	for _, r := range runs {
		p, ok := r[name]
		if !ok {
			continue
		}
		ps, p50, p99 = append(ps, p.PerSecond), append(p50, p.P50ms), append(p99, p.P99ms)
		cpu = append(cpu, p.ServerCPUMsPerOp)
	}
	return phaseFigures{figuresOf(ps), figuresOf(p50), figuresOf(p99), figuresOf(cpu)}
}

// pairRatio is the median of ours/kube over the alternated pairs, with their range.
func pairRatio(oursRuns, kubeRuns []map[string]phase, name string, value func(phase) float64) string {
	var ratios []float64
	for i := 0; i < len(oursRuns) && i < len(kubeRuns); i++ {
		o, okO := oursRuns[i][name]
		k, okK := kubeRuns[i][name]
		if okO && okK && value(k) > 0 {
			ratios = append(ratios, value(o)/value(k))
		}
	}
	if len(ratios) == 0 {
		return "-"
	}
	f := figuresOf(ratios)
	if len(ratios) == 1 {
		return fmt.Sprintf("%.2f", f.median)
	}
	return fmt.Sprintf("%.2f [%.2f-%.2f]", f.median, f.lowest, f.highest)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// printMemory prints each server's memory at each moment measured (the median over the
// repetitions), with pod-apiserver's RSS as a ratio of kube-apiserver's.
func printMemory(dir string) {
	moments := []string{"idle", "after-load"}
	for _, held := range []string{"holding", "churned"} {
		if paths, _ := filepath.Glob(filepath.Join(dir, "memory-"+ours+".1-"+held+"-*.json")); len(paths) == 1 {
			moments = append(moments, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(paths[0]), "memory-"+ours+".1-"), ".json"))
		}
	}
	medianMemory := func(kind, moment string) (memory, bool) {
		paths, _ := filepath.Glob(filepath.Join(dir, "memory-"+kind+".*-"+moment+".json"))
		var rss, heap []float64
		for _, p := range paths {
			rep := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "memory-"+kind+"."), "-"+moment+".json")
			if strings.Trim(rep, "0123456789") != "" {
				continue
			}
			var m memory
			if readJSON(p, &m) == nil {
				rss, heap = append(rss, float64(m.RSSBytes)), append(heap, float64(m.HeapInuseBytes))
			}
		}
		if len(rss) == 0 {
			return memory{}, false
		}
		return memory{RSSBytes: int64(figuresOf(rss).median), HeapInuseBytes: int64(figuresOf(heap).median)}, true
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "memory\tserver\tRSS MiB\tGo heap in use MiB\tRSS ratio to kube-apiserver")
	for _, moment := range moments {
		k, haveKube := medianMemory(kube, moment)
		for _, kind := range []string{ours, kube, embedded} {
			m, ok := medianMemory(kind, moment)
			if !ok {
				continue
			}
			r := "-"
			if haveKube && kind != kube && k.RSSBytes > 0 {
				r = fmt.Sprintf("%.2f", float64(m.RSSBytes)/float64(k.RSSBytes))
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\n", moment, kind, mib(m.RSSBytes), mib(m.HeapInuseBytes), r)
		}
	}
	tw.Flush()
	// The same pods held after churn against held by a fresh server, each server against itself.
	var fresh, churned string
	for _, m := range moments {
		switch {
		case strings.HasPrefix(m, "holding-"):
			fresh = m
		case strings.HasPrefix(m, "churned-"):
			churned = m
		}
	}
	if fresh == "" || churned == "" {
		return
	}
	fmt.Println()
	for _, kind := range []string{ours, kube, embedded} {
		f, ok1 := medianMemory(kind, fresh)
		c, ok2 := medianMemory(kind, churned)
		if ok1 && ok2 && f.RSSBytes > 0 && f.HeapInuseBytes > 0 {
			fmt.Printf("%s: RSS after churn %.2f× the same pods on a fresh server (heap in use %.2f×)\n", kind,
				float64(c.RSSBytes)/float64(f.RSSBytes), float64(c.HeapInuseBytes)/float64(f.HeapInuseBytes))
		}
	}
}

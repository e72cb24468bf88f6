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
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// phaseResult is what one phase measured. Latencies are in milliseconds.
type phaseResult struct {
	Phase     string  `json:"phase"`
	Ops       int     `json:"ops"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"perSecond"`
	P50ms     float64 `json:"p50ms"`
	P99ms     float64 `json:"p99ms"`
	MaxMs     float64 `json:"maxMs"`
	// Items is the size of each list a list phase read.
	Items int `json:"items,omitempty"`
	// ServerCPUSeconds is the CPU time the server process spent during the phase (with
	// -server-pid), and ServerCPUMsPerOp that per operation: unlike throughput, it hardly depends
	// on what else the machine is doing.
	ServerCPUSeconds float64 `json:"serverCPUSeconds,omitempty"`
	ServerCPUMsPerOp float64 `json:"serverCPUMsPerOp,omitempty"`
	// FirstError shows what failed, when something did.
	FirstError string `json:"firstError,omitempty"`
}

// recorder collects the latencies of one phase from many goroutines.
type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	firstErr  error
	done      atomic.Int64
}

func (r *recorder) observe(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if r.firstErr == nil {
			r.firstErr = err
		}
	} else {
		r.latencies = append(r.latencies, d)
	}
	r.done.Add(1)
}

func (r *recorder) result(elapsed time.Duration) phaseResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := append([]time.Duration(nil), r.latencies...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	res := phaseResult{
		Ops:     len(sorted),
		Errors:  r.errors,
		Seconds: elapsed.Seconds(),
		P50ms:   millis(percentile(sorted, 0.50)),
		P99ms:   millis(percentile(sorted, 0.99)),
	}
	if len(sorted) > 0 {
		res.MaxMs = millis(sorted[len(sorted)-1])
	}
	if elapsed > 0 {
		res.PerSecond = float64(len(sorted)) / elapsed.Seconds()
	}
	if r.firstErr != nil {
		res.FirstError = r.firstErr.Error()
	}
	return res
}

// percentile picks the nearest-rank percentile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.5) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// progress prints how far a long phase is every few seconds, so a slow server shows as slow
// rather than as hung.
func progress(ctx context.Context, name string, total int, r *recorder) func() {
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		ticker := time.NewTicker(3 * time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				fmt.Fprintf(os.Stderr, "  %s: %d/%d\n", name, r.done.Load(), total)
			}
		}
	}()
	return func() { cancel(); <-stopped }
}

func printTable(w io.Writer, label string, results []phaseResult) {
	if label != "" {
		fmt.Fprintf(w, "# %s\n", label)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tops\terrors\tseconds\tops/s\tp50 ms\tp99 ms\tmax ms\titems\tserver CPU ms/op\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.1f\t%.2f\t%.2f\t%.2f\t%d\t%.3f\t\n",
			r.Phase, r.Ops, r.Errors, r.Seconds, r.PerSecond, r.P50ms, r.P99ms, r.MaxMs, r.Items, r.ServerCPUMsPerOp)
	}
	tw.Flush()
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.Phase, r.FirstError)
		}
	}
}

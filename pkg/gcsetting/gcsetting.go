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

// Package gcsetting sizes the Go garbage collector to the memory the process is allowed, so
// that a server in a container with a memory limit spends less CPU collecting while it has room
// and collects harder, rather than being killed, as it nears the limit.
package gcsetting

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

const (
	// LimitRatio is the share of the container's memory limit given to the Go heap as its soft
	// limit (GOMEMLIMIT); the rest is for what the runtime does not count (stacks it has not yet
	// released, cgo, the kernel's page cache charged to the container).
	LimitRatio = 0.9
	// LimitedGCPercent is GOGC under a memory limit. The default of 100 starts a collection
	// when the heap has grown by as much as survived the last one; with the limit as the
	// backstop the heap may grow further between collections, which halves their number. See
	// docs/benchmarks.md ("Garbage collection under a memory limit") for the measurements.
	LimitedGCPercent = 200
)

// Result says what Apply set, for the startup log.
type Result struct {
	// MemoryLimit is the soft memory limit in bytes, math.MaxInt64 for none.
	MemoryLimit int64
	// LimitFrom says where the limit came from: "cgroup", "GOMEMLIMIT" or "none".
	LimitFrom string
	// GCPercent is GOGC as it now stands; GCPercentSet tells whether Apply changed it.
	GCPercent    int
	GCPercentSet bool
}

// Apply sets the soft memory limit to LimitRatio of the cgroup's memory limit, unless GOMEMLIMIT
// says otherwise (AUTOMEMLIMIT=off turns the cgroup lookup off), and, when a limit is in force
// and GOGC is not set, raises GOGC to LimitedGCPercent. Without a limit nothing changes: a higher
// GOGC with nothing to stop the heap would only use more memory.
func Apply(logger *slog.Logger) (Result, error) {
	return apply(memlimit.FromCgroup, logger)
}

func apply(provider memlimit.Provider, logger *slog.Logger) (Result, error) {
	res := Result{LimitFrom: "none"}
	limit, err := memlimit.Set(
		memlimit.WithProvider(provider),
		memlimit.WithRatio(LimitRatio),
		memlimit.WithLogger(logger),
	)
	switch {
	case errors.Is(err, memlimit.ErrNoLimit):
	case err != nil:
		return res, fmt.Errorf("setting the Go memory limit from the cgroup: %w", err)
	}
	res.MemoryLimit = limit
	if limit != math.MaxInt64 {
		res.LimitFrom = "cgroup"
		if os.Getenv("GOMEMLIMIT") != "" {
			res.LimitFrom = "GOMEMLIMIT"
		}
	}
	res.GCPercent = currentGCPercent()
	if res.LimitFrom != "none" && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(LimitedGCPercent)
		res.GCPercent, res.GCPercentSet = LimitedGCPercent, true
	}
	return res, nil
}

func currentGCPercent() int {
	sample := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(sample)
	return int(sample[0].Value.Uint64())
}

// ApplyAndLog is Apply for a command's start: it logs what was set through klog, and a failure
// to read the cgroup leaves the defaults in place rather than stopping the command.
func ApplyAndLog() {
	res, err := Apply(slog.New(logr.ToSlogHandler(klog.Background())))
	if err != nil {
		klog.InfoS("Keeping the Go garbage collector's defaults", "err", err)
		return
	}
	if res.LimitFrom == "none" {
		klog.V(2).InfoS("No memory limit found; keeping the Go garbage collector's defaults")
		return
	}
	klog.InfoS("Go garbage collector sized to the memory limit", "softLimitBytes", res.MemoryLimit,
		"limitFrom", res.LimitFrom, "gogc", res.GCPercent, "gogcSetHere", res.GCPercentSet)
}

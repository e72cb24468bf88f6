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

package gcsetting

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// keepRuntimeSettings restores the process's GC settings after a test changes them.
func keepRuntimeSettings(t *testing.T) {
	limit := debug.SetMemoryLimit(-1)
	percent := currentGCPercent()
	t.Cleanup(func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	})
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	// The library parses AUTOMEMLIMIT when it is set at all, even empty.
	t.Setenv("AUTOMEMLIMIT", "")
	os.Unsetenv("AUTOMEMLIMIT")
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(100)
}

func TestCgroupLimitSetsSoftLimitAndGOGC(t *testing.T) {
	keepRuntimeSettings(t)
	res, err := apply(memlimit.Limit(1<<30), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := limitOf1GiB()
	if res.MemoryLimit != want || res.LimitFrom != "cgroup" {
		t.Errorf("result %+v, want a limit of %d from the cgroup", res, want)
	}
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Errorf("runtime memory limit %d, want %d", got, want)
	}
	if got := currentGCPercent(); got != LimitedGCPercent || !res.GCPercentSet {
		t.Errorf("GOGC %d (set: %v), want %d", got, res.GCPercentSet, LimitedGCPercent)
	}
}

func TestNoLimitChangesNothing(t *testing.T) {
	keepRuntimeSettings(t)
	res, err := apply(func() (uint64, error) { return 0, memlimit.ErrNoLimit }, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if res.LimitFrom != "none" || res.GCPercentSet {
		t.Errorf("result %+v, want nothing set", res)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("runtime memory limit %d, want none", got)
	}
	if got := currentGCPercent(); got != 100 {
		t.Errorf("GOGC %d, want the default 100", got)
	}
}

// An operator's GOMEMLIMIT wins over the cgroup, and still counts as a limit to raise GOGC under.
func TestGOMEMLIMITWins(t *testing.T) {
	keepRuntimeSettings(t)
	// The runtime reads GOMEMLIMIT at start; this is what it would have set.
	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(300 << 20)
	res, err := apply(memlimit.Limit(1<<30), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if res.MemoryLimit != 300<<20 || res.LimitFrom != "GOMEMLIMIT" {
		t.Errorf("result %+v, want the operator's 300 MiB", res)
	}
	if got := currentGCPercent(); got != LimitedGCPercent {
		t.Errorf("GOGC %d, want %d", got, LimitedGCPercent)
	}
}

// An operator's GOGC is left alone, under a limit too.
func TestGOGCWins(t *testing.T) {
	keepRuntimeSettings(t)
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	res, err := apply(memlimit.Limit(1<<30), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if res.GCPercentSet || currentGCPercent() != 150 {
		t.Errorf("result %+v, GOGC %d: want the operator's 150 kept", res, currentGCPercent())
	}
	if got := debug.SetMemoryLimit(-1); got != limitOf1GiB() {
		t.Errorf("runtime memory limit %d, want it from the cgroup", got)
	}
}

func TestAUTOMEMLIMITOffLeavesNoLimit(t *testing.T) {
	keepRuntimeSettings(t)
	t.Setenv("AUTOMEMLIMIT", "off")
	res, err := apply(memlimit.Limit(1<<30), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if res.LimitFrom != "none" || res.GCPercentSet || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("result %+v: want nothing set", res)
	}
}

// limitOf1GiB is the soft limit a 1 GiB cgroup limit gives, computed as the library does.
func limitOf1GiB() int64 {
	gib := float64(1 << 30)
	return int64(gib * LimitRatio)
}

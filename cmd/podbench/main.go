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

// Command podbench drives a Pods API server (pod-apiserver or kube-apiserver, any server a
// kubeconfig names) with client-go and reports throughput and latency per phase, so that servers
// can be compared side by side under the same load on the same machine.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the server under test")
	flag.StringVar(&cfg.namespace, "namespace", "podbench", "namespace for the pods (created if the server serves namespaces)")
	flag.IntVar(&cfg.pods, "pods", 2000, "number of pods the suite creates")
	flag.IntVar(&cfg.workers, "workers", 16, "concurrent clients for the per-pod phases")
	flag.IntVar(&cfg.listRepeats, "list-repeats", 10, "times each list phase runs")
	flag.IntVar(&cfg.watchers, "watchers", 50, "watchers of the watch fan-out phase")
	flag.IntVar(&cfg.watchUpdates, "watch-updates", 500, "updates the watch fan-out phase delivers to every watcher")
	flag.IntVar(&cfg.watchRounds, "watch-rounds", 5, "fan-outs the watch phase runs, with fresh watchers each, pooling their latencies")
	flag.BoolVar(&cfg.protobuf, "protobuf", true, "talk protobuf to the server (as controllers do) instead of JSON")
	flag.StringVar(&cfg.phases, "phases", strings.Join(allPhases, ","), "comma-separated phases to run, in this order")
	flag.StringVar(&cfg.jsonOut, "json", "", "also write the results as JSON to this file (- for stdout)")
	flag.StringVar(&cfg.label, "label", "", "label of the run, copied into the JSON (e.g. the server's name)")
	flag.BoolVar(&cfg.keep, "keep", false, "leave the pods in place after the run")
	flag.StringVar(&cfg.etcdEndpoint, "etcd", "", "instead of a server, measure raw etcd puts of pod-sized values against this endpoint")
	flag.IntVar(&cfg.serverPID, "server-pid", 0, "pid of the server under test, on this machine: report the CPU it spends per operation of each phase")
	flag.Parse()

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	var results []phaseResult
	var err error
	if cfg.etcdEndpoint != "" {
		results, err = runEtcd(ctx, cfg)
	} else {
		results, err = runServer(ctx, cfg)
	}
	printTable(os.Stdout, cfg.label, results)
	if cfg.jsonOut != "" {
		if werr := writeJSON(cfg, results); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "podbench:", err)
		os.Exit(1)
	}
}

type config struct {
	kubeconfig   string
	namespace    string
	pods         int
	workers      int
	listRepeats  int
	watchers     int
	watchUpdates int
	watchRounds  int
	protobuf     bool
	phases       string
	jsonOut      string
	label        string
	keep         bool
	etcdEndpoint string
	serverPID    int
}

func runServer(ctx context.Context, cfg config) ([]phaseResult, error) {
	restConfig, err := clientcmd.BuildConfigFromFlags("", cfg.kubeconfig)
	if err != nil {
		return nil, err
	}
	// The load is the point: client-side throttling would measure the client, not the server.
	restConfig.QPS = -1
	// A warning repeated for every pod would drown the results.
	restConfig.WarningHandler = rest.NoWarnings{}
	if cfg.protobuf {
		restConfig.ContentType = "application/vnd.kubernetes.protobuf"
		restConfig.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	}
	client, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, client: client}
	if err := b.prepare(ctx); err != nil {
		return nil, err
	}
	var results []phaseResult
	for _, name := range strings.Split(cfg.phases, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		run, ok := b.phase(name)
		if !ok {
			return results, fmt.Errorf("unknown phase %q (known: %s)", name, strings.Join(append(allPhases, extraPhases...), ","))
		}
		fmt.Fprintf(os.Stderr, "phase %s...\n", name)
		cpuBefore, cpuErr := serverCPU(cfg)
		r, err := run(ctx)
		r.Phase = name
		if cpuAfter, cpuErr2 := serverCPU(cfg); cpuErr == nil && cpuErr2 == nil && cfg.serverPID != 0 {
			r.ServerCPUSeconds = cpuAfter - cpuBefore
			if r.Ops > 0 {
				r.ServerCPUMsPerOp = 1000 * r.ServerCPUSeconds / float64(r.Ops)
			}
		} else if cfg.serverPID != 0 {
			return results, fmt.Errorf("reading the server's CPU time: %v %v", cpuErr, cpuErr2)
		}
		results = append(results, r)
		if err != nil {
			return results, fmt.Errorf("phase %s: %w", name, err)
		}
	}
	if !cfg.keep {
		b.cleanup(context.Background())
	}
	return results, nil
}

func serverCPU(cfg config) (float64, error) {
	if cfg.serverPID == 0 {
		return 0, nil
	}
	return processCPUSeconds(cfg.serverPID)
}

func writeJSON(cfg config, results []phaseResult) error {
	out := struct {
		Label   string        `json:"label,omitempty"`
		Pods    int           `json:"pods"`
		Workers int           `json:"workers"`
		Time    time.Time     `json:"time"`
		Phases  []phaseResult `json:"phases"`
	}{cfg.label, cfg.pods, cfg.workers, time.Now().UTC(), results}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if cfg.jsonOut == "-" {
		_, err = os.Stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(cfg.jsonOut, append(data, '\n'), 0o644)
}

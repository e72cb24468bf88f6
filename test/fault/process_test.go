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

package fault

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// createsPerRun is how many acknowledged creates each kill -9 run waits for before the kill: three
// runs of 3,400 make about 10,000. POD_APISERVER_FAULT_CREATES changes it.
func createsPerRun() int {
	if n, err := strconv.Atoi(os.Getenv("POD_APISERVER_FAULT_CREATES")); err == nil && n > 0 {
		return n
	}
	return 3400
}

// TestKill9DuringCreates kills the server (embedded etcd, default fsync) with SIGKILL while 16
// clients create pods, three times, restarting on the same data dir each time: every create the
// server acknowledged must be there after the restart.
func TestKill9DuringCreates(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	port := freePort(t)
	const ns, runs, workers = "kill9", 3, 16
	perRun := createsPerRun()
	var acked []string
	total, failed := 0, 0
	for run := 0; run <= runs; run++ {
		start := time.Now()
		srv := startServer(t, fmt.Sprintf("server-run%d", run), dataDir, "127.0.0.1", port, nil)
		client := mustClient(t, srv.config(t))
		readyIn := waitReady(t, client, start, srv.process)
		lost := missing(t, client, ns, acked)
		t.Logf("run %d: ready %.2fs after start; %d of %d acknowledged creates missing", run, readyIn.Seconds(), len(lost), len(acked))
		if len(lost) > 0 {
			t.Fatalf("acknowledged creates lost after kill -9: %d, first %v", len(lost), lost[:min(5, len(lost))])
		}
		if run == runs {
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		w := newWriter(t, client, ns, fmt.Sprintf("run%d", run))
		begin := time.Now()
		wg := w.run(ctx, workers)
		waitFor(t, 5*time.Minute, "creates", func() bool { return w.ackedCount() >= perRun || srv.exited() })
		srv.kill()
		elapsed := time.Since(begin)
		cancel()
		wg.Wait()
		got, f, _ := w.snapshot()
		acked = append(acked, got...)
		total += len(got)
		failed += f
		t.Logf("run %d: killed -9 after %d acknowledged creates in %.1fs (%.0f/s); %d creates failed at the kill", run, len(got), elapsed.Seconds(), float64(len(got))/elapsed.Seconds(), f)
	}
	t.Logf("kill -9: %d acknowledged creates over %d runs, 0 missing", total, runs)
}

// TestSIGTERMUnderLoad stops the server with SIGTERM while 16 clients create pods: it exits 0 and
// every acknowledged create is there after a restart.
func TestSIGTERMUnderLoad(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	port := freePort(t)
	const ns, workers = "sigterm", 16
	start := time.Now()
	srv := startServer(t, "server", dataDir, "127.0.0.1", port, nil)
	client := mustClient(t, srv.config(t))
	waitReady(t, client, start, srv.process)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWriter(t, client, ns, "term")
	wg := w.run(ctx, workers)
	waitFor(t, 2*time.Minute, "creates", func() bool { return w.ackedCount() >= 300 })
	termAt := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := srv.wait(90 * time.Second)
	exitIn := time.Since(termAt)
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("server did not exit 0 after SIGTERM: %v", err)
	}
	acked, failed, _ := w.snapshot()
	t.Logf("SIGTERM under load: exit 0 after %.2fs; %d acknowledged creates, %d refused while draining", exitIn.Seconds(), len(acked), failed)

	start = time.Now()
	srv = startServer(t, "server-restarted", dataDir, "127.0.0.1", port, nil)
	client = mustClient(t, srv.config(t))
	readyIn := waitReady(t, client, start, srv.process)
	lost := missing(t, client, ns, acked)
	t.Logf("restart: ready %.2fs after start; %d of %d acknowledged creates missing", readyIn.Seconds(), len(lost), len(acked))
	if len(lost) > 0 {
		t.Fatalf("acknowledged creates lost after SIGTERM: %v", lost[:min(5, len(lost))])
	}
}

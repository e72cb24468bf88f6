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
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

const (
	stormRequests = 1000
	quietRequests = 24
	stormPods     = 200
)

// stormResult counts the answers one user got, by status code.
type stormResult struct {
	codes map[int]int
	errs  []error
}

func (r stormResult) String() string {
	return fmt.Sprintf("codes %v, transport errors %d", r.codes, len(r.errs))
}

// twoUserStorm has user A keep stormRequests LISTs in flight at all times and, once A's storm
// fills what the server will take (A's first 429), user B send quietRequests LISTs at once; A
// stops when B is done. Each user has its own connection, warmed up beforehand, and no client-side
// throttling.
func twoUserStorm(t *testing.T, baseURL, tokenA, tokenB, namespace string) (a, b stormResult) {
	t.Helper()
	newClient := func() *http.Client {
		return &http.Client{
			Timeout: 2 * time.Minute,
			Transport: &http.Transport{
				TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback test server
				ForceAttemptHTTP2:   true,
				MaxIdleConnsPerHost: stormRequests,
			},
		}
	}
	var mu sync.Mutex
	a.codes, b.codes = map[int]int{}, map[int]int{}
	get := func(client *http.Client, token, path string, res *stormResult) int {
		req, _ := http.NewRequest(http.MethodGet, baseURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if res == nil {
			if err == nil {
				_ = resp.Body.Close()
			}
			return 0
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			res.errs = append(res.errs, err)
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		res.codes[resp.StatusCode]++
		return resp.StatusCode
	}
	clientA, clientB := newClient(), newClient()
	// /readyz is exempt (kube's probes FlowSchema): it only opens the connections.
	get(clientA, tokenA, "/readyz", nil)
	get(clientB, tokenB, "/readyz", nil)

	list := "/api/v1/namespaces/" + namespace + "/pods"
	saturated, quietDone := make(chan struct{}), make(chan struct{})
	var saturatedOnce sync.Once
	var wgA, wgB sync.WaitGroup
	for i := 0; i < stormRequests; i++ {
		wgA.Add(1)
		go func() {
			defer wgA.Done()
			for {
				select {
				case <-quietDone:
					return
				default:
				}
				if get(clientA, tokenA, list, &a) == http.StatusTooManyRequests {
					saturatedOnce.Do(func() { close(saturated) })
				}
			}
		}()
	}
	select {
	case <-saturated:
	case <-time.After(time.Minute):
		t.Errorf("user A's storm of %d concurrent LISTs never got a 429", stormRequests)
	}
	for i := 0; i < quietRequests; i++ {
		wgB.Add(1)
		go func() {
			defer wgB.Done()
			get(clientB, tokenB, list, &b)
		}()
	}
	wgB.Wait()
	close(quietDone)
	wgA.Wait()
	return a, b
}

// metricSum adds up the samples of a metric whose labels include every given label.
func metricSum(metrics, name string, labels ...string) (float64, bool) {
	var sum float64
	found := false
	sc := bufio.NewScanner(strings.NewReader(metrics))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(line, l) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if err == nil {
			sum += v
			found = true
		}
	}
	return sum, found
}

// TestPriorityAndFairnessTwoUserStorm: one user's storm of 1,000 concurrent requests queues or is
// refused with 429 by API Priority and Fairness, while a second user's 24 requests, in their own
// flow of the global-default priority level, all succeed. (With plain max-in-flight limits,
// --enable-priority-and-fairness=false, B's requests get 429 like A's.)
func TestPriorityAndFairnessTwoUserStorm(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "tokens.csv")
	// Neither user is in system:masters (exempt): both land in kube's global-default FlowSchema,
	// which tells flows apart by user.
	tokens := "stormtoken,storm-user,uid-a,\"storm-testers\"\nquiettoken,quiet-user,uid-b,\"storm-testers\"\n"
	if err := os.WriteFile(tokenFile, []byte(tokens), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := framework.Start(t, func(o *server.Options) {
		o.TokenAuthFile = tokenFile
		o.Recommended.Authorization.AlwaysAllowGroups = append(o.Recommended.Authorization.AlwaysAllowGroups, "storm-testers")
	})
	client := ts.Client(t)
	ctx := context.Background()
	const ns = "storm"
	ts.CreateNamespaces(t, ns)
	for i := 0; i < stormPods; i++ {
		if _, err := client.CoreV1().Pods(ns).Create(ctx, framework.NewPod(fmt.Sprintf("p%03d", i)), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	scrape := func() string {
		b, err := client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
		if err != nil {
			t.Fatalf("/metrics: %v", err)
		}
		return string(b)
	}
	globalDefault := []string{`flow_schema="global-default"`, `priority_level="global-default"`}
	before := scrape()
	dispatchedBefore, _ := metricSum(before, "apiserver_flowcontrol_dispatched_requests_total", globalDefault...)
	rejectedBefore, _ := metricSum(before, "apiserver_flowcontrol_rejected_requests_total", globalDefault...)

	begin := time.Now()
	a, b := twoUserStorm(t, ts.ClientConfig.Host, "stormtoken", "quiettoken", ns)
	t.Logf("storm of %d concurrent LISTs of %d pods for %v; storm user A: %v; quiet user B: %v", stormRequests, stormPods, time.Since(begin).Round(time.Millisecond), a, b)

	if b.codes[http.StatusOK] != quietRequests || len(b.errs) > 0 {
		t.Errorf("quiet user B lost requests to A's storm: %v %v", b, b.errs)
	}
	for code, n := range a.codes {
		if code != http.StatusOK && code != http.StatusTooManyRequests {
			t.Errorf("storm user A got %d answers of %d; want only 200 or 429", n, code)
		}
	}
	if len(a.errs) > 0 {
		t.Errorf("storm user A: %d transport errors, first %v", len(a.errs), a.errs[0])
	}

	after := scrape()
	dispatched, ok := metricSum(after, "apiserver_flowcontrol_dispatched_requests_total", globalDefault...)
	if !ok {
		t.Fatalf("/metrics has no apiserver_flowcontrol_dispatched_requests_total for global-default")
	}
	rejected, _ := metricSum(after, "apiserver_flowcontrol_rejected_requests_total", globalDefault...)
	served := float64(a.codes[http.StatusOK] + b.codes[http.StatusOK])
	refused := float64(a.codes[http.StatusTooManyRequests] + b.codes[http.StatusTooManyRequests])
	t.Logf("global-default: dispatched %v, rejected %v during the storm", dispatched-dispatchedBefore, rejected-rejectedBefore)
	if dispatched-dispatchedBefore != served {
		t.Errorf("apiserver_flowcontrol_dispatched_requests_total grew by %v; want the %v requests served", dispatched-dispatchedBefore, served)
	}
	if rejected-rejectedBefore != refused {
		t.Errorf("apiserver_flowcontrol_rejected_requests_total grew by %v; want the %v answers of 429", rejected-rejectedBefore, refused)
	}
	if _, ok := metricSum(after, "apiserver_flowcontrol_dispatched_requests_total", `priority_level="exempt"`); !ok {
		t.Errorf("the admin's requests (system:masters) were not dispatched at the exempt priority level")
	}

	// The seats of all levels together are the two in-flight flags, shared out by the levels'
	// nominal concurrency shares, as kube does.
	var shares int32
	for _, pl := range append(append(bootstrap.MandatoryPriorityLevelConfigurations[:0:0], bootstrap.MandatoryPriorityLevelConfigurations...), bootstrap.SuggestedPriorityLevelConfigurations...) {
		switch {
		case pl.Spec.Limited != nil && pl.Spec.Limited.NominalConcurrencyShares != nil:
			shares += *pl.Spec.Limited.NominalConcurrencyShares
		case pl.Spec.Exempt != nil && pl.Spec.Exempt.NominalConcurrencyShares != nil:
			shares += *pl.Spec.Exempt.NominalConcurrencyShares
		}
	}
	total := ts.Options.ServerRun.MaxRequestsInFlight + ts.Options.ServerRun.MaxMutatingRequestsInFlight
	want := math.Ceil(float64(total) * float64(*bootstrap.SuggestedPriorityLevelConfigurationGlobalDefault.Spec.Limited.NominalConcurrencyShares) / float64(shares))
	got, ok := metricSum(after, "apiserver_flowcontrol_nominal_limit_seats", `priority_level="global-default"`)
	if !ok || got != want {
		t.Errorf("apiserver_flowcontrol_nominal_limit_seats{priority_level=global-default} = %v (found %v); want %v from --max-requests-inflight + --max-mutating-requests-inflight = %d", got, ok, want, total)
	}
}

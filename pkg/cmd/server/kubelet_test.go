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

package server

import (
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The kubelet locator and the node-reading admission plugins share one client of the cluster.
func TestOneClusterClient(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "cluster.kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
	cfg.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "c"
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		t.Fatal(err)
	}

	shared := &sharedState{}
	if nodes, err := shared.clusterNodes(parse(t).Kubelet); err != nil || nodes != nil {
		t.Fatalf("without --kubelet-cluster-kubeconfig: %v, %v; want no client", nodes, err)
	}
	o := parse(t, "--kubelet-cluster-kubeconfig="+kubeconfig)
	first, err := shared.clusterNodes(o.Kubelet)
	if err != nil || first == nil {
		t.Fatalf("with --kubelet-cluster-kubeconfig: %v, %v", first, err)
	}
	if second, _ := shared.clusterNodes(o.Kubelet); second != first {
		t.Error("a second consumer got its own client")
	}
	if _, err := (&sharedState{}).clusterNodes(parse(t, "--kubelet-cluster-kubeconfig="+filepath.Join(t.TempDir(), "missing")).Kubelet); err == nil {
		t.Error("a missing kubeconfig gave a client")
	}
}

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
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// rawValueSize is about the size of a stored pod of the server phases, so that the etcd figure
// is the ceiling a server's create rate can approach.
const rawValueSize = 2000

// runEtcd measures etcd alone: creates (put-if-absent transactions, as an API server's create
// is) of pod-sized values with the same workers, then removes them.
func runEtcd(ctx context.Context, cfg config) ([]phaseResult, error) {
	client, err := clientv3.New(clientv3.Config{
		Endpoints:   strings.Split(cfg.etcdEndpoint, ","),
		DialTimeout: 10 * time.Second,
		// The client is its own load: its logs would only slow it.
		Logger: nil,
	})
	if err != nil {
		return nil, err
	}
	defer client.Close()
	prefix := fmt.Sprintf("/podbench-raw/%d/", time.Now().UnixNano())
	value := strings.Repeat("x", rawValueSize)
	b := &bench{cfg: cfg}
	res, err := b.parallel(ctx, "etcd-create", cfg.pods, func(ctx context.Context, i int) error {
		key := prefix + podName(i)
		resp, err := client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(key), "=", 0)).
			Then(clientv3.OpPut(key, value)).
			Commit()
		if err == nil && !resp.Succeeded {
			err = fmt.Errorf("key %s exists", key)
		}
		return err
	})
	res.Phase = "etcd-create"
	_, _ = client.Delete(context.Background(), prefix, clientv3.WithPrefix())
	return []phaseResult{res}, err
}

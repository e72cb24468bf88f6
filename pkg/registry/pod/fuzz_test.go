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

package pod_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/randfill"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/defaults"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

// FuzzPrepareRandomPod runs the create, update and status rules over random pods. Besides not
// panicking, a created pod must stay defaulted: every read from etcd defaults it again, and a
// change there would show up as a spurious difference (and generation bump) on the next update.
func FuzzPrepareRandomPod(f *testing.F) {
	for seed := int64(0); seed < 20; seed++ {
		f.Add(seed)
	}
	strategy, status := registrypod.Strategy(apiserver.Scheme), registrypod.StatusStrategy(apiserver.Scheme)
	f.Fuzz(func(t *testing.T, seed int64) {
		filler := randfill.NewWithSeed(seed).NilChance(0.5).NumElements(0, 3).MaxDepth(12)
		pod := &corev1.Pod{}
		filler.Fill(pod)
		defaults.Pod(pod)
		strategy.PrepareForCreate(context.Background(), pod)
		_ = validation.ValidatePodCreate(pod, validation.OptionsFor(pod, nil))

		stored := pod.DeepCopy()
		defaults.Pod(stored)
		if !apiequality.Semantic.DeepEqual(pod, stored) {
			t.Fatalf("created pod is not a defaulting fixed point (-created +read back):\n%s", cmp.Diff(pod, stored))
		}

		update := &corev1.Pod{}
		filler.Fill(update)
		defaults.Pod(update)
		strategy.PrepareForUpdate(context.Background(), update, stored)
		_ = validation.ValidatePodUpdate(update, stored, validation.OptionsFor(update, stored))
		if !apiequality.Semantic.DeepEqual(update.Status, stored.Status) {
			t.Fatalf("main endpoint update changed status")
		}

		statusUpdate := &corev1.Pod{}
		filler.Fill(statusUpdate)
		defaults.Pod(statusUpdate)
		status.PrepareForUpdate(context.Background(), statusUpdate, stored)
		_ = validation.ValidatePodStatusUpdate(statusUpdate, stored, validation.OptionsFor(statusUpdate, stored))
		if !apiequality.Semantic.DeepEqual(statusUpdate.Spec, stored.Spec) || statusUpdate.Status.QOSClass == "" && stored.Status.QOSClass != "" {
			t.Fatalf("status update changed spec or lost the QoS class")
		}
	})
}

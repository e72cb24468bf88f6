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

package validation

import (
	"encoding/json"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// referenceCase is a pod the reference kube-apiserver v1.37.2 was sent (dry run, with
// serviceAccountName set and one container without mounts) and the causes it answered about
// spec.volumes. The volumes are written with the fields defaulting would fill already set, so
// that they validate the same here without defaulting.
type referenceCase struct {
	Name    string          `json:"name"`
	Pod     string          `json:"pod"`
	Volumes []corev1.Volume `json:"volumes"`
	Causes  []struct {
		Reason  string `json:"reason"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"causes"`
}

func TestValidateVolumesMatchesReferenceServer(t *testing.T) {
	data, err := os.ReadFile("testdata/volumes_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []referenceCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no reference cases")
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			_, errs := validateVolumes(tc.Volumes, &metav1.ObjectMeta{Name: tc.Pod}, field.NewPath("spec", "volumes"), PodValidationOptions{})
			// The server passes the error list through ToAggregate, which drops an error
			// identical to an earlier one; validateVolumes itself keeps them.
			var got []volErr
			seen := map[string]bool{}
			for _, e := range errs {
				if !seen[e.Error()] {
					seen[e.Error()] = true
					got = append(got, volErr{e.Type, e.Field, e.ErrorBody()})
				}
			}
			var want []volErr
			for _, c := range tc.Causes {
				want = append(want, volErr{field.ErrorType(c.Reason), c.Field, c.Message})
			}
			if len(got) != len(want) {
				t.Fatalf("got %d causes, reference %d:\n got:  %v\n want: %v", len(got), len(want), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("cause %d:\n got:  %v\n want: %v", i, got[i], want[i])
				}
			}
		})
	}
}

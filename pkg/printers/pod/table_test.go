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

package pod

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func fixedConvertor() TableConvertor {
	return TableConvertor{now: func() time.Time { return testNow }}
}

func ago(d time.Duration) metav1.Time { return metav1.NewTime(testNow.Add(-d)) }

func ptr[T any](v T) *T { return &v }

var always = ptr(corev1.ContainerRestartPolicyAlways)

// basePod is created five hours before testNow so AGE is a stable "5h".
func basePod(containers ...string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", CreationTimestamp: ago(5 * time.Hour)},
	}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	return p
}

func running(name string, ready bool, restarts int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, Ready: ready, RestartCount: restarts, Started: ptr(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(time.Hour)}},
	}
}

func waiting(name, reason string, restarts int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, RestartCount: restarts, Started: ptr(false),
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}},
	}
}

func terminated(name, reason string, exit, signal int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, Started: ptr(false),
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			Reason: reason, ExitCode: exit, Signal: signal, FinishedAt: ago(time.Minute),
		}},
	}
}

func lastTerminated(st corev1.ContainerStatus, finished time.Duration) corev1.ContainerStatus {
	st.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
		ExitCode: 1, Reason: "Error", FinishedAt: ago(finished),
	}
	return st
}

func cond(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
	return corev1.PodCondition{Type: t, Status: s}
}

func TestPodCells(t *testing.T) {
	tests := []struct {
		name   string
		pod    func() *corev1.Pod
		ready  string
		status string
		// restarts defaults to "0" when empty.
		restarts string
	}{
		{
			name: "pending without statuses",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodPending
				return p
			},
			ready: "0/1", status: "Pending",
		},
		{
			name: "pending with ContainerCreating",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodPending
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "ContainerCreating", 0), waiting("b", "ContainerCreating", 0)}
				return p
			},
			ready: "0/2", status: "ContainerCreating",
		},
		{
			name: "running and ready",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0), running("b", true, 0)}
				return p
			},
			ready: "2/2", status: "Running",
		},
		{
			name: "running but one container not ready",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0), running("b", false, 0)}
				return p
			},
			ready: "1/2", status: "Running",
		},
		{
			name: "completed container alongside running one with Ready condition shows Running",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, corev1.ConditionTrue)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0, 0), running("b", true, 0)}
				return p
			},
			ready: "1/2", status: "Running",
		},
		{
			name: "completed container alongside running one without Ready condition shows NotReady",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, corev1.ConditionFalse)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0, 0), running("b", true, 0)}
				return p
			},
			ready: "1/2", status: "NotReady",
		},
		{
			name: "completed first container but a later one failed shows the failure",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0, 0), terminated("b", "Error", 1, 0)}
				return p
			},
			ready: "0/2", status: "Error",
		},
		{
			name: "all containers completed",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodSucceeded
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0, 0)}
				return p
			},
			ready: "0/1", status: "Completed",
		},
		{
			name: "first container's state wins because statuses are walked in reverse",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "ImagePullBackOff", 0), waiting("b", "CrashLoopBackOff", 0)}
				return p
			},
			ready: "0/2", status: "ImagePullBackOff",
		},
		{
			name: "CrashLoopBackOff with last restart time",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{lastTerminated(waiting("a", "CrashLoopBackOff", 3), 90*time.Second)}
				return p
			},
			ready: "0/1", status: "CrashLoopBackOff", restarts: "3 (90s ago)",
		},
		{
			name: "restarts without a known last termination show a bare count",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 5)}
				return p
			},
			ready: "1/1", status: "Running", restarts: "5",
		},
		{
			name: "restarts summed across containers with the latest termination time",
			pod: func() *corev1.Pod {
				p := basePod("a", "b")
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					lastTerminated(running("a", true, 2), 3*time.Hour),
					lastTerminated(running("b", true, 1), 20*time.Minute),
				}
				return p
			},
			ready: "2/2", status: "Running", restarts: "3 (20m ago)",
		},
		{
			name: "terminated by signal without reason",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "", 137, 9)}
				return p
			},
			ready: "0/1", status: "Signal:9",
		},
		{
			name: "terminated with exit code without reason",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "", 2, 0)}
				return p
			},
			ready: "0/1", status: "ExitCode:2",
		},
		{
			name: "terminated with reason",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "OOMKilled", 137, 0)}
				return p
			},
			ready: "0/1", status: "OOMKilled",
		},
		{
			name: "first init container running",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}, {Name: "i1"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{running("i0", false, 0), waiting("i1", "PodInitializing", 0)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "PodInitializing", 0)}
				return p
			},
			ready: "0/1", status: "Init:0/2",
		},
		{
			name: "second init container waiting on PodInitializing counts progress",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}, {Name: "i1"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "Completed", 0, 0), waiting("i1", "PodInitializing", 0)}
				return p
			},
			ready: "0/1", status: "Init:1/2",
		},
		{
			name: "init container failed with reason",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}, {Name: "i1"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "Error", 1, 0), waiting("i1", "PodInitializing", 0)}
				return p
			},
			ready: "0/1", status: "Init:Error",
		},
		{
			name: "init container failed with exit code only",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "", 3, 0)}
				return p
			},
			ready: "0/1", status: "Init:ExitCode:3",
		},
		{
			name: "init container killed by signal",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "", 137, 9)}
				return p
			},
			ready: "0/1", status: "Init:Signal:9",
		},
		{
			name: "init container crash looping keeps init restarts",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{lastTerminated(waiting("i0", "CrashLoopBackOff", 4), 30*time.Second)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "PodInitializing", 0)}
				return p
			},
			ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "4 (30s ago)",
		},
		{
			name: "finished init container restarts are dropped once the pod runs",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
				p.Status.Phase = corev1.PodRunning
				done := lastTerminated(terminated("i0", "Completed", 0, 0), 2*time.Minute)
				done.RestartCount = 4
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{done}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0)}
				return p
			},
			ready: "1/1", status: "Running", restarts: "0",
		},
		{
			name: "started sidecar counts into READY and its restarts persist",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}, {Name: "side", RestartPolicy: always}}
				p.Status.Phase = corev1.PodRunning
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					terminated("i0", "Completed", 0, 0),
					lastTerminated(running("side", true, 2), 10*time.Minute),
				}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 1)}
				return p
			},
			ready: "2/2", status: "Running", restarts: "3 (10m ago)",
		},
		{
			name: "sidecar not yet started blocks initialization but still counts in total",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "side", RestartPolicy: always}, {Name: "i1"}}
				p.Status.Phase = corev1.PodPending
				st := running("side", false, 0)
				st.Started = ptr(false)
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{st, waiting("i1", "PodInitializing", 0)}
				return p
			},
			ready: "0/2", status: "Init:0/2",
		},
		{
			// Running containers never set the reason, so the init-derived
			// one survives; but READY and RESTARTS come from the main pass.
			name: "Initialized condition with a crash-looping sidecar still counts main containers",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "side", RestartPolicy: always}}
				p.Status.Phase = corev1.PodRunning
				p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodInitialized, corev1.ConditionTrue)}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{lastTerminated(waiting("side", "CrashLoopBackOff", 6), 5*time.Minute)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{lastTerminated(running("a", true, 1), 7*time.Minute)}
				return p
			},
			ready: "1/2", status: "Init:CrashLoopBackOff", restarts: "7 (5m ago)",
		},
		{
			name: "Initialized condition lets a main container's waiting reason win",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "side", RestartPolicy: always}}
				p.Status.Phase = corev1.PodRunning
				p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodInitialized, corev1.ConditionTrue)}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{waiting("side", "CrashLoopBackOff", 0)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "ImagePullBackOff", 0)}
				return p
			},
			ready: "0/2", status: "ImagePullBackOff",
		},
		{
			name: "without Initialized condition main containers are ignored during init",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
				p.Status.Phase = corev1.PodPending
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{running("i0", false, 0)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 2)}
				return p
			},
			ready: "0/1", status: "Init:0/1",
		},
		{
			name: "scheduling gated",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = []corev1.PodCondition{{
					Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated,
				}}
				return p
			},
			ready: "0/1", status: "SchedulingGated",
		},
		{
			name: "status.reason overrides phase",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodFailed
				p.Status.Reason = "Evicted"
				return p
			},
			ready: "0/1", status: "Evicted",
		},
		{
			name: "deleting running pod shows Terminating",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.DeletionTimestamp = ptr(ago(time.Second))
				p.Status.Phase = corev1.PodRunning
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0)}
				return p
			},
			ready: "1/1", status: "Terminating",
		},
		{
			name: "deleting pod whose node is lost shows Unknown",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.DeletionTimestamp = ptr(ago(time.Second))
				p.Status.Phase = corev1.PodRunning
				p.Status.Reason = "NodeLost"
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0)}
				return p
			},
			ready: "1/1", status: "Unknown",
		},
		{
			name: "NodeLost without deletion keeps container-derived status",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Status.Phase = corev1.PodRunning
				p.Status.Reason = "NodeLost"
				p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true, 0)}
				return p
			},
			ready: "1/1", status: "NodeLost",
		},
		{
			name: "deleting a terminal pod keeps its final status",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.DeletionTimestamp = ptr(ago(time.Second))
				p.Status.Phase = corev1.PodSucceeded
				p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0, 0)}
				return p
			},
			ready: "0/1", status: "Completed",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table, err := fixedConvertor().ConvertToTable(context.Background(), tc.pod(), nil)
			if err != nil {
				t.Fatalf("ConvertToTable: %v", err)
			}
			if len(table.Rows) != 1 {
				t.Fatalf("got %d rows, want 1", len(table.Rows))
			}
			cells := table.Rows[0].Cells
			if len(cells) != 9 {
				t.Fatalf("got %d cells, want 9: %#v", len(cells), cells)
			}
			wantRestarts := tc.restarts
			if wantRestarts == "" {
				wantRestarts = "0"
			}
			want := []interface{}{"p", tc.ready, tc.status, wantRestarts, "5h"}
			if !reflect.DeepEqual(cells[:5], want) {
				t.Errorf("cells = %#v, want %#v", cells[:5], want)
			}
		})
	}
}

func TestWideCells(t *testing.T) {
	tests := []struct {
		name string
		pod  func() *corev1.Pod
		want []interface{}
	}{
		{
			name: "unset fields render as none",
			pod:  func() *corev1.Pod { return basePod("a") },
			want: []interface{}{"<none>", "<none>", "<none>", "<none>"},
		},
		{
			name: "first pod IP, node, nominated node and readiness gates",
			pod: func() *corev1.Pod {
				p := basePod("a")
				p.Spec.NodeName = "node-1"
				p.Status.NominatedNodeName = "node-2"
				// PodIP alone is ignored; only PodIPs feeds the column.
				p.Status.PodIP = "10.0.0.9"
				p.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}}
				p.Spec.ReadinessGates = []corev1.PodReadinessGate{
					{ConditionType: "example.com/a"},
					{ConditionType: "example.com/b"},
					{ConditionType: "example.com/missing"},
				}
				p.Status.Conditions = []corev1.PodCondition{
					cond("example.com/a", corev1.ConditionTrue),
					cond("example.com/b", corev1.ConditionFalse),
					// Only the first condition of a type is consulted.
					cond("example.com/b", corev1.ConditionTrue),
				}
				return p
			},
			want: []interface{}{"10.0.0.1", "node-1", "node-2", "1/3"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table, err := fixedConvertor().ConvertToTable(context.Background(), tc.pod(), &metav1.TableOptions{})
			if err != nil {
				t.Fatalf("ConvertToTable: %v", err)
			}
			if got := table.Rows[0].Cells[5:]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("wide cells = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		created metav1.Time
		want    string
	}{
		{metav1.Time{}, "<unknown>"},
		{ago(30 * time.Second), "30s"},
		{ago(7*time.Minute + 5*time.Second), "7m5s"},
		{ago(2 * time.Hour), "120m"},
		{ago(50 * time.Hour), "2d2h"},
		{ago(400 * 24 * time.Hour), "400d"},
	}
	for _, tc := range tests {
		p := basePod("a")
		p.CreationTimestamp = tc.created
		table, err := fixedConvertor().ConvertToTable(context.Background(), p, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		if got := table.Rows[0].Cells[4]; got != tc.want {
			t.Errorf("age for %v = %v, want %q", tc.created, got, tc.want)
		}
	}
}

func TestRowConditionsAndObject(t *testing.T) {
	tests := []struct {
		phase corev1.PodPhase
		want  []metav1.TableRowCondition
	}{
		{corev1.PodPending, nil},
		{corev1.PodRunning, nil},
		{corev1.PodSucceeded, []metav1.TableRowCondition{{
			Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Succeeded", Message: "The pod has completed successfully.",
		}}},
		{corev1.PodFailed, []metav1.TableRowCondition{{
			Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Failed", Message: "The pod failed.",
		}}},
	}
	for _, tc := range tests {
		p := basePod("a")
		p.Status.Phase = tc.phase
		table, err := fixedConvertor().ConvertToTable(context.Background(), p, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		row := table.Rows[0]
		if !reflect.DeepEqual(row.Conditions, tc.want) {
			t.Errorf("phase %s: conditions = %#v, want %#v", tc.phase, row.Conditions, tc.want)
		}
		if row.Object.Object != p {
			t.Errorf("phase %s: row object = %#v, want the input pod", tc.phase, row.Object.Object)
		}
	}
}

func TestColumnsAndHeaders(t *testing.T) {
	wantCols := []struct {
		name     string
		format   string
		priority int32
	}{
		{"Name", "name", 0},
		{"Ready", "", 0},
		{"Status", "", 0},
		{"Restarts", "", 0},
		{"Age", "", 0},
		{"IP", "", 1},
		{"Node", "", 1},
		{"Nominated Node", "", 1},
		{"Readiness Gates", "", 1},
	}

	table, err := fixedConvertor().ConvertToTable(context.Background(), basePod("a"), nil)
	if err != nil {
		t.Fatalf("ConvertToTable: %v", err)
	}
	if len(table.ColumnDefinitions) != len(wantCols) {
		t.Fatalf("got %d columns, want %d", len(table.ColumnDefinitions), len(wantCols))
	}
	for i, w := range wantCols {
		c := table.ColumnDefinitions[i]
		if c.Name != w.name || c.Type != "string" || c.Format != w.format || c.Priority != w.priority {
			t.Errorf("column %d = %+v, want name=%q type=string format=%q priority=%d", i, c, w.name, w.format, w.priority)
		}
		if c.Description == "" {
			t.Errorf("column %q has no description", c.Name)
		}
	}
	if !strings.Contains(table.ColumnDefinitions[0].Description, "Name must be unique within a namespace") {
		t.Errorf("Name column description should come from ObjectMeta's swagger doc, got %q", table.ColumnDefinitions[0].Description)
	}

	// Callers editing the returned definitions must not leak into later tables.
	table.ColumnDefinitions[0].Name = "mutated"
	again, _ := fixedConvertor().ConvertToTable(context.Background(), basePod("a"), nil)
	if again.ColumnDefinitions[0].Name != "Name" {
		t.Errorf("column definitions are shared between tables")
	}

	noHeaders, err := fixedConvertor().ConvertToTable(context.Background(), basePod("a"), &metav1.TableOptions{NoHeaders: true})
	if err != nil {
		t.Fatalf("ConvertToTable with NoHeaders: %v", err)
	}
	if noHeaders.ColumnDefinitions != nil {
		t.Errorf("NoHeaders: got %d column definitions, want none", len(noHeaders.ColumnDefinitions))
	}
	if len(noHeaders.Rows) != 1 || len(noHeaders.Rows[0].Cells) != 9 {
		t.Errorf("NoHeaders must still return all cells, got %#v", noHeaders.Rows)
	}
}

func TestList(t *testing.T) {
	remaining := int64(7)
	list := &corev1.PodList{
		ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "token", RemainingItemCount: &remaining},
		Items:    []corev1.Pod{*basePod("a"), *basePod("b", "c")},
	}
	list.Items[0].Name = "first"
	list.Items[1].Name = "second"
	list.Items[1].ResourceVersion = "41"

	table, err := fixedConvertor().ConvertToTable(context.Background(), list, &metav1.TableOptions{})
	if err != nil {
		t.Fatalf("ConvertToTable: %v", err)
	}
	if table.ResourceVersion != "42" || table.Continue != "token" {
		t.Errorf("list meta = %+v, want resourceVersion 42 and continue token", table.ListMeta)
	}
	if table.RemainingItemCount == nil || *table.RemainingItemCount != 7 {
		t.Errorf("remainingItemCount = %v, want 7", table.RemainingItemCount)
	}
	if len(table.Rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(table.Rows))
	}
	for i, want := range []struct{ name, ready string }{{"first", "0/1"}, {"second", "0/2"}} {
		row := table.Rows[i]
		if row.Cells[0] != want.name || row.Cells[1] != want.ready {
			t.Errorf("row %d cells = %#v, want name %q ready %q", i, row.Cells, want.name, want.ready)
		}
		if row.Object.Object != &list.Items[i] {
			t.Errorf("row %d object does not point at list item %d", i, i)
		}
	}

	empty, err := fixedConvertor().ConvertToTable(context.Background(), &corev1.PodList{}, nil)
	if err != nil {
		t.Fatalf("ConvertToTable on empty list: %v", err)
	}
	// A non-nil empty slice serialises as "rows": [] which kubectl expects.
	if empty.Rows == nil || len(empty.Rows) != 0 {
		t.Errorf("empty list rows = %#v, want empty non-nil slice", empty.Rows)
	}
}

func TestSinglePodResourceVersion(t *testing.T) {
	p := basePod("a")
	p.ResourceVersion = "99"
	table, err := fixedConvertor().ConvertToTable(context.Background(), p, nil)
	if err != nil {
		t.Fatalf("ConvertToTable: %v", err)
	}
	if table.ResourceVersion != "99" || table.Continue != "" || table.RemainingItemCount != nil {
		t.Errorf("list meta = %+v, want only resourceVersion 99", table.ListMeta)
	}
}

func TestErrors(t *testing.T) {
	var nilPod *corev1.Pod
	tests := []struct {
		name    string
		obj     runtime.Object
		options runtime.Object
	}{
		{"wrong object type", &corev1.Node{}, nil},
		{"pointer-less pod list is not accepted", &corev1.ConfigMapList{}, nil},
		{"nil pod", nilPod, nil},
		{"wrong options type", basePod("a"), &metav1.ListOptions{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table, err := NewTableConvertor().ConvertToTable(context.Background(), tc.obj, tc.options)
			if err == nil {
				t.Fatalf("expected an error, got table %#v", table)
			}
		})
	}
}

func TestImplementsInterface(t *testing.T) {
	var c rest.TableConvertor = NewTableConvertor()
	table, err := c.ConvertToTable(context.Background(), basePod("a"), nil)
	if err != nil {
		t.Fatalf("ConvertToTable: %v", err)
	}
	// Without an injected clock the age is measured from the wall clock.
	if table.Rows[0].Cells[4] == "<unknown>" {
		t.Errorf("age should be computed from the real clock")
	}
}

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

// Package pod renders core/v1 Pods as metav1.Table, producing the same
// columns, cells and row conditions that kube-apiserver returns for
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`, so kubectl output
// against this server is indistinguishable from a real cluster.
package pod

import (
	"context"
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/apiserver/pkg/registry/rest"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go
//   k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go
// The helpers here that name no upstream function of their own serve the functions that do.

const (
	// kube-controller-manager sets this status.reason on pods of a node that
	// stopped reporting; kubectl then shows them as Unknown rather than
	// Terminating because nobody is actually terminating them.
	nodeUnreachablePodReason = "NodeLost"

	// The kubelet reports this waiting reason for containers (including init
	// containers) that are merely queued behind earlier init containers, so it
	// carries no information beyond the Init:N/M progress counter.
	podInitializingReason = "PodInitializing"

	noneValue    = "<none>"
	unknownValue = "<unknown>"
)

// columnDefinitions mirrors kube's pod column set. Priority 1 columns are the
// ones kubectl only shows with -o wide; the server still fills them in.
var columnDefinitions = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]},
	{Name: "Ready", Type: "string", Description: "The aggregate readiness state of this pod for accepting traffic."},
	{Name: "Status", Type: "string", Description: "The aggregate status of the containers in this pod."},
	{Name: "Restarts", Type: "string", Description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."},
	{Name: "Age", Type: "string", Description: metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]},
	{Name: "IP", Type: "string", Priority: 1, Description: corev1.PodStatus{}.SwaggerDoc()["podIP"]},
	{Name: "Node", Type: "string", Priority: 1, Description: corev1.PodSpec{}.SwaggerDoc()["nodeName"]},
	{Name: "Nominated Node", Type: "string", Priority: 1, Description: corev1.PodStatus{}.SwaggerDoc()["nominatedNodeName"]},
	{Name: "Readiness Gates", Type: "string", Priority: 1, Description: corev1.PodSpec{}.SwaggerDoc()["readinessGates"]},
}

// TableConvertor converts *corev1.Pod and *corev1.PodList into the server-side
// Table representation. The zero value is ready to use.
type TableConvertor struct {
	// now is overridable so tests can pin AGE and RESTARTS output; nil means
	// wall-clock time.
	now func() time.Time
}

var _ rest.TableConvertor = TableConvertor{}

// NewTableConvertor returns a TableConvertor that measures ages against the
// wall clock.
func NewTableConvertor() TableConvertor {
	return TableConvertor{}
}

// ColumnDefinitions returns a copy of the pod table columns, so callers cannot
// alter what later tables advertise.
// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go AddHandlers
func ColumnDefinitions() []metav1.TableColumnDefinition {
	out := make([]metav1.TableColumnDefinition, len(columnDefinitions))
	copy(out, columnDefinitions)
	return out
}

// ConvertToTable implements rest.TableConvertor.
// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go printPodList
func (c TableConvertor) ConvertToTable(_ context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	noHeaders := false
	if tableOptions != nil {
		// kube rejects unknown option types instead of ignoring them, so a
		// misrouted request surfaces as an error rather than a silently
		// different table.
		opts, ok := tableOptions.(*metav1.TableOptions)
		if !ok {
			return nil, fmt.Errorf("unrecognized type %T for table options, can't display tabular output", tableOptions)
		}
		if opts != nil {
			noHeaders = opts.NoHeaders
		}
	}

	now := time.Now()
	if c.now != nil {
		now = c.now()
	}

	table := &metav1.Table{}
	switch obj := object.(type) {
	case *corev1.Pod:
		if obj == nil {
			return nil, fmt.Errorf("cannot convert a nil %T to a table", object)
		}
		table.Rows = []metav1.TableRow{podRow(obj, now)}
		table.ResourceVersion = obj.ResourceVersion
	case *corev1.PodList:
		if obj == nil {
			return nil, fmt.Errorf("cannot convert a nil %T to a table", object)
		}
		table.Rows = make([]metav1.TableRow, 0, len(obj.Items))
		for i := range obj.Items {
			// Point into the slice so each row references its own item, not
			// a shared loop variable.
			table.Rows = append(table.Rows, podRow(&obj.Items[i], now))
		}
		table.ResourceVersion = obj.ResourceVersion
		table.Continue = obj.Continue
		table.RemainingItemCount = obj.RemainingItemCount
	default:
		return nil, fmt.Errorf("no table handler registered for this type %T", object)
	}

	if !noHeaders {
		table.ColumnDefinitions = ColumnDefinitions()
	}
	return table, nil
}

// podRow computes the nine cells for one pod. The status column is not simply
// status.phase: kubectl users expect the most actionable container-level
// reason (CrashLoopBackOff, Init:Error, ...) to win, which is why the rules
// below are order-sensitive.
// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go printPod
func podRow(pod *corev1.Pod, now time.Time) metav1.TableRow {
	row := metav1.TableRow{Object: runtime.RawExtension{Object: pod}}

	// Fresh slices per row so a consumer mutating one row cannot affect the
	// conditions of others.
	switch pod.Status.Phase {
	case corev1.PodSucceeded:
		row.Conditions = []metav1.TableRowCondition{{
			Type: metav1.RowCompleted, Status: metav1.ConditionTrue,
			Reason: string(corev1.PodSucceeded), Message: "The pod has completed successfully.",
		}}
	case corev1.PodFailed:
		row.Conditions = []metav1.TableRowCondition{{
			Type: metav1.RowCompleted, Status: metav1.ConditionTrue,
			Reason: string(corev1.PodFailed), Message: "The pod failed.",
		}}
	}

	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Reason == corev1.PodReasonSchedulingGated {
			reason = corev1.PodReasonSchedulingGated
		}
	}

	// Sidecars (restartable init containers) keep running next to the main
	// containers, so they count towards READY's denominator.
	total := len(pod.Spec.Containers)
	sidecars := make(map[string]bool, len(pod.Spec.InitContainers))
	for i := range pod.Spec.InitContainers {
		if isSidecar(&pod.Spec.InitContainers[i]) {
			sidecars[pod.Spec.InitContainers[i].Name] = true
			total++
		}
	}

	ready := 0
	restarts := 0
	var lastRestart time.Time
	sidecarRestarts := 0
	var lastSidecarRestart time.Time

	initializing := false
	for i, st := range pod.Status.InitContainerStatuses {
		restarts += int(st.RestartCount)
		lastRestart = laterFinish(lastRestart, st)
		sidecar := sidecars[st.Name]
		if sidecar {
			sidecarRestarts += int(st.RestartCount)
			lastSidecarRestart = laterFinish(lastSidecarRestart, st)
		}

		if st.State.Terminated != nil && st.State.Terminated.ExitCode == 0 {
			continue
		}
		if sidecar && st.Started != nil && *st.Started {
			if st.Ready {
				ready++
			}
			continue
		}

		// Any other state means init has not finished; the first such
		// container determines what the user sees.
		initializing = true
		switch {
		case st.State.Terminated != nil:
			t := st.State.Terminated
			switch {
			case t.Reason != "":
				reason = "Init:" + t.Reason
			case t.Signal != 0:
				reason = fmt.Sprintf("Init:Signal:%d", t.Signal)
			default:
				reason = fmt.Sprintf("Init:ExitCode:%d", t.ExitCode)
			}
		case st.State.Waiting != nil && st.State.Waiting.Reason != "" && st.State.Waiting.Reason != podInitializingReason:
			reason = "Init:" + st.State.Waiting.Reason
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
		}
		break
	}

	// An Initialized=True condition overrides stale init statuses (e.g. a
	// sidecar that is restarting after init completed), so the main
	// containers are still inspected in that case.
	if !initializing || initializedConditionTrue(pod.Status.Conditions) {
		// Completed one-shot init containers are history once the pod is
		// running; only sidecar restarts stay relevant.
		restarts = sidecarRestarts
		lastRestart = lastSidecarRestart

		running := false
		errorReason := ""
		// Walking backwards lets the earliest container with a waiting or
		// terminated state have the last word, matching kube's precedence.
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			st := pod.Status.ContainerStatuses[i]
			restarts += int(st.RestartCount)
			lastRestart = laterFinish(lastRestart, st)

			switch {
			case st.State.Waiting != nil && st.State.Waiting.Reason != "":
				reason = st.State.Waiting.Reason
			case st.State.Terminated != nil:
				t := st.State.Terminated
				switch {
				case t.Reason != "":
					reason = t.Reason
				case t.Signal != 0:
					reason = fmt.Sprintf("Signal:%d", t.Signal)
				default:
					reason = fmt.Sprintf("ExitCode:%d", t.ExitCode)
				}
				if t.ExitCode != 0 {
					errorReason = reason
				}
			case st.Ready && st.State.Running != nil:
				running = true
				ready++
			}
		}

		// A pod whose first container finished successfully but which still
		// has live containers is not "Completed" from the user's view.
		if reason == "Completed" {
			switch {
			case running && readyConditionTrue(pod.Status.Conditions):
				reason = "Running"
			case errorReason != "":
				reason = errorReason
			case running:
				reason = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		switch {
		case pod.Status.Reason == nodeUnreachablePodReason:
			reason = "Unknown"
		case pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed:
			reason = "Terminating"
		}
	}

	restartsCell := strconv.Itoa(restarts)
	if restarts != 0 && !lastRestart.IsZero() {
		restartsCell = fmt.Sprintf("%d (%s ago)", restarts, since(lastRestart, now))
	}

	age := unknownValue
	if !pod.CreationTimestamp.IsZero() {
		age = since(pod.CreationTimestamp.Time, now)
	}

	ip := ""
	if len(pod.Status.PodIPs) > 0 {
		ip = pod.Status.PodIPs[0].IP
	}

	readinessGates := noneValue
	if len(pod.Spec.ReadinessGates) > 0 {
		satisfied := 0
		for _, gate := range pod.Spec.ReadinessGates {
			// Only the first condition of a given type counts, as in kube.
			for _, cond := range pod.Status.Conditions {
				if cond.Type == gate.ConditionType {
					if cond.Status == corev1.ConditionTrue {
						satisfied++
					}
					break
				}
			}
		}
		readinessGates = fmt.Sprintf("%d/%d", satisfied, len(pod.Spec.ReadinessGates))
	}

	row.Cells = []interface{}{
		pod.Name,
		fmt.Sprintf("%d/%d", ready, total),
		reason,
		restartsCell,
		age,
		orNone(ip),
		orNone(pod.Spec.NodeName),
		orNone(pod.Status.NominatedNodeName),
		readinessGates,
	}
	return row
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go IsRestartableInitContainer
func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// laterFinish returns the later of cur and the finish time of the container's
// previous run, which is the best available "last restarted at" signal.
func laterFinish(cur time.Time, st corev1.ContainerStatus) time.Time {
	if t := st.LastTerminationState.Terminated; t != nil && cur.Before(t.FinishedAt.Time) {
		return t.FinishedAt.Time
	}
	return cur
}

// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go hasPodReadyCondition
func readyConditionTrue(conds []corev1.PodCondition) bool {
	for _, c := range conds {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// initializedConditionTrue looks only at the first Initialized condition,
// matching kube when a malformed status carries duplicates.
// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go isPodInitializedConditionTrue
func initializedConditionTrue(conds []corev1.PodCondition) bool {
	for _, c := range conds {
		if c.Type == corev1.PodInitialized {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion/printers.go translateTimestampSince
func since(t, now time.Time) string {
	return duration.HumanDuration(now.Sub(t))
}

func orNone(s string) string {
	if s == "" {
		return noneValue
	}
	return s
}

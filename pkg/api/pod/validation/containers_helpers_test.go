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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// ctrErr is one expected cause. body, when set, is the whole message a client sees (value
// rendering included); otherwise only the detail is compared.
type ctrErr struct {
	typ    field.ErrorType
	field  string
	detail string
	body   string
}

func ctrRequired(f string) ctrErr { return ctrErr{typ: field.ErrorTypeRequired, field: f} }

func ctrForbidden(f, detail string) ctrErr {
	return ctrErr{typ: field.ErrorTypeForbidden, field: f, detail: detail}
}

func ctrInvalid(f, detail string) ctrErr {
	return ctrErr{typ: field.ErrorTypeInvalid, field: f, detail: detail}
}

func ctrNotSupported(f, body string) ctrErr {
	return ctrErr{typ: field.ErrorTypeNotSupported, field: f, body: body}
}

func ctrDuplicate(f, body string) ctrErr {
	return ctrErr{typ: field.ErrorTypeDuplicate, field: f, body: body}
}

func ctrNotFound(f, body string) ctrErr {
	return ctrErr{typ: field.ErrorTypeNotFound, field: f, body: body}
}

// withBody adds the expected full message to an expected cause.
func (e ctrErr) withBody(body string) ctrErr {
	e.body = body
	return e
}

// ctrCheckErrs compares causes in order, as kube reports them.
func ctrCheckErrs(t *testing.T, got field.ErrorList, want []ctrErr) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:", len(got), len(want))
		for _, e := range got {
			t.Errorf("  got  %s | %s", e.Type, e.Error())
		}
		for _, w := range want {
			t.Errorf("  want %s | %s: %s%s", w.typ, w.field, w.detail, w.body)
		}
		return
	}
	for i, w := range want {
		g := got[i]
		if g.Type != w.typ || g.Field != w.field {
			t.Errorf("error %d: got %s at %s (%s), want %s at %s", i, g.Type, g.Field, g.ErrorBody(), w.typ, w.field)
			continue
		}
		if w.body != "" {
			if g.ErrorBody() != w.body {
				t.Errorf("error %d at %s: got message\n  %s\nwant\n  %s", i, w.field, g.ErrorBody(), w.body)
			}
		} else if g.Detail != w.detail {
			t.Errorf("error %d at %s: got detail %q, want %q", i, w.field, g.Detail, w.detail)
		}
	}
}

// ctrValid is a container as defaulting leaves it, valid on its own.
func ctrValid(name string, mutate ...func(*corev1.Container)) corev1.Container {
	c := corev1.Container{
		Name:                     name,
		Image:                    "busybox",
		ImagePullPolicy:          corev1.PullIfNotPresent,
		TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		TerminationMessagePath:   corev1.TerminationMessagePathDefault,
	}
	for _, m := range mutate {
		m(&c)
	}
	return c
}

// ctrProbe is a probe as defaulting leaves it, with an httpGet handler.
func ctrProbe(mutate ...func(*corev1.Probe)) *corev1.Probe {
	p := &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: "/", Port: ctrPort(80), Scheme: corev1.URISchemeHTTP,
		}},
		TimeoutSeconds:   1,
		PeriodSeconds:    10,
		SuccessThreshold: 1,
		FailureThreshold: 3,
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func ctrQuantities(kv ...string) corev1.ResourceList {
	list := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		list[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return list
}

var (
	ctrGrace       = ptr.To[int64](30)
	ctrAlways      = ptr.To(corev1.RestartPolicyAlways)
	ctrNever       = ptr.To(corev1.RestartPolicyNever)
	ctrSidecar     = ptr.To(corev1.ContainerRestartPolicyAlways)
	ctrCreateOpts  = OptionsFor(&corev1.Pod{}, nil)
	ctrSpecPath    = field.NewPath("spec")
	ctrContainersP = ctrSpecPath.Child("containers")
)

// validateOneContainer runs the regular-container validation on a single container named "c",
// with the given pod volumes.
func validateOneContainer(c corev1.Container, volumes map[string]corev1.VolumeSource) field.ErrorList {
	return validateContainers([]corev1.Container{c}, nil, volumes, nil, ctrGrace, ctrContainersP, ctrCreateOpts, ctrAlways, true)
}

func ctrPort(n int32) intstr.IntOrString { return intstr.FromInt32(n) }

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
	"net/url"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/conversion.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go
// The helpers here that name no upstream function of their own serve the functions that do.

// The pods/log, exec, attach, portforward and proxy handlers decode their
// query string with runtime.ParameterCodec, which needs a url.Values -> type
// conversion registered in the scheme. kube gets these from conversion-gen;
// the k8s.io/api types do not carry them, so they are written out here with
// the same rules: keys are the json tag names, a missing key resets the
// field to its zero value, and apiVersion/kind in the query are ignored
// (TypeMeta is inline, so it has no key of its own).

// AddParameterConversions registers the url.Values conversions for every
// pod subresource option type.
func AddParameterConversions(scheme *runtime.Scheme) error {
	if err := scheme.AddConversionFunc((*url.Values)(nil), (*corev1.PodLogOptions)(nil), func(a, b interface{}, s conversion.Scope) error {
		return ConvertURLValuesToPodLogOptions(a.(*url.Values), b.(*corev1.PodLogOptions), s)
	}); err != nil {
		return err
	}
	if err := scheme.AddConversionFunc((*url.Values)(nil), (*corev1.PodExecOptions)(nil), func(a, b interface{}, s conversion.Scope) error {
		return ConvertURLValuesToPodExecOptions(a.(*url.Values), b.(*corev1.PodExecOptions), s)
	}); err != nil {
		return err
	}
	if err := scheme.AddConversionFunc((*url.Values)(nil), (*corev1.PodAttachOptions)(nil), func(a, b interface{}, s conversion.Scope) error {
		return ConvertURLValuesToPodAttachOptions(a.(*url.Values), b.(*corev1.PodAttachOptions), s)
	}); err != nil {
		return err
	}
	if err := scheme.AddConversionFunc((*url.Values)(nil), (*corev1.PodPortForwardOptions)(nil), func(a, b interface{}, s conversion.Scope) error {
		return ConvertURLValuesToPodPortForwardOptions(a.(*url.Values), b.(*corev1.PodPortForwardOptions), s)
	}); err != nil {
		return err
	}
	return scheme.AddConversionFunc((*url.Values)(nil), (*corev1.PodProxyOptions)(nil), func(a, b interface{}, s conversion.Scope) error {
		return ConvertURLValuesToPodProxyOptions(a.(*url.Values), b.(*corev1.PodProxyOptions), s)
	})
}

// AddFieldLabelConversions registers ConvertFieldLabel for v1 Pods. Without
// it the list and deletecollection handlers fall back to the default that
// only knows metadata.name and metadata.namespace.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/conversion.go addConversionFuncs
func AddFieldLabelConversions(scheme *runtime.Scheme) error {
	return scheme.AddFieldLabelConversionFunc(corev1.SchemeGroupVersion.WithKind("Pod"), ConvertFieldLabel)
}

// ConvertURLValuesToPodLogOptions decodes the pods/log query string.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go Convert_url_Values_To_v1_PodLogOptions
func ConvertURLValuesToPodLogOptions(in *url.Values, out *corev1.PodLogOptions, s conversion.Scope) error {
	d := queryDecoder{values: *in, scope: s}
	d.string("container", &out.Container)
	d.bool("follow", &out.Follow)
	d.bool("previous", &out.Previous)
	d.int64Ptr("sinceSeconds", &out.SinceSeconds)
	d.timePtr("sinceTime", &out.SinceTime)
	d.bool("timestamps", &out.Timestamps)
	d.int64Ptr("tailLines", &out.TailLines)
	d.int64Ptr("limitBytes", &out.LimitBytes)
	d.bool("insecureSkipTLSVerifyBackend", &out.InsecureSkipTLSVerifyBackend)
	d.stringPtr("stream", &out.Stream)
	return d.err
}

// ConvertURLValuesToPodExecOptions decodes the pods/exec query string.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go Convert_url_Values_To_v1_PodExecOptions
func ConvertURLValuesToPodExecOptions(in *url.Values, out *corev1.PodExecOptions, s conversion.Scope) error {
	d := queryDecoder{values: *in, scope: s}
	d.bool("stdin", &out.Stdin)
	d.bool("stdout", &out.Stdout)
	d.bool("stderr", &out.Stderr)
	d.bool("tty", &out.TTY)
	d.string("container", &out.Container)
	d.strings("command", &out.Command)
	return d.err
}

// ConvertURLValuesToPodAttachOptions decodes the pods/attach query string.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go Convert_url_Values_To_v1_PodAttachOptions
func ConvertURLValuesToPodAttachOptions(in *url.Values, out *corev1.PodAttachOptions, s conversion.Scope) error {
	d := queryDecoder{values: *in, scope: s}
	d.bool("stdin", &out.Stdin)
	d.bool("stdout", &out.Stdout)
	d.bool("stderr", &out.Stderr)
	d.bool("tty", &out.TTY)
	d.string("container", &out.Container)
	return d.err
}

// ConvertURLValuesToPodPortForwardOptions decodes the pods/portforward query
// string. Each ports value may itself be a comma-separated list.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go Convert_url_Values_To_v1_PodPortForwardOptions
func ConvertURLValuesToPodPortForwardOptions(in *url.Values, out *corev1.PodPortForwardOptions, s conversion.Scope) error {
	d := queryDecoder{values: *in, scope: s}
	d.int32s("ports", &out.Ports)
	return d.err
}

// ConvertURLValuesToPodProxyOptions decodes the pods/proxy query string.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.conversion.go Convert_url_Values_To_v1_PodProxyOptions
func ConvertURLValuesToPodProxyOptions(in *url.Values, out *corev1.PodProxyOptions, s conversion.Scope) error {
	d := queryDecoder{values: *in, scope: s}
	d.string("path", &out.Path)
	return d.err
}

// queryDecoder stops at the first error so that, as upstream, the reported
// error is the one for the earliest field in declaration order and later
// fields are left untouched.
type queryDecoder struct {
	values url.Values
	scope  conversion.Scope
	err    error
}

// get treats a key mapped to an empty slice like a missing one, as upstream
// does. A bare "?follow" parses to [""], so it still counts as present.
func (d *queryDecoder) get(key string) ([]string, bool) {
	if d.err != nil {
		return nil, false
	}
	v, ok := d.values[key]
	return v, ok && len(v) > 0
}

func (d *queryDecoder) string(key string, out *string) {
	if v, ok := d.get(key); ok {
		d.err = runtime.Convert_Slice_string_To_string(&v, out, d.scope)
	} else if d.err == nil {
		*out = ""
	}
}

func (d *queryDecoder) bool(key string, out *bool) {
	if v, ok := d.get(key); ok {
		d.err = runtime.Convert_Slice_string_To_bool(&v, out, d.scope)
	} else if d.err == nil {
		*out = false
	}
}

func (d *queryDecoder) int64Ptr(key string, out **int64) {
	if v, ok := d.get(key); ok {
		d.err = runtime.Convert_Slice_string_To_Pointer_int64(&v, out, d.scope)
	} else if d.err == nil {
		*out = nil
	}
}

func (d *queryDecoder) timePtr(key string, out **metav1.Time) {
	if v, ok := d.get(key); ok {
		d.err = metav1.Convert_Slice_string_To_Pointer_v1_Time(&v, out, d.scope)
	} else if d.err == nil {
		*out = nil
	}
}

// stringPtr has no apimachinery helper; kube keeps its own in the core/v1
// package, which this project cannot import.
func (d *queryDecoder) stringPtr(key string, out **string) {
	if v, ok := d.get(key); ok {
		first := v[0]
		*out = &first
	} else if d.err == nil {
		*out = nil
	}
}

// strings copies rather than aliases the request's slice so later edits to
// the options cannot reach back into the caller's url.Values.
func (d *queryDecoder) strings(key string, out *[]string) {
	if v, ok := d.get(key); ok {
		*out = append([]string(nil), v...)
	} else if d.err == nil {
		*out = nil
	}
}

// int32s resets first because the apimachinery helper appends; kube always
// decodes into a fresh object, so ports never accumulate there either.
func (d *queryDecoder) int32s(key string, out *[]int32) {
	if v, ok := d.get(key); ok {
		*out = nil
		d.err = metav1.Convert_Slice_string_To_Slice_int32(&v, out, d.scope)
	} else if d.err == nil {
		*out = nil
	}
}

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
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/diff"
)

// kube-apiserver validates its internal copies of objects, whose types mirror k8s.io/api/core/v1
// field for field but carry no JSON tags. Where kube prints an object in an error (the diff of a
// forbidden pod update, the bad value of some Invalid errors) the text therefore shows Go field
// names, every field including empty ones, and embedded structs flattened. internalJSON renders
// v1 values in that shape so our messages read the same.

var corev1PkgPath = reflect.TypeFor[corev1.Pod]().PkgPath()

// internalJSON marshals the wrapped v1 value as kube's internal type of it would marshal.
type internalJSON struct{ v any }

func (j internalJSON) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := writeInternalJSON(&buf, reflect.ValueOf(j.v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// internalDiff is kube's diff of two objects, as shown in forbidden update errors.
func internalDiff(a, b any) string {
	return diff.Diff(internalJSON{a}, internalJSON{b})
}

func writeInternalJSON(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return writeInternalJSON(buf, v.Elem())
	case reflect.Struct:
		if v.Type().PkgPath() != corev1PkgPath {
			// Types shared with the internal API (metav1, resource, intstr) keep their own
			// encoding.
			return writeStdJSON(buf, v)
		}
		buf.WriteByte('{')
		first := true
		if err := writeInternalFields(buf, v, &first); err != nil {
			return err
		}
		buf.WriteByte('}')
		return nil
	case reflect.Map:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("unsupported map key type %s", v.Type().Key())
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeStdJSON(buf, reflect.ValueOf(k.String())); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeInternalJSON(buf, v.MapIndex(k)); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case reflect.Slice:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return writeStdJSON(buf, v)
		}
		fallthrough
	case reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeInternalJSON(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	default:
		return writeStdJSON(buf, v)
	}
}

// writeInternalFields writes the members of a v1 struct, flattening embedded structs in place
// as encoding/json does for untagged embedded fields.
func writeInternalFields(buf *bytes.Buffer, v reflect.Value, first *bool) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Anonymous {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				if err := writeEmbedded(buf, fv, first); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if !*first {
			buf.WriteByte(',')
		}
		*first = false
		if err := writeStdJSON(buf, reflect.ValueOf(f.Name)); err != nil {
			return err
		}
		buf.WriteByte(':')
		if err := writeInternalJSON(buf, fv); err != nil {
			return err
		}
	}
	return nil
}

func writeEmbedded(buf *bytes.Buffer, v reflect.Value, first *bool) error {
	if v.Type().PkgPath() == corev1PkgPath {
		return writeInternalFields(buf, v, first)
	}
	// A shared type (metav1.ObjectMeta in a claim template) is flattened with its own tags.
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	inner := bytes.TrimSpace(raw)
	if len(inner) < 2 || inner[0] != '{' {
		return fmt.Errorf("embedded %s did not encode as an object", v.Type())
	}
	inner = inner[1 : len(inner)-1]
	if len(inner) == 0 {
		return nil
	}
	if !*first {
		buf.WriteByte(',')
	}
	*first = false
	buf.Write(inner)
	return nil
}

func writeStdJSON(buf *bytes.Buffer, v reflect.Value) error {
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	buf.Write(raw)
	return nil
}

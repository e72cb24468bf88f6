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

package render

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Expand replaces $(NAME) in s with env[NAME] as the kubelet expands a container's command, args
// and env: a reference to an unknown name is left as written, and $$ is a literal $.
// k8s.io/kubernetes@v1.37.2 third_party/forked/golang/expansion Expand
func Expand(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok && name != "" {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// Env is the environment the kubelet gives container c of pod: plain values (themselves expanded
// against the earlier ones) and the pod fields the manifests use.
func Env(pod *corev1.Pod, c *corev1.Container) (map[string]string, error) {
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = Expand(e.Value, env)
		case e.ValueFrom.FieldRef != nil:
			switch e.ValueFrom.FieldRef.FieldPath {
			case "metadata.name":
				env[e.Name] = pod.Name
			case "metadata.namespace":
				env[e.Name] = pod.Namespace
			default:
				return nil, fmt.Errorf("env %s: field %s is not provided here", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
		default:
			return nil, fmt.Errorf("env %s: only values and field references are provided here", e.Name)
		}
	}
	return env, nil
}

// Args is c's command line after expansion, as the kubelet hands it to the runtime.
func Args(c *corev1.Container, env map[string]string) (command, args []string) {
	for _, s := range c.Command {
		command = append(command, Expand(s, env))
	}
	for _, s := range c.Args {
		args = append(args, Expand(s, env))
	}
	return command, args
}

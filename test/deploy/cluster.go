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

// Package deploy runs the pods of the rendered manifests as Docker containers, as a kubelet would
// run them (images, args after $(VAR) expansion, env, users, read-only roots, Secrets and
// ConfigMaps as files with their modes and fsGroup ownership, emptyDirs, one volume per PVC), on a
// network of their own where the Services' and the StatefulSet pods' DNS names resolve.
package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

// prefix names every container, network and folder this package makes.
const prefix = "pa-deploy-"

// docker runs the docker CLI and returns its trimmed stdout.
func docker(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// Pod is one replica running as a container.
type Pod struct {
	Pod       *corev1.Pod
	Workload  render.Workload
	Container string // docker container name
	IP        string
	Publish   string // a `docker run -p` value, or empty
}

// Cluster is the rendered overlay running on one docker network.
type Cluster struct {
	Network string
	Dir     string // host folder holding the pods' volumes
	Objects []runtime.Object
	Pods    []*Pod

	publish map[string]string
}

// PodsOf returns the pods of the named workload, in replica order.
func (c *Cluster) PodsOf(name string) []*Pod {
	var out []*Pod
	for _, p := range c.Pods {
		if p.Workload.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// dnsNames are the names the cluster DNS would give pod: those of every Service selecting it and,
// for a StatefulSet pod, its own name under the governing Service.
func dnsNames(pod *corev1.Pod, objs []runtime.Object) []string {
	var names []string
	qualified := func(name, ns string) []string {
		return []string{name, name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local"}
	}
	for _, obj := range objs {
		svc, ok := obj.(*corev1.Service)
		if !ok || svc.Namespace != pod.Namespace || len(svc.Spec.Selector) == 0 {
			continue
		}
		if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			continue
		}
		names = append(names, qualified(svc.Name, svc.Namespace)...)
		if svc.Name == pod.Spec.Subdomain && pod.Spec.Hostname != "" {
			names = append(names, qualified(pod.Spec.Hostname+"."+svc.Name, svc.Namespace)...)
		}
	}
	return names
}

// Start creates the network and one container per replica of every workload in objs, all at
// once as a Parallel StatefulSet and a Deployment would. publish maps "<workload>-<replica>" to a
// `docker run -p` value, for the pod that stands in for a node port.
func Start(ctx context.Context, name, dir string, objs []runtime.Object, publish map[string]string) (*Cluster, error) {
	c := &Cluster{Network: prefix + name, Dir: dir, Objects: objs, publish: publish}
	if _, err := docker(ctx, "network", "create", c.Network); err != nil {
		return c, err
	}
	for _, w := range render.Workloads(objs) {
		for i := 0; i < int(w.Replicas); i++ {
			p := &Pod{Pod: w.Pod(i), Workload: w, Container: prefix + name + "-" + w.PodName(i), Publish: c.publish[fmt.Sprintf("%s-%d", w.Name, i)]}
			c.Pods = append(c.Pods, p)
			if err := c.create(ctx, p); err != nil {
				return c, err
			}
		}
	}
	for _, p := range c.Pods {
		if err := c.StartPod(ctx, p); err != nil {
			return c, err
		}
	}
	return c, nil
}

// create makes p's container: `docker create` with what the kubelet would give it.
func (c *Cluster) create(ctx context.Context, p *Pod) error {
	spec := &p.Pod.Spec
	if len(spec.Containers) != 1 || len(spec.InitContainers) != 0 {
		return fmt.Errorf("%s: one container per pod is all this runner does", p.Pod.Name)
	}
	ctr := &spec.Containers[0]
	args := []string{"create", "--name", p.Container, "--network", c.Network, "--hostname", p.Pod.Name}
	if p.Publish != "" {
		args = append(args, "--publish", p.Publish)
	}
	for _, alias := range dnsNames(p.Pod, c.Objects) {
		args = append(args, "--network-alias", alias)
	}

	// Security context: the container's settings win over the pod's, as in the kubelet.
	psc := spec.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	csc := ctr.SecurityContext
	if csc == nil {
		csc = &corev1.SecurityContext{}
	}
	uid, gid := psc.RunAsUser, psc.RunAsGroup
	if csc.RunAsUser != nil {
		uid = csc.RunAsUser
	}
	if csc.RunAsGroup != nil {
		gid = csc.RunAsGroup
	}
	if uid != nil {
		user := strconv.FormatInt(*uid, 10)
		if gid != nil {
			user += ":" + strconv.FormatInt(*gid, 10)
		}
		args = append(args, "--user", user)
	}
	if psc.FSGroup != nil {
		args = append(args, "--group-add", strconv.FormatInt(*psc.FSGroup, 10))
	}
	if csc.ReadOnlyRootFilesystem != nil && *csc.ReadOnlyRootFilesystem {
		args = append(args, "--read-only")
	}
	if csc.AllowPrivilegeEscalation != nil && !*csc.AllowPrivilegeEscalation {
		args = append(args, "--security-opt", "no-new-privileges")
	}
	if csc.Capabilities != nil {
		for _, cap := range csc.Capabilities.Drop {
			args = append(args, "--cap-drop", string(cap))
		}
		for _, cap := range csc.Capabilities.Add {
			args = append(args, "--cap-add", string(cap))
		}
	}
	if mem, ok := ctr.Resources.Limits[corev1.ResourceMemory]; ok {
		args = append(args, "--memory", strconv.FormatInt(mem.Value(), 10))
	}
	if cpu, ok := ctr.Resources.Limits[corev1.ResourceCPU]; ok {
		args = append(args, "--cpus", strconv.FormatFloat(float64(cpu.MilliValue())/1000, 'f', 3, 64))
	}
	if spec.TerminationGracePeriodSeconds != nil {
		args = append(args, "--stop-timeout", strconv.FormatInt(*spec.TerminationGracePeriodSeconds, 10))
	}

	env, err := render.Env(p.Pod, ctr)
	if err != nil {
		return err
	}
	for _, e := range ctr.Env {
		args = append(args, "--env", e.Name+"="+env[e.Name])
	}
	mounts, err := c.volumes(p, ctr)
	if err != nil {
		return err
	}
	args = append(args, mounts...)
	command, cargs := render.Args(ctr, env)
	if len(command) > 0 {
		args = append(args, "--entrypoint", command[0])
	}
	args = append(args, ctr.Image)
	if len(command) > 1 {
		args = append(args, command[1:]...)
	}
	args = append(args, cargs...)
	_, err = docker(ctx, args...)
	return err
}

// volumes lays out p's volumes under the cluster's folder as the kubelet would on its node and
// returns the docker flags that mount them. With an fsGroup, the kubelet makes every volume group
// owned by it (group read for Secrets and ConfigMaps, group write for the rest, setgid folders).
func (c *Cluster) volumes(p *Pod, ctr *corev1.Container) ([]string, error) {
	spec := &p.Pod.Spec
	fsGroup := -1
	if spec.SecurityContext != nil && spec.SecurityContext.FSGroup != nil {
		fsGroup = int(*spec.SecurityContext.FSGroup)
	}
	var flags []string
	for _, m := range ctr.VolumeMounts {
		var vol *corev1.Volume
		for i := range spec.Volumes {
			if spec.Volumes[i].Name == m.Name {
				vol = &spec.Volumes[i]
			}
		}
		if vol == nil {
			return nil, fmt.Errorf("%s: mount of unknown volume %q", p.Pod.Name, m.Name)
		}
		host := filepath.Join(c.Dir, p.Pod.Name, m.Name)
		files := map[string][]byte{}
		var mode *int32
		switch {
		case vol.Secret != nil:
			data, err := c.secretData(vol.Secret.SecretName)
			if err != nil {
				return nil, err
			}
			files, mode = data, vol.Secret.DefaultMode
		case vol.ConfigMap != nil:
			data, err := c.configMapData(vol.ConfigMap.Name)
			if err != nil {
				return nil, err
			}
			files, mode = data, vol.ConfigMap.DefaultMode
		case vol.EmptyDir != nil:
		case vol.PersistentVolumeClaim != nil:
			// One folder per claim, kept across restarts of the pod as a PV would be.
			host = filepath.Join(c.Dir, "pvc", vol.PersistentVolumeClaim.ClaimName)
		default:
			return nil, fmt.Errorf("%s: volume %q: kind not supported here", p.Pod.Name, m.Name)
		}
		if err := os.MkdirAll(host, 0o755); err != nil {
			return nil, err
		}
		dirMode := os.FileMode(0o777)
		if len(files) > 0 || vol.Secret != nil || vol.ConfigMap != nil {
			dirMode = 0o755
		}
		for name, data := range files {
			fileMode := os.FileMode(0o644)
			if mode != nil {
				fileMode = os.FileMode(*mode)
			}
			if fsGroup >= 0 {
				fileMode |= 0o440
			}
			path := filepath.Join(host, name)
			if err := os.WriteFile(path, data, fileMode); err != nil {
				return nil, err
			}
			if err := os.Chmod(path, fileMode); err != nil {
				return nil, err
			}
			if fsGroup >= 0 {
				if err := os.Chown(path, 0, fsGroup); err != nil {
					return nil, err
				}
			}
		}
		if fsGroup >= 0 {
			if err := os.Chown(host, 0, fsGroup); err != nil {
				return nil, err
			}
			dirMode |= os.ModeSetgid | 0o070
		}
		if err := os.Chmod(host, dirMode); err != nil {
			return nil, err
		}
		opt := "rw"
		if m.ReadOnly || vol.Secret != nil || vol.ConfigMap != nil {
			opt = "ro"
		}
		flags = append(flags, "--volume", host+":"+m.MountPath+":"+opt)
	}
	return flags, nil
}

func (c *Cluster) secretData(name string) (map[string][]byte, error) {
	for _, obj := range c.Objects {
		if s, ok := obj.(*corev1.Secret); ok && s.Name == name {
			out := map[string][]byte{}
			for k, v := range s.Data {
				out[k] = v
			}
			for k, v := range s.StringData {
				out[k] = []byte(v)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("no Secret %q in the rendered manifests", name)
}

func (c *Cluster) configMapData(name string) (map[string][]byte, error) {
	for _, obj := range c.Objects {
		if cm, ok := obj.(*corev1.ConfigMap); ok && cm.Name == name {
			out := map[string][]byte{}
			for k, v := range cm.Data {
				out[k] = []byte(v)
			}
			for k, v := range cm.BinaryData {
				out[k] = v
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("no ConfigMap %q in the rendered manifests", name)
}

// StartPod starts p's container and learns its address.
func (c *Cluster) StartPod(ctx context.Context, p *Pod) error {
	if _, err := docker(ctx, "start", p.Container); err != nil {
		return err
	}
	ip, err := docker(ctx, "inspect", "-f", "{{(index .NetworkSettings.Networks \""+c.Network+"\").IPAddress}}", p.Container)
	if err != nil {
		return err
	}
	if ip == "" {
		return fmt.Errorf("%s has no address on %s", p.Container, c.Network)
	}
	p.IP = ip
	return nil
}

// StopPod sends SIGTERM (docker stop), waits up to the grace period and returns the exit code.
func (c *Cluster) StopPod(ctx context.Context, p *Pod) (int, error) {
	grace := 30
	if g := p.Pod.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = int(*g)
	}
	if _, err := docker(ctx, "stop", "-t", strconv.Itoa(grace), p.Container); err != nil {
		return -1, err
	}
	out, err := docker(ctx, "inspect", "-f", "{{.State.ExitCode}}", p.Container)
	if err != nil {
		return -1, err
	}
	return strconv.Atoi(out)
}

// Logs returns the tail of p's output, for failure reports.
func (c *Cluster) Logs(ctx context.Context, p *Pod) string {
	out, err := exec.CommandContext(ctx, "docker", "logs", "--tail", "40", p.Container).CombinedOutput()
	if err != nil {
		return err.Error()
	}
	return string(out)
}

// Remove deletes the containers and the network; the volumes' folder is the caller's.
func (c *Cluster) Remove() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range c.Pods {
		_, _ = docker(ctx, "rm", "-f", "-v", p.Container)
	}
	_, _ = docker(ctx, "network", "rm", c.Network)
}

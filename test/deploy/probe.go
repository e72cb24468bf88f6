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

package deploy

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

var probeClient = &http.Client{
	Timeout: 2 * time.Second,
	// The kubelet does not verify a probe's certificate.
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
}

// Probe runs one of p's probes as the kubelet does and returns the HTTP status (or an error).
func Probe(ctx context.Context, p *Pod, probe *corev1.Probe) (int, error) {
	if probe.HTTPGet == nil {
		return 0, fmt.Errorf("only httpGet probes are run here")
	}
	get := probe.HTTPGet
	port, err := resolvePort(&p.Pod.Spec.Containers[0], get.Port)
	if err != nil {
		return 0, err
	}
	scheme := "http"
	if get.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	url := scheme + "://" + net.JoinHostPort(p.IP, strconv.Itoa(port)) + get.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func resolvePort(c *corev1.Container, port intstr.IntOrString) (int, error) {
	if port.Type == intstr.Int {
		return port.IntValue(), nil
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return int(p.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("no port named %q", port.StrVal)
}

// get returns the body of a plain GET.
func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// Ready tells whether p's readiness probe succeeds now (a 2xx or 3xx, as the kubelet counts it).
func Ready(ctx context.Context, p *Pod) bool {
	probe := p.Pod.Spec.Containers[0].ReadinessProbe
	if probe == nil {
		return true
	}
	code, err := Probe(ctx, p, probe)
	return err == nil && code >= 200 && code < 400
}

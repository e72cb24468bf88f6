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

// Command kubectl is upstream kubectl rebuilt from the k8s.io/kubectl module,
// because k8s.io/kubectl ships no main package and prebuilt binaries cannot be
// downloaded in CI. It mirrors cmd/kubectl in k8s.io/kubernetes.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"

	// Registers exec/OIDC auth providers so kubeconfigs that use them work.
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

func main() {
	// Verbosity must be known before command construction, which already logs
	// (plugin lookup, .kuberc parsing) before cobra has parsed any flags.
	logs.GlogSetter(cmd.GetLogVerbosity(os.Args)) //nolint:errcheck
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}

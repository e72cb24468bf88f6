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

package main

import (
	"os"
	"testing"
)

// The server's CPU time is read from /proc: a process that burns CPU sees it grow.
func TestProcessCPUSeconds(t *testing.T) {
	before, err := processCPUSeconds(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := 0; ; i++ {
		x += i * i
		if i%1_000_000 == 0 {
			now, err := processCPUSeconds(os.Getpid())
			if err != nil {
				t.Fatal(err)
			}
			if now > before {
				return
			}
			if now < before || i > 20_000_000_000 {
				t.Fatalf("CPU time went from %v to %v (%d)", before, now, x)
			}
		}
	}
}

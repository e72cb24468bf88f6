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
	"k8s.io/apimachinery/pkg/api/resource"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The format checks every family shares, so that a name is rejected with the same cause wherever
// it appears.

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateDNS1123Label
func validateDNS1123Label(value string, fldPath *field.Path) field.ErrorList {
	return invalidForEach(value, utilvalidation.IsDNS1123Label(value), fldPath)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateDNS1123Subdomain
func validateDNS1123Subdomain(value string, fldPath *field.Path) field.ErrorList {
	return invalidForEach(value, utilvalidation.IsDNS1123Subdomain(value), fldPath)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateDNS1123SubdomainWithUnderScore
func validateDNS1123SubdomainWithUnderscore(value string, fldPath *field.Path) field.ErrorList {
	return invalidForEach(value, utilvalidation.IsDNS1123SubdomainWithUnderscore(value), fldPath)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateQualifiedName
func validateQualifiedName(value string, fldPath *field.Path) field.ErrorList {
	return invalidForEach(value, utilvalidation.IsQualifiedName(value), fldPath)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNonnegativeField
func validateNonnegativeField(value int64, fldPath *field.Path) field.ErrorList {
	return apimachineryvalidation.ValidateNonnegativeField(value, fldPath)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNonnegativeQuantity
func validateNonnegativeQuantity(value resource.Quantity, fldPath *field.Path) field.ErrorList {
	if value.Sign() < 0 {
		return field.ErrorList{field.Invalid(fldPath, value.String(), apimachineryvalidation.IsNegativeErrorMsg)}
	}
	return nil
}

func invalidForEach(value string, msgs []string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, msg := range msgs {
		allErrs = append(allErrs, field.Invalid(fldPath, value, msg))
	}
	return allErrs
}

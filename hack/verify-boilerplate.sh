#!/usr/bin/env bash
# Fails when a Go file lacks the licence header of hack/boilerplate.go.txt. Generated files carry it
# too (openapi-gen is given the same header), so no file is exempt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The header's licence line is what a reader and the tooling look for; the copyright line is fixed.
missing=()
while IFS= read -r -d '' f; do
	if ! head -n 25 "$f" | grep -q 'Copyright The pod-apiserver Authors.' ||
		! head -n 25 "$f" | grep -q 'Licensed under the Apache License, Version 2.0 (the "License");'; then
		missing+=("$f")
	fi
done < <(git ls-files -z --cached --others --exclude-standard -- '*.go')
if ((${#missing[@]})); then
	echo "Go files without the licence header of hack/boilerplate.go.txt:" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi

#!/bin/sh
# Writes the mixin's rule file to prometheus/nscope-rules.yaml and the chart's copy. Needs jsonnet
# (Debian: apt-get install jsonnet). MixinTest fails when either differs from what this writes.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
jsonnet -J mixin -S mixin/nscope-rules.jsonnet > "$out"
cp "$out" prometheus/nscope-rules.yaml
cp "$out" helm/nscope/files/nscope-rules.yaml
echo "wrote prometheus/nscope-rules.yaml and helm/nscope/files/nscope-rules.yaml"

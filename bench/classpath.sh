#!/usr/bin/env bash
# Compiles the project (main and test classes) and prints a classpath for the benchmark harnesses:
# the modules' own target/classes folders first, then every dependency at test scope.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/pipelines/target/bench-classpath.txt"
(cd "$root" && mvn -q -B -ntp -pl pipelines -am test-compile dependency:build-classpath \
  -Dspotless.check.skip=true -Dmdep.outputFile=target/bench-classpath.txt) >&2
mods=""
for m in pipelines gateway transforms io-connectors; do
  mods="$mods:$root/$m/target/test-classes:$root/$m/target/classes"
done
echo "${mods#:}:$(cat "$out")"

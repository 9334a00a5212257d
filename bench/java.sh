#!/usr/bin/env bash
# Runs a main class of the project with the benchmark classpath and the JVM flags the jobs need.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp="$("$here/classpath.sh")"
exec java -Xmx6g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile="$here/logback-bench.xml" -Djdk.httpclient.allowRestrictedHeaders=content-length \
  --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "$cp" "$@"

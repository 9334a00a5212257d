#!/usr/bin/env bash
# Streaming sync benchmark: sustained events/s and replication lag (p50/p99) of the sync job on
# the embedded Flink, fed by the load generator through an in-process KRaft broker.
# Source on an in-process S3Proxy endpoint, replica on local disk.
# Usage: bench/sync.sh [RATES SECONDS MIN_SIZE MAX_SIZE]   (defaults: 500,1000,2000 30 1024 1048576)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/java.sh" io.skyrelay.pipelines.bench.SyncBenchmark "$@"

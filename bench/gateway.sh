#!/usr/bin/env bash
# Gateway benchmark: PUT/GET throughput of large objects and the latency of small-object requests,
# through a one-region gateway against the same S3Proxy directly, side by side in one run.
# Usage: bench/gateway.sh [SIZES_MIB ROUNDS SMALL_REQUESTS]   (defaults: 1,16,256,1024 3 500)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec "$here/java.sh" io.skyrelay.gateway.bench.GatewayBenchmark "$@"

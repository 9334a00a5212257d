#!/usr/bin/env bash
# Connector benchmark: one object through each connector against its local server, written in a
# single stream and as parallel parts, read in a single stream and as parallel ranges.
# Usage: bench/connectors.sh [SIZE_MIB PARALLEL ROUNDS STORES]   (defaults: 1024 8 3 local,s3,azure,gcs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec "$here/java.sh" io.skyrelay.connectors.bench.ConnectorBenchmark "$@"

#!/usr/bin/env bash
# Swift benchmark: one object through the Swift connector, the swift CLI (python-swiftclient) and
# rclone's Swift backend against the same Swift all-in-one (Debian's packages, started here), each
# written in one request and as large objects of parallel segments, then read back.
# Usage: bench/swift.sh [SIZE_MIB SEGMENT_MIB PARALLEL ROUNDS]   (defaults: 1024 64 4 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec "$here/java.sh" io.skyrelay.connectors.bench.SwiftBenchmark "$@"

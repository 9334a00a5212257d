#!/usr/bin/env bash
# Start of a job, end to end as a user runs it, on 20 local objects of 0.5-8 KiB:
#   cluster:  skyrelay replicate --flinkMaster to a running `skyrelay cluster` (one TaskManager,
#             2 slots): the first submission (builds and uploads the job jar into an empty cache),
#             then RUNS more (the cluster has the jar)
#   embedded: skyrelay replicate on the embedded Flink, RUNS times, with the start-up times of
#             its debug log (-v): launch to options parsed, pipeline built, runner started, first
#             object to copy, first object copied
# Every run copies into a fresh folder and is checked against the source (diff -r).
# Usage: bench/cluster-submit.sh [RUNS]   (default 5; prints medians)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${1:-5}"
work="${BENCH_DIR:-$root/bench/out/cluster-submit}"
rm -rf "$work"
mkdir -p "$work/src" "$work/logs"
sky="$root/skyrelay"
"$sky" --version >/dev/null # builds on first use

for i in $(seq 1 20); do head -c $((512 + RANDOM % 7681)) /dev/urandom >"$work/src/obj-$i"; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rest=$(free_port)
m=$(free_port)
home="$work/cluster"
trap '"$sky" cluster stop --home "$home" >/dev/null 2>&1 || true' EXIT
"$sky" cluster start --home "$home" --rest-port "$rest" --rpc-port "$(free_port)" \
  --blob-port "$(free_port)" --metrics-ports "$m-$((m + 3))" >"$work/logs/cluster-start.log"
export SKYRELAY_CACHE="$work/cache" # empty: the first submission builds and uploads the jar

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
one() { # NAME ARGS...: runs replicate, checks the copy, prints the seconds it took
  local name="$1"
  shift
  local t0 t1
  t0=$(now)
  "$sky" replicate "file://$work/src" "file://$work/dst-$name" --output "$work/runs/$name" \
    --stats 0 -v "$@" >"$work/logs/$name.log" 2>&1
  t1=$(now)
  diff -r --exclude=.skyrelay "$work/src" "$work/dst-$name" >/dev/null || { echo "copy $name differs" >&2; exit 1; }
  echo "$t1 - $t0" | bc
}

echo "== cluster at 127.0.0.1:$rest"
first=$(one cluster-first --flinkMaster "127.0.0.1:$rest")
grep -q "uploading the job's jar" "$work/logs/cluster-first.log"
: >"$work/cluster-later.txt"
: >"$work/embedded.txt"
: >"$work/startup.txt"
for r in $(seq 1 "$runs"); do
  # interleaved, so both share the machine's noise
  one "cluster-$r" --flinkMaster "127.0.0.1:$rest" >>"$work/cluster-later.txt"
  if grep -q "uploading the job's jar" "$work/logs/cluster-$r.log"; then
    echo "submission $r uploaded the jar again" >&2
    exit 1
  fi
  one "embedded-$r" >>"$work/embedded.txt"
  grep -o 'start-up, ms after the JVM started: .*' "$work/logs/embedded-$r.log" >>"$work/startup.txt"
done

printf '%-44s %s\n' "cluster, first submission (builds, uploads)" "${first} s"
printf '%-44s %s s (runs: %s)\n' "cluster, later submissions, median" \
  "$(median <"$work/cluster-later.txt")" "$(paste -sd' ' "$work/cluster-later.txt")"
printf '%-44s %s s (runs: %s)\n' "embedded, median" \
  "$(median <"$work/embedded.txt")" "$(paste -sd' ' "$work/embedded.txt")"
echo "embedded start-up, median ms after the JVM started:"
for step in main "options parsed" "job prepared" "pipeline built" "runner started" \
  "first object to copy" "first object copied"; do
  printf '  %-22s %s\n' "$step" \
    "$(grep -o "$step [0-9]*" "$work/startup.txt" | awk '{print $NF}' | median)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

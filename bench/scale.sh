#!/usr/bin/env bash
# Scale benchmark: many small objects (0.5-8 KiB), where each tool's own per-object cost shows.
#   local: N_LOCAL files on local disk, file:// to file://  (skyrelay, rclone default, rclone best
#          flags, rsync)
#   s3:    N_S3 objects in one S3Proxy bucket copied to another bucket of the same S3Proxy
#          (skyrelay, rclone default, rclone best flags)
# Every tool first copies into a fresh destination ("copy"), then runs again with nothing to copy
# ("rerun"); rounds interleave the tools so they share the machine's noise. Each run is timed by
# /usr/bin/time -v (wall seconds, CPU seconds user+system, peak RSS) and verified afterwards,
# untimed: object count and total bytes of the destination equal the source's (rclone size).
# The table gives medians of RUNS rounds and each tool's wall time over skyrelay's.
# Usage: bench/scale.sh [N_LOCAL] [N_S3] [RUNS] [CASES]   (defaults: 1000000 100000 3 local,s3)
# SKYRELAY names the command to run instead of ./skyrelay (e.g. a launcher with other JVM flags).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
n_local="${1:-1000000}"
n_s3="${2:-100000}"
runs="${3:-3}"
cases="${4:-local,s3}"
work="${BENCH_DIR:-$root/bench/out/scale}"
sky="${SKYRELAY:-$root/skyrelay}"
rm -rf "$work/dst" "$work/runs" "$work/logs"
mkdir -p "$work/logs" "$work/dst" "$work/runs"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need rclone || ! need rsync || ! [ -x /usr/bin/time ]; then
  echo "== installing rclone, rsync and time (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone rsync time >/dev/null
fi
RCLONE="env -u AWS_CA_BUNDLE rclone"
# a local destination of skyrelay keeps its bookkeeping (sidecars, temporaries) under .skyrelay
SIZE="$RCLONE size --json --exclude /.skyrelay/**"

echo "== building"
"$sky" --version >/dev/null

# gen DIR N: N files of 0.5-8 KiB, 1,000 to a folder (d0000/f0000000 ...); kept between runs
gen() {
  local dir=$1 n=$2
  if [ -f "$dir.done" ] && [ "$(cat "$dir.done")" = "$n" ]; then return; fi
  echo "== generating $n files in $dir"
  rm -rf "$dir"
  python3 - "$dir" "$n" <<'PY'
import os, random, sys
base, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(19)
blob = os.urandom(8192 + 4096)
for i in range(n):
    d = os.path.join(base, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    size = rnd.randint(512, 8192)
    off = rnd.randint(0, 4096)
    with open(os.path.join(d, "f%07d" % i), "wb") as f:
        f.write(blob[off:off + size])
PY
  echo "$n" >"$dir.done"
}

servers_pid=""
cleanup() {
  if [ -n "$servers_pid" ]; then exec 3>&- || true; wait "$servers_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [[ ",$cases," == *,s3,* ]]; then
  gen "$work/data-s3" "$n_s3"
  echo "== starting S3Proxy"
  cp="$("$here/classpath.sh")"
  rm -f "$work/servers.in" "$work/servers.out"
  mkfifo "$work/servers.in"
  java -Xmx4g -Dlogback.configurationFile="$here/logback-bench.xml" -cp "$cp" \
    io.skyrelay.pipelines.bench.S3Servers "$work/s3" 1 <"$work/servers.in" >"$work/servers.out" 2>"$work/logs/servers.err" &
  servers_pid=$!
  exec 3>"$work/servers.in"
  for _ in $(seq 1 300); do grep -q READY "$work/servers.out" 2>/dev/null && break; sleep 0.2; done
  grep -q READY "$work/servers.out" || { echo "S3Proxy did not start"; cat "$work/logs/servers.err"; exit 1; }
  ep=$(awk '$1=="ENDPOINT" && $2==0 {print $3}' "$work/servers.out")
  key=$(awk '$1=="ACCESS_KEY" {print $2}' "$work/servers.out")
  secret=$(awk '$1=="SECRET_KEY" {print $2}' "$work/servers.out")
  export RCLONE_CONFIG_A_TYPE=s3 RCLONE_CONFIG_A_PROVIDER=Other RCLONE_CONFIG_A_ENDPOINT="$ep" \
    RCLONE_CONFIG_A_ACCESS_KEY_ID="$key" RCLONE_CONFIG_A_SECRET_ACCESS_KEY="$secret"
  export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret"
  echo "== uploading $n_s3 objects to s3://src (untimed)"
  $RCLONE mkdir A:src
  $RCLONE copy --transfers 32 --checkers 32 "$work/data-s3" A:src
  cat >"$work/stores.yaml" <<YAML
stores:
  - uri: s3://
    endpoint: $ep
    region-name: us-east-1
    access-key-id: \${env:AWS_ACCESS_KEY_ID}
    secret-access-key: \${env:AWS_SECRET_ACCESS_KEY}
YAML
fi
if [[ ",$cases," == *,local,* ]]; then
  gen "$work/data-local" "$n_local"
fi

# run CASE TOOL OP ROUND -> "wall cpu rss_mib" on stdout (or FAILED/WRONG)
run() {
  local case=$1 tool=$2 op=$3 round=$4
  local name="$case-$tool-$round"
  local src dst
  if [ "$case" = local ]; then
    src="$work/data-local"
    dst="$work/dst/$name"
  else
    src="A:src"
    dst="A:dst-$name"
  fi
  if [ "$op" = copy ]; then
    if [ "$case" = local ]; then rm -rf "$dst"; mkdir -p "$dst"; else $RCLONE mkdir "$dst"; fi
  fi
  local log="$work/logs/$name-$op.log" t="$work/logs/$name-$op.time" status=0
  local cmd=()
  case "$case/$tool" in
    local/skyrelay) cmd=("$sky" replicate "file://$src" "file://$dst" --output "$work/runs/$name-$op") ;;
    s3/skyrelay)
      cmd=("$sky" replicate "s3://src" "s3://dst-$name" --stores "$work/stores.yaml" --output "$work/runs/$name-$op") ;;
    */rclone-default) cmd=(env -u AWS_CA_BUNDLE rclone copy "$src" "$dst") ;;
    local/rclone-best)
      cmd=(env -u AWS_CA_BUNDLE rclone copy --transfers 16 --checkers 32 --size-only "$src" "$dst") ;;
    s3/rclone-best)
      cmd=(env -u AWS_CA_BUNDLE rclone copy --transfers 64 --checkers 64 --fast-list --size-only
        --s3-no-check-bucket --s3-no-head "$src" "$dst") ;;
    local/rsync) cmd=(rsync -a "$src/" "$dst/") ;;
  esac
  /usr/bin/time -v -o "$t" "${cmd[@]}" >"$log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then echo "FAILED($status)"; return; fi
  local want got
  want=$($SIZE "$src")
  got=$($SIZE "$dst")
  if [ "$want" != "$got" ]; then
    echo "WRONG"
    echo "$case $tool $op $round: want $want got $got" >>"$work/errors.txt"
    return
  fi
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i]}
    /User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2}
    END {printf "%.2f %.2f %.0f\n", w, u + s, m / 1024}' "$t"
}

# one untimed skyrelay run first: the launcher records its class-data archive on the first run
echo "== warm-up run of skyrelay (untimed)"
mkdir -p "$work/warm/src/a" && echo warm >"$work/warm/src/a/x"
"$sky" replicate "file://$work/warm/src" "file://$work/warm/dst-$$" --output "$work/runs/warm" >/dev/null 2>&1 || true

: >"$work/results.tsv"
for case in ${cases//,/ }; do
  tools="skyrelay rclone-default rclone-best"
  [ "$case" = local ] && tools="$tools rsync"
  for round in $(seq 1 "$runs"); do
    for op in copy rerun; do
      for tool in $tools; do
        r=$(run "$case" "$tool" "$op" "$round")
        printf '%s\t%s\t%s\t%s\t%s\n' "$case" "$op" "$tool" "$round" "$r" | tee -a "$work/results.tsv"
      done
    done
    # destinations of this round are not needed any more
    if [ "$case" = local ]; then rm -rf "$work/dst"/*; else
      for tool in $tools; do $RCLONE purge "A:dst-$case-$tool-$round" >/dev/null 2>&1 || true; done
    fi
  done
done

echo
echo "== Summary (medians of $runs rounds; ratio = tool's wall time / skyrelay's, above 1: skyrelay faster)"
python3 - "$work/results.tsv" "$n_local" "$n_s3" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
counts = {"local": int(sys.argv[2]), "s3": int(sys.argv[3])}
print("| case | objects | run | tool | wall s | CPU s | peak RSS MiB | µs CPU/object | ratio | runs |")
print("|---|---|---|---|---|---|---|---|---|---|")
order = []
for case, op, tool, _, _ in rows:
    if (case, op, tool) not in order:
        order.append((case, op, tool))
sky = {}
for case, op, tool in order:
    vals = [r[4] for r in rows if r[:3] == [case, op, tool]]
    ok = [list(map(float, v.split())) for v in vals if len(v.split()) == 3]
    if len(ok) != len(vals):
        print(f"| {case} | {counts[case]:,} | {op} | {tool} | {', '.join(vals)} | | | | | {len(vals)} |")
        continue
    wall, cpu, rss = (statistics.median(x[i] for x in ok) for i in range(3))
    if tool == "skyrelay":
        sky[(case, op)] = wall
    ratio = f"{wall / sky[(case, op)]:.2f}" if (case, op) in sky else ""
    per = cpu / counts[case] * 1e6
    print(f"| {case} | {counts[case]:,} | {op} | {tool} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {per:.0f} | {ratio} | {len(ok)} |")
PY
[ -f "$work/errors.txt" ] && { echo "runs whose destination did not match the source:"; cat "$work/errors.txt"; exit 1; }
exit 0

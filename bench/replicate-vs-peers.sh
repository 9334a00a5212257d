#!/usr/bin/env bash
# Whole-job benchmark: skyrelay replicate against rclone copy (default flags and tuned flags) and
# aws s3 sync, on the same S3Proxy endpoints (objects on disk), side by side in one run.
#   small: 10,000 objects of 4-64 KiB      large: 8 objects of 512 MiB
#   same:  source and destination buckets on one endpoint (server-side copy possible)
#   cross: destination bucket on a second endpoint (every byte goes through the tool)
# Each tool copies into a fresh destination bucket, RUNS times per case, rounds interleaved so
# the tools share the machine's noise; the table gives medians and the ratio to skyrelay.
# Usage: bench/replicate-vs-peers.sh [RUNS] [DATASETS] [TOPOLOGIES]   (defaults: 3 small,large same,cross)
# Installs rclone and the AWS CLI from Debian's packages if they are missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${1:-3}"
datasets="${2:-small,large}"
topologies="${3:-same,cross}"
work="${BENCH_DIR:-$root/bench/out/peers}"
rm -rf "$work"
mkdir -p "$work/logs"

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$2" ]; }
if ! need rclone /usr/bin/rclone || ! [ -x /usr/bin/aws ]; then
  echo "== installing rclone and awscli (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone awscli >/dev/null
fi
AWS=/usr/bin/aws
RCLONE="env -u AWS_CA_BUNDLE rclone"

echo "== building"
"$root/skyrelay" --version >/dev/null
cp="$("$here/classpath.sh")"

echo "== starting two S3Proxy endpoints"
mkfifo "$work/servers.in"
java -Xmx4g -Dlogback.configurationFile="$here/logback-bench.xml" -cp "$cp" \
  io.skyrelay.pipelines.bench.S3Servers "$work/s3" 2 <"$work/servers.in" >"$work/servers.out" 2>"$work/logs/servers.err" &
servers_pid=$!
exec 3>"$work/servers.in"
cleanup() { exec 3>&- || true; wait "$servers_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 300); do grep -q READY "$work/servers.out" 2>/dev/null && break; sleep 0.2; done
grep -q READY "$work/servers.out" || { echo "S3Proxy endpoints did not start"; cat "$work/logs/servers.err"; exit 1; }
ep0=$(awk '$1=="ENDPOINT" && $2==0 {print $3}' "$work/servers.out")
ep1=$(awk '$1=="ENDPOINT" && $2==1 {print $3}' "$work/servers.out")
key=$(awk '$1=="ACCESS_KEY" {print $2}' "$work/servers.out")
secret=$(awk '$1=="SECRET_KEY" {print $2}' "$work/servers.out")
echo "   endpoint A $ep0, endpoint B $ep1"

export RCLONE_CONFIG_A_TYPE=s3 RCLONE_CONFIG_A_PROVIDER=Other RCLONE_CONFIG_A_ENDPOINT="$ep0" \
  RCLONE_CONFIG_A_ACCESS_KEY_ID="$key" RCLONE_CONFIG_A_SECRET_ACCESS_KEY="$secret" \
  RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ENDPOINT="$ep1" \
  RCLONE_CONFIG_B_ACCESS_KEY_ID="$key" RCLONE_CONFIG_B_SECRET_ACCESS_KEY="$secret"
export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" AWS_REGION=us-east-1 \
  AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE=/dev/null
# S3Proxy has no object tagging, which the CLI's multipart copy asks for: keep copies single-part.
cat >"$work/aws-config" <<CFG
[default]
s3 =
  max_concurrent_requests = 32
  multipart_threshold = 2GB
  multipart_chunksize = 64MB
CFG

echo "== generating data"
python3 - "$work/data" "$datasets" <<'PY'
import os, random, sys
base, sets = sys.argv[1], sys.argv[2].split(",")
rnd = random.Random(7)
if "small" in sets:
    d = os.path.join(base, "small")
    for i in range(10000):
        p = os.path.join(d, "part-%02d" % (i % 50), "obj-%05d.bin" % i)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(os.urandom(rnd.randint(4 * 1024, 64 * 1024)))
if "large" in sets:
    d = os.path.join(base, "large")
    os.makedirs(d, exist_ok=True)
    block = os.urandom(64 << 20)
    for i in range(8):
        with open(os.path.join(d, "video-%d.bin" % i), "wb") as f:
            for j in range(8):  # 8 x 64 MiB; every chunk of every object starts differently
                f.write(i.to_bytes(8, "big") + j.to_bytes(8, "big") + block[16:])
PY
for ds in ${datasets//,/ }; do
  $RCLONE mkdir "A:src-$ds"
  $RCLONE copy --transfers 32 --checkers 32 --s3-chunk-size 64M --s3-upload-concurrency 8 \
    "$work/data/$ds" "A:src-$ds"
  $RCLONE size "A:src-$ds" | tr '\n' ' '; echo
done

# run TOOL DATASET TOPOLOGY ROUND -> seconds on stdout; the copy is checked afterwards (untimed)
run() {
  local tool=$1 ds=$2 topo=$3 round=$4
  local remote=A ep=$ep0
  [ "$topo" = cross ] && remote=B && ep=$ep1
  local dst="dst-$ds-$topo-$tool-$round"
  local log="$work/logs/$dst.log"
  $RCLONE mkdir "$remote:$dst"
  local t0 t1 status=0
  t0=$(date +%s.%N)
  case $tool in
    skyrelay)
      cat >"$work/stores-$dst.yaml" <<YAML
stores:
  - uri: s3://src-$ds
    endpoint: $ep0
    region-name: us-east-1
    access-key-id: \${env:AWS_ACCESS_KEY_ID}
    secret-access-key: \${env:AWS_SECRET_ACCESS_KEY}
  - uri: s3://$dst
    endpoint: $ep
    region-name: us-east-1
    access-key-id: \${env:AWS_ACCESS_KEY_ID}
    secret-access-key: \${env:AWS_SECRET_ACCESS_KEY}
YAML
      "$root/skyrelay" replicate "s3://src-$ds" "s3://$dst" --stores "$work/stores-$dst.yaml" \
        --output "$work/runs/$dst" >"$log" 2>&1 || status=$?
      ;;
    rclone-default)
      $RCLONE copy "A:src-$ds" "$remote:$dst" >"$log" 2>&1 || status=$?
      ;;
    rclone-tuned)
      $RCLONE copy --transfers 64 --checkers 64 --fast-list --s3-no-check-bucket \
        --s3-chunk-size 64M --s3-upload-concurrency 8 "A:src-$ds" "$remote:$dst" >"$log" 2>&1 || status=$?
      ;;
    aws-s3-sync)
      $AWS --endpoint-url "$ep0" s3 sync --only-show-errors "s3://src-$ds" "s3://$dst" >"$log" 2>&1 || status=$?
      ;;
  esac
  t1=$(date +%s.%N)
  if [ "$status" != 0 ]; then echo "FAILED($status)"; return; fi
  local want got
  want=$($RCLONE size --json "A:src-$ds")
  got=$($RCLONE size --json "$remote:$dst")
  if [ "$want" != "$got" ]; then echo "WRONG"; echo "$tool $ds $topo: want $want got $got" >>"$work/errors.txt"; return; fi
  python3 -c "print(round($t1 - $t0, 2))"
  $RCLONE purge "$remote:$dst" >/dev/null 2>&1 || true
}

# One untimed skyrelay run first: the launcher records its class-data archive on the first run
# after a build (rclone and the AWS CLI start from binaries and files already on disk).
first=${datasets%%,*}
echo "== warm-up run of skyrelay (untimed; records the launcher's class-data archive)"
echo "   $(run skyrelay "$first" same 0) s"

tools="skyrelay rclone-default rclone-tuned aws-s3-sync"
: >"$work/results.tsv"
for ds in ${datasets//,/ }; do
  for topo in ${topologies//,/ }; do
    for round in $(seq 1 "$runs"); do
      for tool in $tools; do
        if [ "$tool" = aws-s3-sync ] && [ "$topo" = cross ]; then continue; fi  # one endpoint per command
        s=$(run "$tool" "$ds" "$topo" "$round")
        printf '%s\t%s\t%s\t%s\t%s\n' "$ds" "$topo" "$tool" "$round" "$s" | tee -a "$work/results.tsv"
      done
    done
  done
done

echo
echo "== Summary (median seconds of $runs runs; ratio = tool's time / skyrelay's time, above 1 means skyrelay was faster)"
python3 - "$work/results.tsv" "$work/data" <<'PY'
import os, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def size(ds):
    t = 0
    for d, _, fs in os.walk(os.path.join(sys.argv[2], ds)):
        t += sum(os.path.getsize(os.path.join(d, f)) for f in fs)
    return t
cases = []
for ds, topo, tool, _, s in rows:
    if (ds, topo) not in cases:
        cases.append((ds, topo))
print("| data set | endpoints | tool | median s | MiB/s | objects/s | ratio to skyrelay | runs |")
print("|---|---|---|---|---|---|---|---|")
for ds, topo in cases:
    n_obj = 10000 if ds == "small" else 8
    b = size(ds)
    med = {}
    for tool in ["skyrelay", "rclone-default", "rclone-tuned", "aws-s3-sync"]:
        vals = [r[4] for r in rows if r[0] == ds and r[1] == topo and r[2] == tool]
        if not vals:
            continue
        ok = [float(v) for v in vals if v.replace(".", "", 1).isdigit()]
        if len(ok) != len(vals):
            print(f"| {ds} | {topo} | {tool} | {', '.join(vals)} | | | | {len(vals)} |")
            continue
        m = statistics.median(ok)
        med[tool] = m
        ratio = f"{m / med['skyrelay']:.2f}" if "skyrelay" in med else ""
        print(f"| {ds} | {'one' if topo == 'same' else 'two'} | {tool} | {m:.1f} | {b / 2**20 / m:.0f} | {n_obj / m:.0f} | {ratio} | {len(ok)} |")
PY
[ -f "$work/errors.txt" ] && { echo "copies that did not match the source:"; cat "$work/errors.txt"; exit 1; }
exit 0

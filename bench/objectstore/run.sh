#!/usr/bin/env bash
# Benchmark of the object-store migration (command line) against rclone sync with content checks and
# metadata (--checksum --metadata --fast-list), side by side in one run, between the same local S3
# servers (s3proxy's own server, filesystem backend, one JVM each, request metrics on).
# Data set: OBJECTS objects of 4-64 KiB and LARGE of 64 MiB (uploaded in parts, so their ETags are
# <md5>-<parts>), every object with user metadata. Each of RUNS rounds, the two tools alternating
# which goes first: a full copy into emptied targets, then a delta after 1% of the small objects
# changed. Prints per tool the medians of wall time and client CPU (user+sys), the ratios, the S3
# requests each tool sent (from the servers' metrics) and the machine's load; then our verification
# reads everything back.
# Usage: bench/objectstore/run.sh   (from the repository root; needs Java 17, Maven; installs rclone)
set -euo pipefail
cd "$(dirname "$0")/../.."
OBJECTS=${OBJECTS:-2000}
LARGE=${LARGE:-4}
PARALLEL=${PARALLEL:-16}
RUNS=${RUNS:-5}
WORK=${WORK:-$(mktemp -d /tmp/objectstore-bench.XXXXXX)}
BENCH=bench/objectstore

# rclone 1.60's S3 client cannot load a custom CA bundle; the servers here are plain http anyway
unset AWS_CA_BUNDLE
command -v rclone >/dev/null || { apt-get update -qq && apt-get install -y -qq rclone >/dev/null; }
mvn -q -B package -DskipTests
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
SERVER_CP="$(cat target/bench-classpath.txt)"
CLI="$BENCH/objectstore-cli.sh"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PID PORT
cleanup() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
server() { # name: (re)starts the server on its port with an empty directory
  local name=$1 port=${PORT[$1]:-$(free_port)}
  [ -n "${PID[$name]:-}" ] && { kill "${PID[$name]}"; wait "${PID[$name]}" 2>/dev/null || true; }
  rm -rf "${WORK:?}/$name"; mkdir -p "$WORK/$name"
  cat >"$WORK/$name.properties" <<EOF
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/$name
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$name-key
s3proxy.credential=$name-secret-0123
s3proxy.metrics.enabled=true
EOF
  java -Dlogback.configurationFile=$BENCH/logback.xml -cp "$SERVER_CP" org.gaul.s3proxy.Main \
    --properties "$WORK/$name.properties" >"$WORK/$name.log" 2>&1 &
  PID[$name]=$! PORT[$name]=$port
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return; sleep 0.2; done
  echo "server $name did not start" >&2; exit 1
}
requests() { # name -> "operation count" lines from the server's metrics
  curl -s "http://127.0.0.1:${PORT[$1]}/metrics" | python3 -c '
import re, sys, collections
counts = collections.Counter()
for line in sys.stdin:
    m = re.match(r"http_server_request_duration_seconds_count\{(.*)\} (\S+)", line)
    if m:
        op = re.search(r"s3_operation=\"([^\"]*)\"", m.group(1))
        counts[op.group(1) if op else "?"] += int(float(m.group(2)))
for op, n in sorted(counts.items()):
    print(op, n)'
}
server old; server ours; server theirs
for name in old ours theirs; do
  export "RCLONE_CONFIG_${name^^}_TYPE=s3" "RCLONE_CONFIG_${name^^}_PROVIDER=Other" \
    "RCLONE_CONFIG_${name^^}_ENDPOINT=http://127.0.0.1:${PORT[$name]}" "RCLONE_CONFIG_${name^^}_ACCESS_KEY_ID=$name-key" \
    "RCLONE_CONFIG_${name^^}_SECRET_ACCESS_KEY=$name-secret-0123"
done
export RCLONE_CONFIG=/dev/null

echo "generating $OBJECTS objects of 4-64 KiB and $LARGE of 64 MiB, all with user metadata"
python3 - "$WORK/data" "$OBJECTS" "$LARGE" <<'PY'
import os, random, sys
root, n, large = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(1)
for i in range(n):
    d = os.path.join(root, "reg", str(i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"packet-{i}.zip"), "wb") as f:
        f.write(os.urandom(rnd.randint(4, 64) * 1024))
for i in range(large):
    with open(os.path.join(root, f"biometrics-{i}.bin"), "wb") as f:
        for _ in range(64):
            f.write(os.urandom(1024 * 1024))
PY
upload() { rclone copy "$WORK/data" old:packets --transfers 16 --s3-upload-cutoff 16M --s3-chunk-size 8M \
  --metadata-set centre=10001 --metadata-set machine=m-42 -q; }
rclone mkdir old:packets
upload

export OBJECTSTORE_SOURCE_ENDPOINT="http://127.0.0.1:${PORT[old]}" OBJECTSTORE_SOURCE_ACCESS_KEY=old-key \
  OBJECTSTORE_SOURCE_SECRET_KEY=old-secret-0123 OBJECTSTORE_TARGET_ENDPOINT="http://127.0.0.1:${PORT[ours]}" \
  OBJECTSTORE_TARGET_ACCESS_KEY=ours-key OBJECTSTORE_TARGET_SECRET_KEY=ours-secret-0123 \
  OBJECTSTORE_STATE_DIRECTORY="$WORK/state" OBJECTSTORE_PARALLELISM=$PARALLEL
ours() { "$CLI" migrate --mode "$1"; }
theirs() { rclone sync old:packets theirs:packets --checksum --metadata --fast-list --transfers "$PARALLEL" \
  --checkers "$PARALLEL"; }
# the command line's class-data archive is made once, like an installation step, by a run that is not measured
"$CLI" --train >/dev/null

RESULTS="$WORK/results"
measure() { # label tool mode: one timed run, appends "label tool wall cpu" and the tool's requests
  local label=$1 tool=$2 mode=$3 server before after start end cpu
  server=$([ "$tool" = ours ] && echo ours || echo theirs)
  requests "$server" >"$WORK/before.req"; requests old >"$WORK/before.old"
  start=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  { time "$tool" "$mode" >"$WORK/last.out" 2>&1 ; } 2>"$WORK/cpu" || { cat "$WORK/last.out"; exit 1; }
  end=$(date +%s.%N)
  cpu=$(awk '{print $1 + $2}' "$WORK/cpu")
  echo "$label $tool $(echo "$end - $start" | bc) $cpu" >>"$RESULTS"
  requests "$server" >"$WORK/after.req"; requests old >"$WORK/after.old"
  python3 - "$label" "$tool" "$WORK"/before.req "$WORK"/after.req "$WORK"/before.old "$WORK"/after.old \
    >>"$WORK/requests" <<'PY'
import sys
def read(p): return {l.split()[0]: int(l.split()[1]) for l in open(p) if l.strip()}
label, tool = sys.argv[1:3]
b, a, bo, ao = (read(p) for p in sys.argv[3:7])
diff = {f"target {k}": a[k] - b.get(k, 0) for k in a if a[k] - b.get(k, 0)}
diff.update({f"source {k}": ao[k] - bo.get(k, 0) for k in ao if ao[k] - bo.get(k, 0)})
print(label, tool, sum(diff.values()), " ".join(f"{k}={v}" for k, v in sorted(diff.items())))
PY
}
CHANGED=$((OBJECTS / 100))
for run in $(seq "$RUNS"); do
  server ours; server theirs; rm -rf "$WORK/state"; rclone mkdir theirs:packets
  order=$([ $((run % 2)) -eq 1 ] && echo "ours theirs" || echo "theirs ours")
  for tool in $order; do measure full "$tool" pre-copy; done
  for i in $(seq 0 $((CHANGED - 1))); do
    head -c $((8 * 1024)) /dev/urandom >"$WORK/data/reg/$((i % 50))/packet-$((i + run * CHANGED)).zip"
  done
  upload
  for tool in $order; do measure delta "$tool" delta; done
  echo "round $run of $RUNS done ($(cut -d' ' -f1-3 /proc/loadavg))"
done
start=$(date +%s.%N)
"$CLI" verify --mode content >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out"; exit 1; }
VERIFY=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$RESULTS" "$WORK/requests" <<PY
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, tool, wall, cpu = line.split()
    rows[label, tool].append((float(wall), float(cpu)))
req = collections.defaultdict(list)
for line in open(sys.argv[2]):
    label, tool, total, *ops = line.split()
    req[label, tool].append((int(total), " ".join(ops)))
med = lambda v: statistics.median(v)
print(f"\n{'':36} {'ours':>14} {'rclone':>14} {'ours/rclone':>12}")
for label, what in (("full", "full copy ($OBJECTS small + $LARGE x 64 MiB)"), ("delta", "delta after changing $CHANGED objects (1%)")):
    o, t = rows[label, "ours"], rows[label, "theirs"]
    print(f"{what:36}")
    print(f"{'  wall time, median (s)':36} {med([w for w, c in o]):14.2f} {med([w for w, c in t]):14.2f} {med([w for w, c in o]) / med([w for w, c in t]):12.2f}")
    print(f"{'  client CPU user+sys, median (s)':36} {med([c for w, c in o]):14.2f} {med([c for w, c in t]):14.2f} {med([c for w, c in o]) / med([c for w, c in t]):12.2f}")
    print(f"{'  S3 requests, median':36} {med([n for n, _ in req[label, 'ours']]):14.0f} {med([n for n, _ in req[label, 'theirs']]):14.0f}")
    print(f"{'  all runs, wall (s)':36} {' '.join(f'{w:.2f}' for w, c in o):>14} {' '.join(f'{w:.2f}' for w, c in t):>14}")
full, delta = med([w for w, c in rows["full", "ours"]]), med([w for w, c in rows["delta", "ours"]])
print(f"\nour delta / our full copy: {delta / full:.3f}")
for tool in ("ours", "theirs"):
    for label in ("full", "delta"):
        print(f"requests, {tool} {label} (last run): {req[label, tool][-1][1]}")
PY
echo "our verification, reading every object back: $VERIFY s; $(head -1 "$WORK/verify.out")"
echo "$RUNS rounds, tools alternating; parallelism $PARALLEL; $(nproc) cores; load before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rclone $(rclone version | head -1 | cut -d' ' -f2), $(java -version 2>&1 | head -1)"

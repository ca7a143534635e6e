#!/usr/bin/env bash
# The object-store migration's command line (bin/objectstore) against rclone sync with content
# checks and metadata (--checksum --metadata --fast-list), side by side in one run, between the same
# local S3 servers: s3proxy as released (bench/objectstore/s3proxy-pom.xml), filesystem backend, one
# JVM each, request metrics on.
# Data: OBJECTS objects of 4-64 KiB and LARGE of 64 MiB, all with user metadata, uploaded in parts
# of 8 MiB above 16 MiB (so the large ones have <md5>-<parts> ETags) and without rclone's md5chksum
# metadata (MOSIP's services write with minio-java, which adds none).
# RUNS rounds, the tools alternating which goes first: a full copy into emptied targets, then a delta
# after 1% of the small objects changed. Before the rounds, one unmeasured copy by each tool warms
# the servers and writes bin/objectstore's class-data archive (its installation step).
# Prints per tool the medians of wall time, client CPU (user+sys) and server CPU, the ratios, the S3
# requests each tool made (from the servers' metrics) and the machine's load, then our verification
# (reading everything back) of our copy, and of rclone's.
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
mvn -q -B -f $BENCH/s3proxy-pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/s3proxy.classpath"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PID PORT
cleanup() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
for name in old ours theirs; do
  PORT[$name]=$(free_port)
  mkdir -p "$WORK/$name"
  cat >"$WORK/$name.properties" <<EOF
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/$name
s3proxy.endpoint=http://127.0.0.1:${PORT[$name]}
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$name-key
s3proxy.credential=$name-secret-0123
s3proxy.metrics.enabled=true
EOF
  java -Dlogback.configurationFile=$BENCH/logback.xml -cp "$(cat "$WORK/s3proxy.classpath")" org.gaul.s3proxy.Main \
    --properties "$WORK/$name.properties" >"$WORK/$name.log" 2>&1 &
  PID[$name]=$!
done
for name in old ours theirs; do
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:${PORT[$name]}/metrics" && continue 2; sleep 0.5; done
  echo "server $name did not start: $(tail -3 "$WORK/$name.log")" >&2; exit 1
done
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
  --s3-disable-checksum --metadata-set centre=10001 --metadata-set machine=m-42 -q; }
rclone mkdir old:packets
upload

export OBJECTSTORE_SOURCE_ENDPOINT="http://127.0.0.1:${PORT[old]}" OBJECTSTORE_SOURCE_ACCESS_KEY=old-key \
  OBJECTSTORE_SOURCE_SECRET_KEY=old-secret-0123 OBJECTSTORE_TARGET_ENDPOINT="http://127.0.0.1:${PORT[ours]}" \
  OBJECTSTORE_TARGET_ACCESS_KEY=ours-key OBJECTSTORE_TARGET_SECRET_KEY=ours-secret-0123 \
  OBJECTSTORE_STATE_DIRECTORY="$WORK/state" OBJECTSTORE_PARALLELISM=$PARALLEL
ours() { bin/objectstore migrate --mode "$1"; }
theirs() { rclone sync old:packets theirs:packets --checksum --metadata --fast-list --transfers "$PARALLEL" \
  --checkers "$PARALLEL"; }
empty_targets() { rm -rf "$WORK/ours/packets" "$WORK/theirs/packets" "$WORK/state"; }
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/${PID[$1]}/stat"; }
requests() { # server -> "operation count" lines from its metrics
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

rm -f target/objectstore-cli/objectstore.jsa
ours pre-copy >/dev/null 2>&1 && theirs >/dev/null 2>&1 && empty_targets

RESULTS="$WORK/results"
measure() { # label tool mode: one timed run; appends "label tool wall client-cpu server-cpu requests ops..."
  local label=$1 tool=$2 mode=$3 server start end
  server=$([ "$tool" = ours ] && echo ours || echo theirs)
  requests "$server" | sed 's/^/target /' >"$WORK/before"; requests old | sed 's/^/source /' >>"$WORK/before"
  local cpu0=$(cpu old)+$(cpu "$server")
  start=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  { time "$tool" "$mode" >"$WORK/last.out" 2>&1 ; } 2>"$WORK/time" || { cat "$WORK/last.out"; exit 1; }
  end=$(date +%s.%N)
  local cpu1=$(cpu old)+$(cpu "$server")
  requests "$server" | sed 's/^/target /' >"$WORK/after"; requests old | sed 's/^/source /' >>"$WORK/after"
  python3 - "$label" "$tool" "$(echo "$end - $start" | bc)" "$(cat "$WORK/time")" "$cpu0" "$cpu1" \
    "$WORK/before" "$WORK/after" >>"$RESULTS" <<'PY'
import sys
label, tool, wall, times, cpu0, cpu1, before, after = sys.argv[1:]
read = lambda p: {" ".join(l.split()[:2]): int(l.split()[2]) for l in open(p) if l.strip()}
b, a = read(before), read(after)
ops = {k: a[k] - b.get(k, 0) for k in a if a[k] - b.get(k, 0)}
client = sum(map(float, times.split()))
server = eval(cpu1) - eval(cpu0)
print(label, tool, wall, f"{client:.2f}", f"{server:.2f}", sum(ops.values()),
      ",".join(f"{k.replace(' ', ':')}={v}" for k, v in sorted(ops.items())))
PY
}
CHANGED=$((OBJECTS / 100))
for run in $(seq "$RUNS"); do
  empty_targets
  order=$([ $((run % 2)) -eq 1 ] && echo "ours theirs" || echo "theirs ours")
  for tool in $order; do measure full "$tool" pre-copy; done
  for i in $(seq $((run * CHANGED)) $((run * CHANGED + CHANGED - 1))); do
    head -c $((8 * 1024)) /dev/urandom >"$WORK/data/reg/$((i % 50))/packet-$i.zip"
  done
  upload
  for tool in $order; do measure delta "$tool" delta; done
  echo "round $run of $RUNS done (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
start=$(date +%s.%N)
bin/objectstore verify --mode content >"$WORK/verify.out" 2>&1 || true
VERIFY=$(echo "$(date +%s.%N) - $start" | bc)
OBJECTSTORE_TARGET_ENDPOINT="http://127.0.0.1:${PORT[theirs]}" OBJECTSTORE_TARGET_ACCESS_KEY=theirs-key \
  OBJECTSTORE_TARGET_SECRET_KEY=theirs-secret-0123 OBJECTSTORE_STATE_DIRECTORY="$WORK/theirs-state" \
  bin/objectstore verify --mode content >"$WORK/verify-theirs.out" 2>&1 || true

python3 - "$RESULTS" <<PY
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, tool, wall, client, server, total, ops = line.split()
    rows[label, tool].append((float(wall), float(client), float(server), int(total), ops))
med = lambda label, tool, i: statistics.median(r[i] for r in rows[label, tool])
print(f"\n{'':38} {'ours':>10} {'rclone':>10} {'ours/rclone':>12}")
for label, what in (("full", "full copy ($OBJECTS small + $LARGE x 64 MiB)"),
                    ("delta", "delta after changing $CHANGED objects (1%)")):
    print(what)
    for i, name in ((0, "wall time, median (s)"), (1, "client CPU user+sys, median (s)"),
                    (2, "servers' CPU (source+target), median (s)"), (3, "S3 requests, median")):
        o, t = med(label, "ours", i), med(label, "theirs", i)
        print(f"  {name:36} {o:10.2f} {t:10.2f} {o / t if t else float('nan'):12.2f}")
    for tool in ("ours", "theirs"):
        print(f"  {tool + ' wall, every run (s)':36} " + " ".join(f"{r[0]:.1f}" for r in rows[label, tool]))
print(f"\nour delta / our full copy (medians): {med('delta', 'ours', 0) / med('full', 'ours', 0):.3f};"
      f" rclone's: {med('delta', 'theirs', 0) / med('full', 'theirs', 0):.3f}")
for tool in ("ours", "theirs"):
    for label in ("full", "delta"):
        print(f"requests, {tool} {label} (last round): {rows[label, tool][-1][4]}")
PY
echo "our verification of our copy, reading every object back: $VERIFY s: $(head -1 "$WORK/verify.out")"
echo "our verification of rclone's copy: $(head -1 "$WORK/verify-theirs.out")"
grep -v "^[0-9]* object" "$WORK/verify-theirs.out" | sed 's/^/  /' | head -5
echo "$RUNS rounds, tools alternating; parallelism $PARALLEL; $(nproc) cores; load before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rclone $(rclone version | head -1 | cut -d' ' -f2); $(java -version 2>&1 | head -1)"

#!/usr/bin/env bash
# Benchmark of objectstore.migrate against rclone sync with content checks and metadata
# (--checksum --metadata --fast-list), between the same local S3 servers (s3proxy, filesystem
# backend, one JVM each). Data set: OBJECTS objects of 4-64 KiB and LARGE objects of 64 MiB
# (uploaded multipart, so their ETags are <md5>-<parts>), then a delta after changing 1% of them.
# Usage: bench/objectstore/run.sh   (from the repository root; needs Java 17, Maven; installs rclone)
set -euo pipefail
cd "$(dirname "$0")/../.."
OBJECTS=${OBJECTS:-2000}
LARGE=${LARGE:-4}
PARALLEL=${PARALLEL:-16}
WORK=${WORK:-$(mktemp -d /tmp/objectstore-bench.XXXXXX)}
BENCH=bench/objectstore

# rclone 1.60's S3 client cannot load a custom CA bundle; the servers here are plain http anyway
unset AWS_CA_BUNDLE
command -v rclone >/dev/null || { apt-get update -qq && apt-get install -y -qq rclone >/dev/null; }
mvn -q -B package -DskipTests
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
LOG="-Dlogback.configurationFile=$BENCH/logback.xml"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
server() { # name -> starts a server, sets <NAME>_PORT
  local port; port=$(free_port)
  java $LOG -cp "$CP" org.dpi.upgrade.objectstore.BenchServer "$WORK/$1" "$port" "$1-key" "$1-secret-0123" \
    >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  eval "${1^^}_PORT=$port"
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return; sleep 0.2; done
  echo "server $1 did not start" >&2; exit 1
}
mkdir -p "$WORK"
server old; server ours; server theirs
for name in old ours theirs; do
  port_var="${name^^}_PORT"
  export RCLONE_CONFIG_${name^^}_TYPE=s3 RCLONE_CONFIG_${name^^}_PROVIDER=Other \
    RCLONE_CONFIG_${name^^}_ENDPOINT="http://127.0.0.1:${!port_var}" RCLONE_CONFIG_${name^^}_ACCESS_KEY_ID="$name-key" \
    RCLONE_CONFIG_${name^^}_SECRET_ACCESS_KEY="$name-secret-0123"
done

echo "generating $OBJECTS objects of 4-64 KiB and $LARGE of 64 MiB"
mkdir -p "$WORK/data/reg"
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
rclone mkdir old:packets
rclone copy "$WORK/data" old:packets --transfers 16 --s3-upload-cutoff 16M --s3-chunk-size 8M \
  --metadata-set centre=10001

migrate() { # mode
  OBJECTSTORE_SOURCE_ENDPOINT="http://127.0.0.1:$OLD_PORT" OBJECTSTORE_SOURCE_ACCESS_KEY=old-key \
  OBJECTSTORE_SOURCE_SECRET_KEY=old-secret-0123 OBJECTSTORE_TARGET_ENDPOINT="http://127.0.0.1:$OURS_PORT" \
  OBJECTSTORE_TARGET_ACCESS_KEY=ours-key OBJECTSTORE_TARGET_SECRET_KEY=ours-secret-0123 \
  OBJECTSTORE_MANIFEST_DIRECTORY="$WORK/manifests" OBJECTSTORE_PARALLELISM=$PARALLEL \
  java $LOG -Dloader.main=org.dpi.upgrade.objectstore.ObjectStoreCli \
    -cp target/upgrade-orchestrator-0.1.0-SNAPSHOT.jar org.springframework.boot.loader.launch.PropertiesLauncher "$@"
}
rclone_sync() {
  rclone sync old:packets theirs:packets --checksum --metadata --fast-list --transfers $PARALLEL --checkers $PARALLEL
}
seconds() { local s; s=$(date +%s.%N); "$@" >"$WORK/last.out" 2>&1 || { cat "$WORK/last.out"; exit 1; }; echo "$(date +%s.%N) - $s" | bc; }

T_OURS=$(seconds migrate migrate --mode pre-copy)
grep -h "pre-copy of" "$WORK/last.out"
T_RCLONE=$(seconds rclone_sync)
echo "changing 1% of the small objects"
CHANGED=$((OBJECTS / 100))
for i in $(seq 0 $((CHANGED - 1))); do head -c $((8 * 1024)) /dev/urandom > "$WORK/data/reg/$((i % 50))/packet-$i.zip"; done
rclone copy "$WORK/data" old:packets --transfers 16 --s3-upload-cutoff 16M --s3-chunk-size 8M --metadata-set centre=10001
D_OURS=$(seconds migrate migrate --mode delta)
grep -h "delta of" "$WORK/last.out"
D_RCLONE=$(seconds rclone_sync)
V_OURS=$(seconds migrate verify)
grep -h "compared" "$WORK/last.out"

printf '\n%-48s %10s %10s %8s\n' "" "ours (s)" "rclone (s)" "ratio"
printf '%-48s %10.1f %10.1f %8.2f\n' "full copy ($OBJECTS small + $LARGE x 64 MiB)" "$T_OURS" "$T_RCLONE" "$(echo "$T_RCLONE / $T_OURS" | bc -l)"
printf '%-48s %10.1f %10.1f %8.2f\n' "delta after changing $CHANGED objects (1%)" "$D_OURS" "$D_RCLONE" "$(echo "$D_RCLONE / $D_OURS" | bc -l)"
printf '%-48s %10.1f\n' "verify, reading every target object back" "$V_OURS"
echo "ratio = rclone time / our time (above 1: we are faster). parallelism $PARALLEL, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Start-up time and memory of the orchestrator with its embedded defaults (fresh H2 database each run).
# Usage: bench/startup/run.sh [runs]   (builds the jar first if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
jar=$(ls target/upgrade-orchestrator-*.jar 2>/dev/null | head -1 || true)
[ -n "$jar" ] || { mvn -q -B package -DskipTests; jar=$(ls target/upgrade-orchestrator-*.jar | head -1); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=18080
for i in $(seq 1 "$runs"); do
  (cd "$work" && rm -rf data && exec java -jar "$OLDPWD/$jar" --server.port=$port > "run$i.log" 2>&1) &
  pid=$!
  start=$(date +%s.%N)
  until grep -q "Started OrchestratorApplication" "$work/run$i.log" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "start failed:"; tail -20 "$work/run$i.log"; exit 1; }
    sleep 0.1
  done
  ready=$(echo "$(date +%s.%N) - $start" | bc)
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/camunda/app/tasklist/")
  sleep 5
  rss=$(ps -o rss= -p "$(pgrep -P $pid java || echo $pid)" | tr -d ' ')
  printf 'run %d: ready in %.1f s (%s), Tasklist HTTP %s, RSS after 5 s idle %d MiB\n' "$i" "$ready" \
    "$(grep -o 'Started OrchestratorApplication in [0-9.]* seconds' "$work/run$i.log")" "$status" $((rss / 1024))
  kill $pid; wait $pid 2>/dev/null || true
done
echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

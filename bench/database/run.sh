#!/usr/bin/env bash
# Database bench: the upgrade.csv runner on a 60-row chain vs a plain shell loop of psql over the
# same files, and the throughput of the verified backup/restore. Needs the Debian packages
# postgresql (15 server binaries) and postgresql-client; runs as root (the server runs as postgres).
# BENCH_DUMP_ROWS sets the size of the dumped table (default 1,000,000 rows).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B test -Dtest=UpgradeCsvBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.dumpRows="${BENCH_DUMP_ROWS:-1000000}" 2>&1 | grep -E '^(==|plain|runner|backup|restore)'

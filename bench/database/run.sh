#!/usr/bin/env bash
# Database bench: on a 60-row upgrade.csv chain, side by side in one run (alternating rounds on fresh
# databases), a plain shell loop of `psql -v ON_ERROR_STOP=1 -a -b -f` per row (MOSIP's upgrade.sh) and the
# upgrade step postgres.run-upgrade-csv end to end, with their ratio; the rollback step; the throughput of a
# restore point and of a restore. Needs the Debian packages postgresql (15 server binaries) and
# postgresql-client; runs as root (the server runs as postgres).
# BENCH_ROUNDS (default 3), BENCH_DATABASES (default 20, 3 rows each), BENCH_DUMP_ROWS (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B test -Dtest=UpgradeCsvBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.rounds="${BENCH_ROUNDS:-3}" -Dbench.databases="${BENCH_DATABASES:-20}" \
  -Dbench.dumpRows="${BENCH_DUMP_ROWS:-1000000}" 2>&1 | grep -E '^(==|plain|upgrade step|ratio|rollback|restore)'

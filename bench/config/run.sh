#!/bin/sh
# Times the config migration on a generated configuration of 36 files / ~5,700 keys, beside MOSIP's prop_migrator.
# Usage: bench/config/run.sh [runs] [dir]   (from the repository root; builds the project first)
#   dir: a directory holding prop_migrator's file_comparator.py and file_updater.py (mosip-infra,
#        deployment/v3/utils/prop_migrator); without it only our figures are printed. Needs python3 and git.
set -e
cd "$(dirname "$0")/../.."
runs=${1:-5}
mvn -q -B -o -DskipTests compile 2>/dev/null || mvn -q -B -DskipTests compile
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-config.classpath -Dmdep.includeScope=runtime
out=target/bench-config
mkdir -p "$out"
cp="target/classes:$(cat target/bench-config.classpath)"
javac -d "$out" -cp "$cp" bench/config/ConfigBench.java
java -cp "$out:$cp" org.dpi.upgrade.config.ConfigBench "$runs" ${2:+"$(cd "$2" && pwd)"}

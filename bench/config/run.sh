#!/bin/sh
# Times the config migration on a generated configuration of 36 files / ~6,000 keys.
# Usage: bench/config/run.sh   (from the repository root; builds the project first)
set -e
cd "$(dirname "$0")/../.."
mvn -q -B -DskipTests compile
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-config.classpath -Dmdep.includeScope=runtime
out=target/bench-config
mkdir -p "$out"
cp="target/classes:$(cat target/bench-config.classpath)"
javac -d "$out" -cp "$cp" bench/config/ConfigBench.java
java -cp "$out:$cp" org.dpi.upgrade.config.ConfigBench

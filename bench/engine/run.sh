#!/bin/sh
# Engine overhead per automated step on the sandbox (median and p95 of: task available -> worker started,
# worker done -> next task created), and start-to-ready and memory with and without the sandbox (postgres
# profile included). Runs the packaged jar as a user would; takes a few minutes.
# Usage: bench/engine/run.sh [other.jar]   (from the repository root; builds the jar and the test classes first;
#        other.jar: a jar to compare the postgres profile's start-up with, e.g. one built before the sandbox)
set -e
cd "$(dirname "$0")/../.."
mvn -q -B -DskipTests package
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-engine.classpath -Dmdep.includeScope=test
out=target/bench-engine/classes
mkdir -p "$out"
cp="target/test-classes:target/classes:$(cat target/bench-engine.classpath)"
javac -d "$out" -cp "$cp" bench/engine/EngineBench.java
java -cp "$out:$cp" org.dpi.upgrade.sandbox.EngineBench "$@"

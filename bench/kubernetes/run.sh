#!/bin/sh
# Benchmark of the kubernetes + helm capability on the test cluster (fabric8 mock + real S3 + real Helm):
# config backup/restore of 1,000 Secrets+ConfigMaps over 20 namespaces, and time per module deploy.
# Usage: bench/kubernetes/run.sh [modules to deploy, default 10]
set -e
cd "$(dirname "$0")/../.."
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.dpi.upgrade.helm.KubernetesBench "${1:-10}" 2>&1 \
  | grep -E '^(backup run|deploy-plan)'

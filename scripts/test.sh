#!/usr/bin/env bash
# test.sh: set-up, build, and every test through CTest, printing how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { # stage NAME COMMAND...: run a stage and print its duration
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  echo "=== $name"
  "$@" || rc=$?
  echo "=== $name: $(( $(date +%s) - t0 )) s"
  return $rc
}
total0=$(date +%s)
stage setup scripts/setup.sh
stage build scripts/build.sh
stage tests ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
echo "=== total: $(( $(date +%s) - total0 )) s"

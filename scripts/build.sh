#!/usr/bin/env bash
# build.sh: configure and build gilbench in build/ (Release), with warnings as errors under CI.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${CMAKE_ARGS:-} > build-configure.log 2>&1 \
  || { cat build-configure.log; exit 1; }
grep -A12 "configuration summary" build-configure.log || true
cmake --build build -j"$(nproc)"

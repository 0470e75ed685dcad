#!/usr/bin/env bash
# test.sh: set-up (every tier), build, the clang-format and include checks, and every test through CTest, then the sanitizer builds (ASan+UBSan on
# the unit and integration tests; TSan on the threaded strategies' tests) and the fuzz targets
# under libFuzzer; prints how long each stage took. FUZZ_SECONDS (default 60) per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { # stage NAME COMMAND...: run a stage and print its duration
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  echo "=== $name"
  "$@" || rc=$?
  echo "=== $name: $(( $(date +%s) - t0 )) s$([ $rc -ne 0 ] && echo ", FAILED ($rc)")"
  return $rc
}
sanitizer_build() { # sanitizer_build PRESET
  cmake --preset "$1" > "build-$1.log" 2>&1 || { cat "build-$1.log"; return 1; }
  cmake --build "build-$1" -j"$(nproc)" >> "build-$1.log" 2>&1 || { tail -40 "build-$1.log"; return 1; }
}
asan_tests() {
  sanitizer_build asan
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 1200 -LE 'fuzz|nosan'
}
tsan_tests() {
  sanitizer_build tsan
  # Archer makes OpenMP's synchronisation visible to TSan, so OpenMP code has no false reports.
  OMP_TOOL_LIBRARIES=/usr/lib/llvm-14/lib/libarcher.so \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1" \
    ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" --timeout 1200 -L threaded
}
total0=$(date +%s)
stage setup scripts/setup.sh --with all
stage build scripts/build.sh
# Every test stage runs even when one fails, so one run shows everything that is wrong.
failed=()
stage format scripts/format.sh --check || failed+=(format)
stage includes scripts/check-includes.sh || failed+=(includes)
stage tests ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900 || failed+=(tests)
stage asan asan_tests || failed+=(asan)
stage tsan tsan_tests || failed+=(tsan)
stage fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-60}" || failed+=(fuzz)
echo "=== total: $(( $(date +%s) - total0 )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== FAILED stages: ${failed[*]}"
  exit 1
fi
echo "=== all stages passed"

#!/usr/bin/env bash
# fuzz.sh: build the fuzz targets with clang's libFuzzer (+ASan+UBSan) in build-fuzz/ and run each
# for SECONDS (default 60), starting from a copy of the seed corpus in tests/fuzz/corpus/.
# A crash leaves its input as build-fuzz/crash-*: add it to the corpus and a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DGB_LIBFUZZER=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > build-fuzz.log 2>&1 || { cat build-fuzz.log; exit 1; }
cmake --build build-fuzz -j"$(nproc)" --target fuzz_defs fuzz_results fuzz_set >> build-fuzz.log 2>&1 || { tail -30 build-fuzz.log; exit 1; }
status=0
for t in defs results set; do
  work=build-fuzz/corpus-$t
  rm -rf "$work" && mkdir -p "$work" && cp tests/fuzz/corpus/$t/* "$work"/
  echo "fuzz: $t for ${SECONDS_EACH}s"
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 ./tests/fuzz_$t -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
      -artifact_prefix="$(pwd)/crash-$t-" "corpus-$t" 2>&1 | tail -15) || status=1
done
exit $status

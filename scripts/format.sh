#!/usr/bin/env bash
# format.sh [--check]: clang-format every tracked C source and header with Debian 12's
# clang-format-14 and the committed .clang-format (pinned: other versions format differently).
# --check changes nothing and fails, listing the files, when any would change (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CF=${CLANG_FORMAT:-clang-format-14}
command -v "$CF" > /dev/null || { echo "format: $CF not found (scripts/setup.sh installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    "$CF" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format: ${#bad[@]} file(s) differ from $CF's output (run scripts/format.sh):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files clean"
else
  "$CF" --style=file -i "${files[@]}"
fi

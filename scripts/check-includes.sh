#!/usr/bin/env bash
# check-includes.sh: the include rules of docs/ARCHITECTURE.md ("Layers"), over every tracked C
# source and header:
#   1. a quoted include names a bare file ("gb.h"), never a path: "../harness/job.h" climbs out of
#      a layer around the include directories the build gives it, so it is refused;
#   2. no two headers share a name, so a bare name means one file;
#   3. no circle between folders: folder A includes a header of folder B, B one of A (tsort);
#   4. a folder listed in ONLY includes headers of the folders listed beside it and no others.
# The build enforces which layer may include which (tests/layers/); this catches what it cannot.
# Exit 0 when clean, 1 with every violation listed (scripts/test.sh runs it as a stage).
set -euo pipefail
cd "$(dirname "$0")/.."

# A known folder circle, with the reason it stands (checked: each must still be a real edge).
# None today: `show` became the console writer over the report model (reports/report_console.c),
# so harness/results no longer includes reports/.
ALLOWED_EDGES=()

mapfile -t files < <(git ls-files '*.c' '*.h')
status=0

# 1. Paths in quoted includes.
bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "${files[@]}" || true)
if [ -n "$bad" ]; then
  echo "check-includes: a quoted include names a path (include by bare file name; the build's include" >&2
  echo "directories say which layers a file may see):" >&2
  printf '  %s\n' "$bad" >&2
  status=1
fi

# 2. Header names.
dups=$(printf '%s\n' "${files[@]}" | grep '\.h$' | awk -F/ '{print $NF}' | sort | uniq -d)
if [ -n "$dups" ]; then
  for h in $dups; do
    echo "check-includes: header name $h is not unique:" >&2
    printf '%s\n' "${files[@]}" | awk -F/ -v h="$h" '$NF == h {print "  " $0}' >&2
  done
  status=1
fi

# 3. Folder circles. Each header name -> its folder; each quoted include of a header in the tree
# -> an edge "includer's folder -> header's folder" (tests/ are excluded: they may include
# anything, and tests/layers/ includes what must not compile on purpose).
edges=$(printf '%s\n' "${files[@]}" | grep -v '^tests/' | while read -r f; do
  grep -hoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]+"' "$f" | sed -E 's/.*"([^"]+)"/\1/' |
    sed "s|^|$(dirname "$f") |"
done | awk -v hdrs="$(printf '%s\n' "${files[@]}" | grep '\.h$' | tr '\n' ' ')" '
  BEGIN { n = split(hdrs, h, " "); for (i = 1; i <= n; i++) { b = h[i]; sub(/.*\//, "", b); d = h[i];
          if (d ~ /\//) sub(/\/[^\/]*$/, "", d); else d = "."; dir[b] = d } }
  ($2 in dir) && dir[$2] != $1 { print $1, dir[$2] }' | sort -u)
for e in "${ALLOWED_EDGES[@]}"; do
  if ! grep -qxF "$e" <<< "$edges"; then
    echo "check-includes: the allowed edge '$e' no longer exists: remove it from ALLOWED_EDGES" >&2
    status=1
  fi
  edges=$(grep -vxF "$e" <<< "$edges" || true)
done
if ! loop=$(tsort <<< "$edges" 2>&1 > /dev/null) || [ -n "$loop" ]; then
  echo "check-includes: folders include each other (a circle between layers):" >&2
  printf '%s\n' "$loop" | sed 's/^tsort: //; s/^/  /' >&2
  status=1
fi

# 4. Direct includes the build cannot forbid: a layer sees everything below what it links
# PUBLIC, so reports/ sees the task model (results.h includes plan.h for the writer; the probes it
# links privately link the task model). The reports read results files: they include their own
# headers, base, the results' schema and reader, and the probes' counters catalogue and topology
# (docs/ARCHITECTURE.md, "Layers"). harness/defs: findings_rules.c's INI reader, until it moves.
declare -A ONLY=(
  [reports]="harness/base harness/results harness/probes harness/defs"
)
while read -r from to; do
  [ -n "$from" ] && [ -n "${ONLY[$from]+set}" ] || continue
  [[ " ${ONLY[$from]} " == *" $to "* ]] && continue
  echo "check-includes: $from/ includes a header of $to/ (it may include only its own and those of" \
    "${ONLY[$from]}):" >&2
  for f in $(git ls-files "$from/*.c" "$from/*.h"); do
    [ "$(dirname "$f")" = "$from" ] || continue
    for h in $(grep -hoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]+"' "$f" | sed -E 's/.*"([^"]+)"/\1/' || true); do
      if [ -f "$to/$h" ]; then echo "  $f: $h" >&2; fi
    done
  done
  status=1
done <<< "$edges"

[ "$status" -eq 0 ] && echo "check-includes: ${#files[@]} files: bare includes, unique headers, no folder circles, reports/ within its list"
exit "$status"

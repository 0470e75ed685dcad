#!/usr/bin/env bash
# check-functions.sh [--list] [--write]: keep C functions short. Every function of every tracked
# .c and .h file is measured with universal-ctags (its parser gives each function's first and last
# line, signature to closing brace); one longer than LIMIT (60) lines fails the check unless
# scripts/long-functions.txt lists it as `path:function lines` with exactly today's length. A
# listed function that grew, shrank (to the limit or not: write its new length, or drop it) or
# no longer exists fails too, so the list only ever gets shorter and truer.
#   --list   print every function over the limit, longest first, and change nothing
#   --write  rewrite the list from today's code (only to seed it; a review should see the diff)
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=60
list=scripts/long-functions.txt
command -v ctags > /dev/null && ctags --version 2> /dev/null | grep -q 'Universal Ctags' || {
  echo "check-functions: needs universal-ctags (scripts/setup.sh installs it)" >&2
  exit 2
}

# path:function lines, for every function longer than LIMIT (the longest when a name is defined
# twice in one file, e.g. in two #if branches).
measure() {
  git ls-files -z '*.c' '*.h' | xargs -0 ctags -x --_xformat='%F:%N %n %e' --kinds-C=f --fields=+ne \
    --language-force=C -o - |
    awk -v limit="$LIMIT" '$3 != "" { n = $3 - $2 + 1; if (n > limit && n > max[$1]) max[$1] = n }
      END { for (k in max) print k, max[k] }' | sort
}

case ${1:-} in
  --list) measure | sort -k2,2nr; exit 0 ;;
  --write)
    { echo "# Functions longer than $LIMIT lines, as scripts/check-functions.sh measures them: path:function lines."
      echo "# Only ever remove entries or lower their lengths (by splitting the function); never add."
      measure; } > "$list"
    echo "check-functions: wrote $(grep -vc '^#' "$list") entries to $list"
    exit 0 ;;
  "") ;;
  *) echo "usage: scripts/check-functions.sh [--list | --write]" >&2; exit 2 ;;
esac

now=$(mktemp)
trap 'rm -f "$now"' EXIT
measure > "$now"
# Compare today's long functions with the list: both are `key lines`.
if ! awk -v limit="$LIMIT" -v list="$list" '
  FILENAME == ARGV[1] { if ($0 !~ /^#/ && NF == 2) allowed[$1] = $2; next }
  { now[$1] = $2 }
  END {
    bad = 0
    for (k in now) {
      if (!(k in allowed)) { printf "%s: %d lines (limit %d): split it\n", k, now[k], limit; bad = 1 }
      else if (now[k] > allowed[k]) { printf "%s: grew from %d to %d lines (limit %d): split it\n", k, allowed[k], now[k], limit; bad = 1 }
      else if (now[k] < allowed[k]) { printf "%s: shrank from %d to %d lines: write %d in %s\n", k, allowed[k], now[k], now[k], list; bad = 1 }
    }
    for (k in allowed)
      if (!(k in now)) { printf "%s: listed in %s but now within %d lines (or gone): remove the entry\n", k, list, limit; bad = 1 }
    exit bad
  }' "$( [ -f "$list" ] && echo "$list" || echo /dev/null)" "$now" | sort; then
  exit 1
fi
echo "check-functions: $(wc -l < "$now") functions over $LIMIT lines, each as listed in $list"

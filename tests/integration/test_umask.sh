#!/usr/bin/env bash
# Every file and folder a run writes follows the umask: with umask 022 files are 0644 and folders
# 0755, with 077 files are 0600 and folders 0700 (results.json, made from a mkstemp temporary file,
# included; it used to be 0600 whatever the umask). The run reads and writes a file (the file
# I/O op in a scratch folder, by threads and by libuv) and writes the GIL model's traces, so those
# paths are covered too.
source "$(dirname "$0")/lib.sh"

for mask in 022 077; do
  rc=0
  (umask "$mask" && "$GB" run -w file-io -p quick -s serial,threads,async,gil --set gil.trace=1 -n 2 --reps 2 \
    --warmup 0 -o "run$mask" -q \
    > out.txt 2> err.txt) || rc=$?
  if [ "$rc" -ne 0 ]; then
    not_ok "umask $mask: the run failed (exit $rc)"
    sed 's/^/  | /' err.txt | head -20
    continue
  fi
  want_f=$(printf '%o' $((0666 & ~8#$mask)))
  want_d=$(printf '%o' $((0777 & ~8#$mask)))
  bad=$(find "run$mask" \( -type f ! -perm "$want_f" \) -o \( -type d ! -perm "$want_d" \) -printf '%m %p\n')
  n=$(find "run$mask" -type f | wc -l)
  if [ -z "$bad" ] && [ "$n" -ge 4 ]; then
    ok "umask $mask: all $n files are $want_f and the folders $want_d"
  else
    not_ok "umask $mask: files not $want_f / folders not $want_d (of $n files): $bad"
  fi
  for f in results.json results.jsonl; do
    m=$(stat -c %a "run$mask/$f" 2>/dev/null || echo missing)
    if [ "$m" = "$want_f" ]; then ok "umask $mask: $f is $m"; else not_ok "umask $mask: $f is $m, wanted $want_f"; fi
  done
done
finish

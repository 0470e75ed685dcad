#!/usr/bin/env bash
# The HTML report (and the comparison page) in a real browser: Debian's chromium, headless, loads
# report.html and compare.html from files at 390x844 (a phone) and 1440x900 (a laptop). The screenshots are not blank, the console shows no
# error (nothing is fetched, nothing fails), and the page does not scroll sideways: a copy of the
# report with a small probe script paints a marker green when scrollWidth <= clientWidth, magenta
# otherwise (the probe is checked against a page made too wide on purpose). A missing or broken
# browser fails this test: scripts/setup.sh installs chromium. GB_SCREENSHOT_DIR=DIR keeps the
# screenshots for a look.
source "$(dirname "$0")/lib.sh"
BROWSER=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" > /dev/null; then BROWSER=$(command -v "$b"); break; fi
done
if [ -z "$BROWSER" ]; then
  not_ok "no chromium found (scripts/setup.sh installs Debian's chromium)"
  finish
fi
cp -r "$SRC/tests/golden/report/run" run
"$GB" report run > /dev/null 2> report-err.txt || { not_ok "gilbench report failed"; cat report-err.txt; finish; }
"$GB" compare run run -o run/report/cmp > /dev/null 2> compare-err.txt || { not_ok "gilbench compare failed"; cat compare-err.txt; finish; }
R=run/report

# shot W H PAGE OUT: screenshot PAGE at WxH into OUT, chromium's log in OUT.log.
shot() {
  local rc=0
  timeout 90 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-extensions --disable-sync --metrics-recording-only --disable-dev-shm-usage --user-data-dir="$(mktemp -d "$WORK/profile.XXXXXX")" \
    --window-size="$1,$2" --hide-scrollbars --enable-logging=stderr --v=0 --screenshot="$WORK/$4" \
    "file://$WORK/$3" > "$WORK/$4.log" 2>&1 || rc=$?
  return $rc
}

# The probe: a fixed marker, re-painted on load and on every resize (headless chromium lays the
# page out at its minimum window width first and then at the asked size).
probe() { # probe IN OUT [EXTRA_HTML]
  $PY - "$1" "$2" "${3:-}" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>',
              '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'">', html)
js = """<script>
function gbProbe() {
  var d = document.documentElement, m = document.getElementById('gb-probe');
  if (!m) { m = document.createElement('div'); m.id = 'gb-probe'; document.body.appendChild(m); }
  m.style.cssText = 'position:fixed;left:0;top:0;width:48px;height:48px;z-index:2147483647;background:' +
    (d.scrollWidth > d.clientWidth ? '#ff00ff' : '#00ff00');
}
window.addEventListener('load', gbProbe);
window.addEventListener('resize', gbProbe);
</script>"""
html = html.replace("</body>", sys.argv[3] + js + "</body>")
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY
}

# pngcheck FILE W H: prints "WIDTH HEIGHT CONTENT_ROWS_PERCENT MARKER_RGB".
pngcheck() {
  $PY - "$@" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
idat, i = b"", 8
while i < len(data):
    n, = struct.unpack(">I", data[i:i + 4])
    if data[i + 4:i + 8] == b"IDAT":
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ctype]
stride = w * bpp
# Content: rows whose filtered bytes are not all zero (a blank page filters to zeros).
rows = [raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)] for y in range(h)]
content = sum(1 for r in rows if r.count(0) < len(r))
# The marker pixel (24, 24): unfilter the first 25 rows only.
prev = bytearray(stride)
for y in range(25):
    f, line = raw[y * (stride + 1)], bytearray(rows[y])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
px = prev[24 * bpp:24 * bpp + 3]
print(w, h, 100 * content // h, "%02x%02x%02x" % tuple(px))
PY
}

probe "$R/report.html" "$R/probe.html"
probe "$R/report.html" "$R/probe-wide.html" '<div style="width:3000px;height:10px"></div>'
probe "$R/cmp/compare.html" "$R/cmp/probe.html"
for size in 390x844 1440x900; do
  W=${size%x*}
  H=${size#*x}
  if shot "$W" "$H" "$R/report.html" "report-$size.png" && [ -s "report-$size.png" ]; then
    ok "$size: chromium renders report.html"
    read -r pw ph content _ < <(pngcheck "report-$size.png")
    [ "$pw" = "$W" ] && [ "$ph" = "$H" ] && ok "$size: screenshot is ${pw}x$ph" || not_ok "$size: screenshot is ${pw}x$ph"
    [ "$content" -ge 40 ] && ok "$size: not blank ($content% of rows drawn)" || not_ok "$size: blank? only $content% of rows drawn"
    if grep -E "CONSOLE|Uncaught|Refused to|net::ERR_|Failed to load" "report-$size.png.log" > console.txt; then
      not_ok "$size: console errors"; sed 's/^/  | /' console.txt | head -10
    else
      ok "$size: no console errors"
    fi
  else
    not_ok "$size: chromium could not render the report"; tail -20 "report-$size.png.log" | sed 's/^/  | /'
    continue
  fi
  if shot "$W" "$H" "$R/probe.html" "probe-$size.png" && shot "$W" "$H" "$R/probe-wide.html" "wide-$size.png"; then
    read -r _ _ _ px < <(pngcheck "probe-$size.png")
    read -r _ _ _ wpx < <(pngcheck "wide-$size.png")
    [ "$wpx" = "ff00ff" ] && ok "$size: the probe sees a page made too wide" || not_ok "$size: the probe missed a too-wide page ($wpx)"
    [ "$px" = "00ff00" ] && ok "$size: no horizontal scroll" || not_ok "$size: the page scrolls sideways (marker $px)"
  else
    not_ok "$size: chromium could not render the probe"
  fi
  # The comparison page: drawn, no console error, no sideways scroll.
  if shot "$W" "$H" "$R/cmp/compare.html" "compare-$size.png" && shot "$W" "$H" "$R/cmp/probe.html" "cprobe-$size.png"; then
    read -r _ _ content _ < <(pngcheck "compare-$size.png")
    read -r _ _ _ px < <(pngcheck "cprobe-$size.png")
    [ "$content" -ge 40 ] && ok "$size: compare.html not blank" || not_ok "$size: compare.html blank? ($content%)"
    ! grep -qE "CONSOLE|Uncaught|Refused to|net::ERR_|Failed to load" "compare-$size.png.log" && ok "$size: compare.html, no console errors" \
      || not_ok "$size: compare.html console errors"
    [ "$px" = "00ff00" ] && ok "$size: compare.html has no horizontal scroll" || not_ok "$size: compare.html scrolls sideways ($px)"
  else
    not_ok "$size: chromium could not render compare.html"
  fi
done
if [ -n "${GB_SCREENSHOT_DIR:-}" ]; then mkdir -p "$GB_SCREENSHOT_DIR" && cp report-*.png compare-*.png "$GB_SCREENSHOT_DIR/"; fi
finish

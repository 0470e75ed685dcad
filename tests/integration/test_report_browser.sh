#!/usr/bin/env bash
# The HTML report (and the comparison page) in a real browser: Debian's chromium, headless, loads
# report.html and compare.html from files at 390x844 (a phone) and 1440x900 (a laptop). The screenshots are not blank, the console shows no
# error (nothing is fetched, nothing fails), and the page does not scroll sideways: a copy of the
# report with a small probe script paints a marker green when scrollWidth <= clientWidth, magenta
# otherwise (the probe is checked against a page made too wide on purpose). Another copy measures
# the laid-out page and writes what it found into the DOM, which chromium dumps: the topology
# chart (the element with id "topology") is drawn; every chart's text is drawn at 11 px or more
# on the phone (font size times the chart's scale on screen), where each chart shows its
# phone-width variant; the tables are sortable under the report's own Content-Security-Policy, and
# a click on a header re-orders the rows (ascending, then descending). A missing or broken
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

# dump W H PAGE OUT: the DOM of PAGE in a WxH window, after its scripts ran, into OUT.
dump() {
  timeout 90 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-extensions --disable-sync --metrics-recording-only --disable-dev-shm-usage --user-data-dir="$(mktemp -d "$WORK/profile.XXXXXX")" \
    --window-size="$1,$2" --hide-scrollbars --virtual-time-budget=5000 --dump-dom \
    "file://$WORK/$3" > "$WORK/$4" 2> "$WORK/$4.log"
}

# The measuring copy: on load and on every resize it writes JSON into <pre id="gb-measure"> and
# hands it to the page around it. That page holds it in a frame of exactly WxH: headless chromium
# dumps the DOM before it has shrunk its window below 500 px, and a frame's width is the viewport
# its media queries and layout see.
framed() { # framed W H PAGE OUT
  cat > "$4" <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe src="$(basename "$3")" style="display:block;width:${1}px;height:${2}px;border:0"></iframe>
<pre id="gb-measure"></pre>
<script>window.addEventListener('message', function (e) { document.getElementById('gb-measure').textContent = e.data; });</script>
</body></html>
HTML
}
measurer() { # measurer IN OUT
  $PY - "$1" "$2" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
html = re.sub(r"script-src 'sha256-[^']*'", "script-src 'unsafe-inline'", html)
js = r"""<script>
function gbMeasure() {
  var out = {width: window.innerWidth, scroll: document.documentElement.scrollWidth,
             client: document.documentElement.clientWidth, fonts: [], variants: []};
  var topo = document.getElementById('topology'), pic = topo && topo.querySelector('svg, img');
  var shown = topo ? Array.prototype.filter.call(topo.querySelectorAll('svg, img'), function (e) {
    return e.getBoundingClientRect().width > 0; }) : [];
  out.topology = shown.length ? Math.round(shown[0].getBoundingClientRect().width) : (pic ? 0 : -1);
  document.querySelectorAll('figure').forEach(function (f) {
    var full = f.querySelector('a.chart-full'), phone = f.querySelector('a.chart-phone');
    out.variants.push([f.getAttribute('data-chart'), full && full.getBoundingClientRect().width > 0,
                       phone && phone.getBoundingClientRect().width > 0]);
    f.querySelectorAll('svg text').forEach(function (t) {
      var r = t.getBoundingClientRect(), ctm = t.getScreenCTM();
      if (!r.width || !r.height || !ctm || !t.textContent.trim()) return;
      var px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c));
      out.fonts.push([Math.round(px * 100) / 100, f.getAttribute('data-chart'), t.textContent.trim().slice(0, 40)]);
    });
  });
  out.sort = window.gbSort;
  var pre = document.getElementById('gb-measure');
  if (!pre) { pre = document.createElement('pre'); pre.id = 'gb-measure'; document.body.appendChild(pre); }
  pre.textContent = JSON.stringify(out);
  if (window.parent !== window) window.parent.postMessage(pre.textContent, '*');
}
function gbSortCheck() {
  var table = document.querySelector('section.workload table.sortable'), col = -1;
  if (!table) return {error: 'no sortable table in a workload section'};
  var ths = table.tHead.rows[0].cells;
  for (var i = 0; i < ths.length; i++) if (ths[i].textContent.indexOf('Median wall') === 0) col = i;
  if (col < 0) return {error: 'no Median wall column'};
  function order() { return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
    var v = r.cells[col].getAttribute('data-v'); return v === null ? null : parseFloat(v); }); }
  var b = ths[col].querySelector('button'), res = {control: b ? b.tagName : null, before: order()};
  if (!b) return res;
  b.click(); res.asc = order(); res.aria1 = ths[col].getAttribute('aria-sort');
  b.click(); res.desc = order(); res.aria2 = ths[col].getAttribute('aria-sort');
  return res;
}
window.addEventListener('load', function () { window.gbSort = gbSortCheck(); gbMeasure(); });
window.addEventListener('resize', gbMeasure);
</script>"""
open(sys.argv[2], "w", encoding="utf-8").write(html.replace("</body>", js + "</body>"))
PY
}

# measured DUMP W: checks the measurements in DUMP, taken at width W; prints ok/not ok lines.
measured() {
  $PY - "$@" <<'PY'
import html, json, re, sys
dom, W = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2])
m = re.search(r'<pre id="gb-measure">(.*?)</pre>', dom, re.S)
if not m:
    print("not ok - %d: the measuring script wrote nothing" % W); sys.exit(0)
r = json.loads(html.unescape(m.group(1)))
def check(cond, desc, detail=""):
    print(("ok - " if cond else "not ok - ") + "%d: " % W + desc + ("" if cond or not detail else ": " + detail))
check(r["width"] == W, "laid out at the asked width", "innerWidth %s" % r["width"])
check(r["topology"] > 100, "the topology chart (#topology) is drawn, %s px wide" % r["topology"])
check(r["scroll"] <= r["client"], "no horizontal overflow", "scrollWidth %s > clientWidth %s" % (r["scroll"], r["client"]))
phone = W <= 500
wrong = [v[0] for v in r["variants"] if v[1] is not None and v[2] is not None and (v[1], v[2]) != (not phone, phone)]
check(not wrong and r["variants"], "each chart shows its %s variant" % ("phone-width" if phone else "full-size"), "%s" % wrong)
fonts = sorted(r["fonts"])
if not fonts:
    check(False, "chart text measured")
else:
    small = [f for f in fonts if f[0] < 11]
    desc = "chart text at least 11 px (smallest %.1f px: %s '%s'; %d texts)" % (fonts[0][0], fonts[0][1], fonts[0][2], len(fonts))
    check(not small or not phone, desc, "%d below 11 px, e.g. %s" % (len(small), small[:3]))
s = r.get("sort") or {}
if "error" in s or s.get("control") != "BUTTON":
    check(False, "a table header is a sort button", "%s" % s)
else:
    before, asc, desc = s["before"], s["asc"], s["desc"]
    key = lambda v: (v is None, v if v is not None else 0)
    check(before != sorted(before, key=key), "the rows start unsorted by median wall", "%s" % before)
    check(asc == sorted(before, key=key) and s["aria1"] == "ascending", "a click sorts them ascending", "%s %s" % (asc, s["aria1"]))
    rev = sorted([v for v in before if v is not None], reverse=True) + [v for v in before if v is None]
    check(desc == rev and s["aria2"] == "descending", "a second click sorts them descending, blanks last", "%s %s" % (desc, s["aria2"]))
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
measurer "$R/report.html" "$R/measure.html"
# Under the report's own CSP, its script runs (the hash matches): the headers became buttons.
if dump 1440 900 "$R/report.html" dom-real.html && grep -q '<th[^>]*><button type="button">' dom-real.html; then
  ok "the report's script runs under its own Content-Security-Policy (headers are buttons)"
else
  not_ok "the report's script did not run under its CSP"; grep -iE "refused|error" dom-real.html.log | head -5 | sed 's/^/  | /'
fi
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
  # Measured in the page: topology, legible chart text, overflow, sorting.
  framed "$W" "$H" "$R/measure.html" "$R/framed-$size.html"
  if dump "$((W < 500 ? 500 : W))" "$H" "$R/framed-$size.html" "dom-$size.html"; then
    measured "dom-$size.html" "$W" > measured.txt
    while IFS= read -r line; do
      case "$line" in ok\ -\ *) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
    done < measured.txt
  else
    not_ok "$size: chromium could not dump the measured page"; tail -5 "dom-$size.html.log" | sed 's/^/  | /'
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

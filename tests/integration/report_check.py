#!/usr/bin/env python3
"""report_check.py REPORT_DIR EXPECT_JSON: check a `gilbench report` folder against expectations.

The HTML's structure (sections, verdict rows, failed and skipped cells listed, each chart inline
as SVG at full size and at phone width, nothing fetched from anywhere, one inline script allowed
by its hash), every chart's SVGs (parse as XML, have a viewBox, name the expected series), and the
Markdown's image links. Prints "ok - ..." / "not ok - ..." lines and
exits 1 if any check failed."""
import base64
import hashlib
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

report, expect_path = sys.argv[1], sys.argv[2]
expect = json.load(open(expect_path))
fails = 0


def check(cond, desc, detail=""):
    global fails
    if cond:
        print("ok - " + desc)
    else:
        fails += 1
        print("not ok - " + desc + (": " + detail if detail else ""))


class Page(HTMLParser):
    """Collects what the checks need: ids, figures, top-level SVGs, table rows per section."""

    def __init__(self):
        super().__init__()
        self.ids, self.figures, self.svgs = [], [], 0
        self.svg_depth, self.section, self.rows = 0, None, {}
        self.tags, self.attrs_seen, self.in_tbody = {}, [], False
        self.fig_classes = []
        self.text_by_section, self.meta = {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs_seen.append((tag, a))
        if tag == "meta":
            self.meta.append(a)
        if tag == "svg":
            if self.svg_depth == 0:
                self.svgs += 1
            self.svg_depth += 1
        if self.svg_depth:
            return
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "section":
            self.section = a.get("id")
        if tag == "figure":
            self.figures.append(a.get("data-chart"))
            self.fig_classes.append(a.get("class", ""))
        if tag == "tbody":
            self.in_tbody = True
        if tag == "tr" and self.in_tbody:
            self.rows.setdefault(self.section, []).append([])
        if tag == "td" and self.in_tbody and self.rows.get(self.section):
            self.rows[self.section][-1].append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1
        if tag == "tbody":
            self.in_tbody = False

    def handle_data(self, data):
        if self.svg_depth:
            return
        self.text_by_section[self.section] = self.text_by_section.get(self.section, "") + data
        rows = self.rows.get(self.section)
        if self.in_tbody and rows and rows[-1]:
            rows[-1][-1] += data


html = open(os.path.join(report, "report.html"), encoding="utf-8").read()
page = Page()
page.feed(html)

# Sections, in order, first the verdict.
sections = [i for i in page.ids if i in expect["sections"]]
check(sections == expect["sections"], "HTML sections in order", "%s" % sections)
check(page.ids and page.ids.index("verdict") < min(page.ids.index(s) for s in expect["sections"] if s != "verdict"),
      "the verdict comes first")
verdict = page.rows.get("verdict", [])
check(len(verdict) == len(expect["verdict"]), "verdict has one row per workload", "%d rows" % len(verdict))
for want, row in zip(expect["verdict"], verdict):
    got = [c.strip() for c in row][: len(want)]
    check(got == want, "verdict row " + want[0], "%s" % got)

# Failed and skipped cells, with their reasons.
problems = [[c.strip() for c in r] for r in page.rows.get("problems", [])]
check(len(problems) == len(expect["problems"]), "failed and skipped cells listed", "%s" % problems)
for want in expect["problems"]:
    hit = [p for p in problems if p[: len(want) - 1] == want[:-1] and want[-1] in p[-1]]
    check(bool(hit), "problem listed: %s" % " / ".join(want))

# One figure per chart, each with two inline SVGs (full size and phone width); every chart present
# in the HTML and the Markdown.
charts = sorted(expect["charts"])
check(sorted(f for f in page.figures if f) == charts, "one figure per chart", "%s" % sorted(page.figures))
# expect "fixed": the charts whose layout cannot shrink (no phone variant: a phone scrolls them);
# hwloc's topology drawing (NAME.xml beside it, lstopo's own layout) is fixed too.
def hwloc_drawn(c):
    return os.path.exists(os.path.join(report, "charts", c + ".xml"))


narrow = sorted(c for c in charts if c not in expect.get("fixed", []) and not hwloc_drawn(c))
phones = sorted(f for f, c in zip(page.figures, page.fig_classes) if "has-phone" in c)
check(phones == narrow, "every figure but the fixed ones has its phone-width variant", "%s" % phones)
check(page.svgs == len(charts) + len(narrow), "one inline SVG per chart and one per phone variant",
      "%d SVGs for %d charts" % (page.svgs, len(charts)))
md = open(os.path.join(report, "report.md"), encoding="utf-8").read()
# alt text may hold a label's balanced brackets (gil[switch_interval_us=5000]), as CommonMark allows
links = sorted(re.findall(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(charts/([^)]+)\.svg\)", md))
check(links == charts, "report.md links every chart as an image", "%s" % links)

# Self-contained: one inline script (sortable tables), allowed by its SHA-256 and nothing else; no
# stylesheet link, no src, links only inside or to charts/.
scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
check(len(scripts) == 1 and html.lower().count("<script") == 1, "one inline script", "%d" % len(scripts))
if scripts:
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    check("script-src 'sha256-%s'" % digest in html, "the CSP allows the script by its hash",
          "put GB_HTML_SCRIPT_SHA256 \"%s\" in reports/report_html.c" % digest)
external = [(t, a) for t, a in page.attrs_seen if "src" in a or t == "link" or
            ("href" in a and not (a["href"].startswith("#") or a["href"].startswith("charts/")))]
check(not external, "nothing fetched, links stay inside the report", "%s" % external[:3])
csp = [m for m in page.meta if m.get("http-equiv", "").lower() == "content-security-policy"]
check(bool(csp) and "default-src 'none'" in csp[0].get("content", ""), "a CSP that forbids fetches")
check(any(m.get("name") == "viewport" for m in page.meta), "a viewport meta for phones")
check(len(set(re.findall(r'\bid="([^"]+)"', html))) == len(re.findall(r'\bid="([^"]+)"', html)) and
      len(set(re.findall(r"\bid='([^']+)'", html))) == len(re.findall(r"\bid='([^']+)'", html)),
      "element ids are unique across the inlined SVGs")

# Each chart file, full and phone width: XML, a viewBox (the phone's no wider than 360), the series
# names, the .gp and .dat beside it.
for name in charts + [c + "-narrow" for c in narrow]:
    path = os.path.join(report, "charts", name + ".svg")
    try:
        root = ET.parse(path).getroot()
    except Exception as e:  # noqa: BLE001 - report any parse failure as a test failure
        check(False, name + ".svg parses as XML", str(e))
        continue
    box = re.match(r"^0 0 (\d+) \d+$", root.get("viewBox", ""))
    check(root.tag.endswith("svg") and box and (not name.endswith("-narrow") or int(box.group(1)) <= 360),
          name + ".svg parses, with a viewBox", root.get("viewBox", "none"))
    texts = " | ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    base = name[:-len("-narrow")] if name.endswith("-narrow") else name
    missing = [s for s in expect["charts"][base] if s not in texts]
    check(not missing, name + ".svg names its series", "missing %s in %s" % (missing, texts[:300]))
    hwloc = os.path.exists(os.path.join(report, "charts", base + ".xml"))  # lstopo's: the topology it drew
    for ext in ("xml" if hwloc else "gp", "dat"):
        check(os.path.getsize(os.path.join(report, "charts", base + "." + ext)) > 0, base + "." + ext + " saved")

for text in expect.get("html_text", []):
    check(text in html, "HTML says: " + text)
sys.exit(1 if fails else 0)

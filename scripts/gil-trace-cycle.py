"""gil-trace-cycle.py: split the gil strategy's switch cycle into its steps, from lock timelines.

Usage: python3 scripts/gil-trace-cycle.py [--json] TRACE.tsv...
(each the `cell-N-rep-K.gil-trace.tsv` that `--set gil.trace=1` writes: t_ns, worker, event).

Each forced switch of the new model goes: a worker takes the lock (the switch); a waiter's timed
wait, begun after that switch, runs out and it asks for a drop (drop-request); the holder sees
the request at a checkpoint and releases; the asking waiter is woken and acquires (the next
switch). Printed, in ms, median and 90th percentile over every cycle of every file:
  switch->request  from a switch to the next drop request (the interval plus what delayed it)
  request->release the holder's reaction (how often it checkpoints, and whether it was running)
  release->acquire the hand-off (the woken waiter being run)
and, where the request came from the worker the switch displaced (always so at 2 workers):
  switch->retake   the displaced holder woken from its forced wait to queue again
  timed wait       its take-request to its drop request: the switch interval plus the timer's lateness
and the steady rate: forced switches per second over the middle 80% of each timeline.
"""
import json
import statistics
import sys


def cycles(path, with_workers=False):
    """The forced cycles of one timeline; with_workers: also how many workers it shows."""
    rows = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            if line.startswith("t_ns") or line.startswith("#"):
                continue
            try:
                t, w, ev = line.split("\t")
                rows.append((int(t), int(w), ev.strip()))
            except ValueError:
                raise ValueError("line %d: not t_ns<TAB>worker<TAB>event: %r" % (no, line[:80]))
    out = []
    holder, prev = -1, -1
    cur = None  # the cycle being filled since the last switch
    for t, w, ev in rows:
        if ev == "acquired" and w != holder:
            if cur is not None and "request" in cur and "release" in cur:
                cur["acquire"] = t
                out.append(cur)
            prev, holder = holder, w
            cur = {"switch": t, "displaced": prev}
        elif ev == "acquired":
            holder = w
        elif cur is None:
            continue
        elif ev == "take-request" and w == cur["displaced"] and "retake" not in cur and "request" not in cur:
            cur["retake"] = t
        elif ev == "drop-request" and "request" not in cur:
            cur["request"], cur["asker"] = t, w
        elif ev == "released" and "request" in cur and "release" not in cur and w == holder:
            cur["release"] = t
    if with_workers:
        return out, 1 + max((w for _, w, _ in rows), default=-1)
    return out


def steady_rate(cs):
    """Forced switches per second over the middle 80% of the span of one timeline's forced cycles:
    neither the start nor the tail, where leaving workers hand the lock on unforced (the window
    CPython's twin, scripts/cpython-switch-rate.py, counts in). None with under 10 cycles."""
    ts = sorted(c["acquire"] for c in cs)
    if len(ts) < 10:
        return None
    a, b = ts[0] + 0.1 * (ts[-1] - ts[0]), ts[0] + 0.9 * (ts[-1] - ts[0])
    return sum(1 for t in ts if a <= t <= b) / ((b - a) * 1e-9)


def summary(cs):
    def spans(a, b, only_displaced=False):
        v = []
        for c in cs:
            if only_displaced and c.get("asker") != c["displaced"]:
                continue
            if a in c and b in c:
                v.append((c[b] - c[a]) * 1e-6)
        return v

    parts = [
        ("switch->request", spans("switch", "request")),
        ("request->release", spans("request", "release")),
        ("release->acquire", spans("release", "acquire")),
        ("switch->retake", spans("switch", "retake", True)),
        ("timed wait", spans("retake", "request", True)),
    ]
    res = {"cycles": len(cs)}
    for name, v in parts:
        if v:
            v.sort()
            res[name] = {"median_ms": statistics.median(v), "p90_ms": v[min(len(v) - 1, int(0.9 * len(v)))], "n": len(v)}
    return res


def main():
    args = sys.argv[1:]
    as_json = bool(args) and args[0] == "--json"
    if as_json:
        args = args[1:]
    if not args:
        sys.exit("usage: gil-trace-cycle.py [--json] TRACE.tsv...")
    cs, rates = [], []
    for p in args:
        try:
            one = cycles(p)
        except (OSError, ValueError) as e:
            sys.exit("gil-trace-cycle.py: %s: %s" % (p, e))
        cs += one
        if steady_rate(one) is not None:
            rates.append(steady_rate(one))
    res = summary(cs)
    if rates:
        res["steady_rate_per_s"] = statistics.median(rates)
    if as_json:
        print(json.dumps(res))
        return
    print("%d forced cycles" % res["cycles"])
    if "steady_rate_per_s" in res:
        print("  steady rate      %.1f forced switches/s (median over the timelines' middle 80%%)" % res["steady_rate_per_s"])
    for k, v in res.items():
        if isinstance(v, dict):
            print("  %-17s median %7.3f ms   p90 %7.3f ms   (%d)" % (k, v["median_ms"], v["p90_ms"], v["n"]))


if __name__ == "__main__":
    main()

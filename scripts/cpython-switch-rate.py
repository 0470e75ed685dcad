"""cpython-switch-rate.py: how often real CPython's GIL changes hands between CPU-bound threads.

Usage: python3 scripts/cpython-switch-rate.py THREADS [SECONDS] [INTERVAL_US]
Prints one line: threads, seconds measured, switches, switches per second.

THREADS threads spin in pure Python; each, at every turn of its loop, compares the number of the
thread that ran last with its own: a difference is a switch of the GIL between two spinning
threads (only the GIL's holder runs Python code, so nothing else can change the number). The
threads start together once all of them exist, and the rate is counted over SECONDS after they
all spin, so neither their start nor their end is in it: what is left is the switch interval's
rate, the twin of the gil strategy's gil_forced_switches per second on sumloop.
"""
import sys
import threading
import time


def main():
    n = int(sys.argv[1])
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    interval_us = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    if n < 2 or secs <= 0 or interval_us < 1:
        sys.exit("cpython-switch-rate.py: THREADS >= 2, SECONDS > 0, INTERVAL_US >= 1")
    sys.setswitchinterval(interval_us * 1e-6)
    state = {"last": -1, "switches": 0, "spinning": 0, "stop": False}
    go = threading.Event()

    def spin(me):
        go.wait()
        st = state
        st["spinning"] += 1  # under the GIL: no other thread runs between the read and the write
        x = 0
        while not st["stop"]:
            if st["last"] != me:
                st["last"] = me
                st["switches"] += 1
            for i in range(20):
                x += i

    ts = [threading.Thread(target=spin, args=(i,), daemon=True) for i in range(n)]
    for t in ts:
        t.start()
    go.set()
    while state["spinning"] < n:  # every thread has had the GIL once and spins
        time.sleep(0.01)
    c0, t0 = state["switches"], time.monotonic()
    time.sleep(secs)
    c1, t1 = state["switches"], time.monotonic()
    state["stop"] = True
    for t in ts:
        t.join()
    print("threads %d seconds %.3f switches %d rate %.1f" % (n, t1 - t0, c1 - c0, (c1 - c0) / (t1 - t0)))


if __name__ == "__main__":
    main()

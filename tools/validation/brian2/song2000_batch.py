#!/usr/bin/python3
"""song2000 reference runs -> song2000_reference.json (next to this file).

    /usr/bin/python3 tools/validation/brian2/song2000_batch.py run [--jobs 2]  # appends to song2000_raw.jsonl
    /usr/bin/python3 tools/validation/brian2/song2000_batch.py timing           # repeat the timing runs
    /usr/bin/python3 tools/validation/brian2/song2000_batch.py summarize       # song2000_reference.json

Every run is one `run.py --network song2000` subprocess (runtime device, Cython); a run already in
song2000_raw.jsonl is skipped, so an interrupted batch resumes. The two timing runs (model
"example", seed 1, 10 s and 100 s) are done first, one at a time, so their runS is not disturbed
by a concurrent run; the rest run --jobs at a time.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "song2000_raw.jsonl")
OUT = os.path.join(HERE, "song2000_reference.json")
SEEDS = [1, 2, 3]
DURATIONS_MS = [10000, 20000, 100000, 300000]
MODELS = ["example", "conductance"]
TIMING = [("example", 1, 10000, "vr"), ("example", 1, 100000, "vr")]
EXTRA = [("example", 1, 100000, "zero")]  # the example's own v(0) = 0 mV, for comparison


def key(model, seed, dur, v0):
    return f"{model}/seed{seed}/{dur}ms/v0={v0}"


def load_raw():
    rows = {}
    if os.path.exists(RAW):
        with open(RAW) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    rows[r["key"]] = r
    return rows


def run_one(job, device="runtime", row_key=None):
    model, seed, dur, v0 = job
    cmd = ["/usr/bin/python3", os.path.join(HERE, "run.py"), "--network", "song2000",
           "--duration", str(dur), "--seed", str(seed), "--song-model", model, "--v0", v0,
           "--device", device]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        print(p.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    out = json.loads(p.stdout)
    row = {"key": row_key or key(*job), "cmd": " ".join(cmd), "wallS": round(wall, 2), "out": out}
    with open(RAW, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"{row['key']}: wall {wall:.1f}s run {out['runS']}s post {out['postRateHz']:.2f} Hz "
          f"low {out['weights']['fractionLow']:.3f} high {out['weights']['fractionHigh']:.3f}",
          file=sys.stderr, flush=True)
    return row


def run_all(jobs_n):
    done = load_raw()
    for job in TIMING:
        if key(*job) not in done:
            run_one(job)
    rest = [(m, s, d, "vr") for m in MODELS for d in DURATIONS_MS for s in SEEDS]
    rest += EXTRA
    rest = [j for j in rest if key(*j) not in done and j not in TIMING]
    rest.sort(key=lambda j: -j[2])  # longest first
    with ThreadPoolExecutor(max_workers=jobs_n) as ex:
        list(ex.map(run_one, rest))


def timing():
    """Timing runs again, strictly one at a time (nothing else should run on the machine)."""
    rows = load_raw()
    rep = 1 + sum(1 for k in rows if k.startswith("timing/") and k.endswith("runtime/10000ms"))
    for device, dur in [("runtime", 10000), ("runtime", 100000), ("cpp_standalone", 100000)]:
        run_one(("example", 1, dur, "vr"), device, f"timing/rep{rep}/{device}/{dur}ms")


def summarize():
    rows = load_raw()

    def runs(model, dur, v0="vr"):
        return [rows[key(model, s, dur, v0)]["out"] for s in SEEDS
                if key(model, s, dur, v0) in rows]

    ref = {"durationMs": 100000,
           "note": "Brian2 2.5.1 examples/synapses/STDP.py (model 'example': "
                   "dv/dt = (ge*(Ee-vr) + El - v)/taum, exact), v(0) = vr, runtime device, "
                   "dt 0.1 ms. 'conductance' = the same with ge*(Ee-v) and euler. "
                   "See README.md.",
           "runs": runs("example", 100000),
           "runs10s": runs("example", 10000),
           "runs20s": runs("example", 20000),
           "runs300s": runs("example", 300000),
           "conductance": {"runs": runs("conductance", 100000),
                           "runs10s": runs("conductance", 10000),
                           "runs20s": runs("conductance", 20000),
                           "runs300s": runs("conductance", 300000)},
           "exampleV0Zero": {"runs": runs("example", 100000, "zero")},
           "timing": {k: {"wallS": rows[k]["wallS"], "runS": rows[k]["out"]["runS"],
                          "buildS": rows[k]["out"]["buildS"], "cmd": rows[k]["cmd"]}
                      for k in [key(*j) for j in TIMING] + sorted(k for k in rows
                                                                 if k.startswith("timing/"))
                      if k in rows}}
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)
    print(f"wrote {OUT}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("what", choices=["run", "timing", "summarize"])
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    if a.what == "run":
        run_all(a.jobs)
    elif a.what == "timing":
        timing()
    summarize()


if __name__ == "__main__":
    main()

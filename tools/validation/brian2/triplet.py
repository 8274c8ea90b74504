#!/usr/bin/python3
"""Brian2 (2.5, Debian python3-brian) reference for triplet STDP on the pairing-frequency protocol.

Triplet rule: Pfister & Gerstner (2006, J Neurosci 26:9673), the "minimal" model with two
presynaptic traces (r1, r2) and two postsynaptic traces (o1, o2). Protocol: Sjöström, Turrigiano &
Nelson (2001, Neuron 32:1149): `pairings` pre/post pairs at frequency f with a fixed offset
Δ = t_post − t_pre. Run with the system interpreter:

    echo '{"dt": 0.1, "pairings": 60, "frequencies": [1, 5, 10, 20, 30, 40, 50],
           "offsets": [10, -10], "pairing": "all",
           "params": {"a2Plus": 5e-10, "a3Plus": 6.2e-3, "a2Minus": 7e-3, "a3Minus": 0,
                      "tauPlus": 16.8, "tauMinus": 33.7, "tauX": 101, "tauY": 125}}' \\
        | /usr/bin/python3 tools/validation/brian2/triplet.py [--analytic]

Input: ONE JSON object on stdin; times in ms, amplitudes dimensionless additive weight changes.
"pairing": "all" (all-to-all: traces incremented by 1) or "nearest" (traces set to 1).
Optional "bounds": [wMin, wMax] (default [0, 1]; w starts at 0.5). NOTE: with the default
(visual cortex, minimal all-to-all) parameters, Δ = +10 ms at f >= 40 Hz reaches w = 1 and is
clipped (dw = +0.5 exactly); pass e.g. "bounds": [-1e9, 1e9] for the unclipped sums.

Protocol, per (f, Δ): pre spike k at T0 + k·(1000/f) ms, k = 0..pairings−1, T0 = 100 ms, post
spike at that time + Δ; every spike time is rounded to the nearest dt tick (round(t/dt)·dt,
rounding the pre time and the post time separately, e.g. f = 30 Hz: 133.333.. → 133.3 ms).

Network (ONE Brian2 network for all pairs): SpikeGeneratorGroup `pre` (one neuron per (f, Δ)),
SpikeGeneratorGroup `post` (same), `Synapses(pre, post)` connected one-to-one (j = i) with delay 0.
Brian2 accepts a SpikeGeneratorGroup as the target of Synapses (it is a SpikeSource, so the
`on_post` pathway fires on its spikes; no dummy NeuronGroup is needed). Synapse model:

    w : 1
    dr1/dt = -r1/tauPlus  : 1 (event-driven)     # pre,  fast
    dr2/dt = -r2/tauX     : 1 (event-driven)     # pre,  slow
    do1/dt = -o1/tauMinus : 1 (event-driven)     # post, fast
    do2/dt = -o2/tauY     : 1 (event-driven)     # post, slow
    on_pre:  w = clip(w - o1*(a2Minus + a3Minus*r2), wMin, wMax); r1 += 1; r2 += 1   (all)
             ...                                                   r1 = 1;  r2 = 1   (nearest)
    on_post: w = clip(w + r1*(a2Plus + a3Plus*o2), wMin, wMax);   o1 += 1; o2 += 1   (all)
             ...                                                   o1 = 1;  o2 = 1   (nearest)

r2 (o2) is read before its own increment, i.e. the value just before the spike (Pfister &
Gerstner's r2(t−ε), o2(t−ε)). Event-driven variables decay exactly: Brian2 brings them to the
current time with exp(−(t − lastupdate)/τ) before each on_pre/on_post statement, so the only
time discretisation is the spike times' rounding to the tick. w(0) = 0.5, bounds [wMin, wMax]
= "bounds" (default [0, 1]). Same-step order: both pathways run in the `synapses` slot,
the `pre` pathway with order −1 and the `post` pathway with order +1 (Brian2's SynapticPathway
defaults), so when a pre and a post spike of a synapse fall in the same step, on_pre runs first
(the pair is then treated as post-after-pre: potentiation with r1 = 1 just incremented).
Run length: last spike + 5·max(tauPlus, tauMinus, tauX, tauY) (irrelevant for w: event-driven).

numpy code generation (nothing compiled), defaultclock.dt = dt.

--analytic: also compute the exact continuous-time event-driven result in pure Python for the
same (tick-rounded) spike times: events in time order, at equal times pre before post, traces
decayed with exact exponentials between events, the same update statements. Adds "analytic" per
row and "analyticMaxRelDiff" (max over rows of |dw − analytic| / |analytic|) at the top level.

Output: ONE JSON object on stdout (logs and warnings go to stderr):

    {"brian2": "<version>", "dt", "pairing",
     "results": [{"frequency": f, "offset": Δ, "dw": w_final − 0.5 [, "analytic": ...]}, ...]}

rows in input order, frequencies outer, offsets inner.
Exit status: 0 on success, 1 on bad input, 2 if brian2 cannot be imported.
"""
import json
import math
import sys
import time
import warnings

PARAM_KEYS = ("a2Plus", "a3Plus", "a2Minus", "a3Minus", "tauPlus", "tauMinus", "tauX", "tauY")
T0_MS = 100.0
W0 = 0.5


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def fail(msg, code=1):
    log(f"triplet.py: {msg}")
    sys.exit(code)


def read_input():
    try:
        cfg = json.load(sys.stdin)
    except json.JSONDecodeError as e:
        fail(f"stdin is not valid JSON: {e}")
    if not isinstance(cfg, dict):
        fail("stdin must hold one JSON object")
    for k in ("dt", "pairings", "frequencies", "offsets", "pairing", "params"):
        if k not in cfg:
            fail(f"missing key {k!r}")
    if cfg["pairing"] not in ("all", "nearest"):
        fail("'pairing' must be \"all\" or \"nearest\"")
    p = cfg["params"]
    if not isinstance(p, dict):
        fail("'params' must be an object")
    missing = [k for k in PARAM_KEYS if k not in p]
    if missing:
        fail(f"params lacks {', '.join(missing)}")
    if not float(cfg["dt"]) > 0:
        fail("dt must be > 0")
    if int(cfg["pairings"]) < 1:
        fail("pairings must be >= 1")
    if not cfg["frequencies"] or any(float(f) <= 0 for f in cfg["frequencies"]):
        fail("'frequencies' must be a non-empty list of positive numbers")
    if not cfg["offsets"]:
        fail("'offsets' must be a non-empty list")
    for k in ("tauPlus", "tauMinus", "tauX", "tauY"):
        if not float(p[k]) > 0:
            fail(f"{k} must be > 0")
    b = cfg.get("bounds", [0, 1])
    if not (isinstance(b, list) and len(b) == 2 and float(b[0]) <= W0 <= float(b[1])):
        fail("'bounds' must be [wMin, wMax] with wMin <= 0.5 <= wMax")
    return cfg


def spike_ticks(cfg):
    """Per (f, Δ): (pre ticks, post ticks), each spike time rounded to the nearest tick."""
    dt = float(cfg["dt"])
    n = int(cfg["pairings"])
    rows = []
    for f in cfg["frequencies"]:
        period = 1000.0 / float(f)
        for d in cfg["offsets"]:
            pre = [int(round((T0_MS + k * period) / dt)) for k in range(n)]
            post = [int(round((T0_MS + k * period + float(d)) / dt)) for k in range(n)]
            if min(post) < 0:
                fail(f"post spike before t = 0 (f {f}, offset {d})")
            if len(set(pre)) != n or len(set(post)) != n:
                fail(f"two spikes of one train fall in the same tick (f {f}, dt {dt})")
            rows.append((f, d, pre, post))
    return rows


def analytic_dw(pre, post, dt, p, nearest, lo, hi):
    """Exact event-driven triplet rule on tick-aligned times; pre before post at equal times."""
    events = sorted([(k, 0) for k in pre] + [(k, 1) for k in post])  # 0 = pre sorts first
    r1 = r2 = o1 = o2 = 0.0
    w = W0
    last = None
    for k, kind in events:
        t = k * dt
        if last is not None:
            el = t - last
            r1 *= math.exp(-el / p["tauPlus"])
            r2 *= math.exp(-el / p["tauX"])
            o1 *= math.exp(-el / p["tauMinus"])
            o2 *= math.exp(-el / p["tauY"])
        last = t
        if kind == 0:
            w = min(max(w - o1 * (p["a2Minus"] + p["a3Minus"] * r2), lo), hi)
            r1, r2 = (1.0, 1.0) if nearest else (r1 + 1.0, r2 + 1.0)
        else:
            w = min(max(w + r1 * (p["a2Plus"] + p["a3Plus"] * o2), lo), hi)
            o1, o2 = (1.0, 1.0) if nearest else (o1 + 1.0, o2 + 1.0)
    return w - W0


def main():
    analytic = "--analytic" in sys.argv[1:]
    unknown = [a for a in sys.argv[1:] if a != "--analytic"]
    if unknown:
        fail(f"unknown arguments {unknown} (only --analytic)")
    cfg = read_input()
    rows = spike_ticks(cfg)
    p = {k: float(cfg["params"][k]) for k in PARAM_KEYS}
    dt = float(cfg["dt"])
    nearest = cfg["pairing"] == "nearest"
    lo, hi = (float(x) for x in cfg.get("bounds", [0, 1]))

    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything printed while importing/running must not reach stdout
    try:
        # Debian's pythran (imported by Brian2) warns about numpy aliases on import; not ours.
        warnings.filterwarnings("ignore", category=FutureWarning, module="pythran")
        try:
            import numpy as np
            import brian2 as b2
            from brian2 import (SpikeGeneratorGroup, Synapses, Network, defaultclock, prefs, ms)
        except Exception as e:  # ImportError, or a broken installation
            fail(f"cannot import brian2 ({type(e).__name__}: {e}); run with /usr/bin/python3 "
                 "(Debian python3-brian)", 2)

        prefs.codegen.target = "numpy"
        prefs.logging.file_log = False
        prefs.logging.console_log_level = "WARNING"

        t0 = time.perf_counter()
        defaultclock.dt = dt * ms
        n = len(rows)
        pre_i, pre_t, post_i, post_t = [], [], [], []
        for idx, (_f, _d, pre, post) in enumerate(rows):
            pre_i += [idx] * len(pre)
            pre_t += pre
            post_i += [idx] * len(post)
            post_t += post
        # integer ticks × dt: exactly what Brian2 would round to anyway
        pre_g = SpikeGeneratorGroup(n, np.array(pre_i), np.array(pre_t) * dt * ms, name="pre")
        post_g = SpikeGeneratorGroup(n, np.array(post_i), np.array(post_t) * dt * ms, name="post")

        model = """
        w : 1
        dr1/dt = -r1/tauPlus : 1 (event-driven)
        dr2/dt = -r2/tauX : 1 (event-driven)
        do1/dt = -o1/tauMinus : 1 (event-driven)
        do2/dt = -o2/tauY : 1 (event-driven)
        """
        if nearest:
            on_pre = "w = clip(w - o1*(a2Minus + a3Minus*r2), wMin, wMax)\nr1 = 1\nr2 = 1"
            on_post = "w = clip(w + r1*(a2Plus + a3Plus*o2), wMin, wMax)\no1 = 1\no2 = 1"
        else:
            on_pre = "w = clip(w - o1*(a2Minus + a3Minus*r2), wMin, wMax)\nr1 += 1\nr2 += 1"
            on_post = "w = clip(w + r1*(a2Plus + a3Plus*o2), wMin, wMax)\no1 += 1\no2 += 1"
        ns = {"a2Plus": p["a2Plus"], "a3Plus": p["a3Plus"],
              "a2Minus": p["a2Minus"], "a3Minus": p["a3Minus"],
              "tauPlus": p["tauPlus"] * ms, "tauMinus": p["tauMinus"] * ms,
              "tauX": p["tauX"] * ms, "tauY": p["tauY"] * ms, "wMin": lo, "wMax": hi}
        S = Synapses(pre_g, post_g, model=model, on_pre=on_pre, on_post=on_post,
                     namespace=ns, name="triplet")
        S.connect(j="i")
        S.delay = 0 * ms
        S.w = W0
        net = Network(pre_g, post_g, S)
        last_tick = max(max(pre_t), max(post_t))
        tmax = max(p["tauPlus"], p["tauMinus"], p["tauX"], p["tauY"])
        duration = last_tick * dt + 5 * tmax
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        net.run(duration * ms)
        run_s = time.perf_counter() - t1

        # one-to-one: synapse k connects pre k → post k (check rather than assume)
        assert list(S.i[:]) == list(range(n)) and list(S.j[:]) == list(range(n))
        w = S.w[:]
        out = {"brian2": b2.__version__, "dt": cfg["dt"], "pairing": cfg["pairing"],
               "results": []}
        max_rel = 0.0
        for idx, (f, d, pre, post) in enumerate(rows):
            r = {"frequency": f, "offset": d, "dw": float(w[idx]) - W0}
            if analytic:
                a = analytic_dw(pre, post, dt, p, nearest, lo, hi)
                r["analytic"] = a
                diff = abs(r["dw"] - a)
                max_rel = max(max_rel, diff / abs(a) if a != 0 else (0.0 if diff == 0 else math.inf))
            out["results"].append(r)
        if analytic:
            out["analyticMaxRelDiff"] = max_rel
        log(f"triplet.py: {n} synapses, pairing {cfg['pairing']}, {duration:.1f} ms at dt {dt} ms: "
            f"build {build_s:.2f} s, run {run_s:.2f} s"
            + (f", max |brian2 - analytic|/|analytic| = {max_rel:.3g}" if analytic else ""))
    finally:
        sys.stdout = real_stdout
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

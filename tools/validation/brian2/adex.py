#!/usr/bin/python3
"""Brian2 (2.5, Debian python3-brian) reference for AdEx single-neuron firing patterns.

AdEx (Brette & Gerstner 2005) driven by a constant current, the firing patterns of Naud et al.
(2008, Biol Cybern 99:335, Table 1 / Fig. 4). spikegpu owns the parameter table and passes it in;
this script only integrates it. Run with the system interpreter:

    echo '{"dt": 0.1, "durationMs": 500, "method": "euler",
           "patterns": {"tonic": {"C": 200, "gL": 10, "EL": -70, "VT": -50, "DeltaT": 2,
                                  "a": 2, "tauw": 30, "b": 0, "Vr": -58, "I": 500}}}' \\
        | /usr/bin/python3 tools/validation/brian2/adex.py

Input: ONE JSON object on stdin. dt and durationMs in ms, method a Brian2 state updater
("euler" or "rk2"). Per pattern: C pF, gL nS, EL/VT/DeltaT/Vr mV, a nS, tauw ms, b pA, I pA
(constant from t = 0). Initial v = EL, w = 0.

Model (one NeuronGroup, one neuron per pattern, parameters as per-neuron constants):

    dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I) / C
    dw/dt = (a*(v - EL) - w) / tauw
    threshold v > VT + 5*DeltaT;  reset v = Vr; w += b;  no refractory period

numpy code generation (nothing compiled), defaultclock.dt = dt, SpikeMonitor. Brian2 records a
spike in step k (the step whose integration took v above threshold) at t = k*dt.

Output: ONE JSON object on stdout (logs and warnings go to stderr):

    {"dt", "durationMs", "method", "brian2": "<version>",
     "patterns": {"<name>": {"times": [ms, ...], "count": n}, ...}}

times are floats in ms rounded to 6 decimals, in the order of the input's patterns.
Exit status: 0 on success, 1 on bad input, 2 if brian2 cannot be imported.
Results for Naud et al.'s parameter sets: adex_patterns.md next to this file.
"""
import json
import sys
import time
import warnings

KEYS = ("C", "gL", "EL", "VT", "DeltaT", "a", "tauw", "b", "Vr", "I")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def fail(msg, code=1):
    log(f"adex.py: {msg}")
    sys.exit(code)


def read_input():
    try:
        cfg = json.load(sys.stdin)
    except json.JSONDecodeError as e:
        fail(f"stdin is not valid JSON: {e}")
    if not isinstance(cfg, dict):
        fail("stdin must hold one JSON object")
    for k in ("dt", "durationMs", "method", "patterns"):
        if k not in cfg:
            fail(f"missing key {k!r}")
    pats = cfg["patterns"]
    if not isinstance(pats, dict) or not pats:
        fail("'patterns' must be a non-empty object")
    for name, p in pats.items():
        if not isinstance(p, dict):
            fail(f"pattern {name!r} must be an object")
        missing = [k for k in KEYS if k not in p]
        if missing:
            fail(f"pattern {name!r} lacks {', '.join(missing)}")
    if not (float(cfg["dt"]) > 0 and float(cfg["durationMs"]) >= 0):
        fail("dt must be > 0 and durationMs >= 0")
    return cfg


def main():
    cfg = read_input()
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything printed while importing/running must not reach stdout
    try:
        # Debian's pythran (imported by Brian2) warns about numpy aliases on import; not ours.
        warnings.filterwarnings("ignore", category=FutureWarning, module="pythran")
        try:
            import brian2 as b2
            from brian2 import (NeuronGroup, SpikeMonitor, Network, defaultclock, prefs,
                                ms, mV, pF, nS, pA)
        except Exception as e:  # ImportError, or a broken installation
            fail(f"cannot import brian2 ({type(e).__name__}: {e}); run with /usr/bin/python3 "
                 "(Debian python3-brian)", 2)

        prefs.codegen.target = "numpy"
        prefs.logging.file_log = False
        prefs.logging.console_log_level = "WARNING"

        names = list(cfg["patterns"])
        P = cfg["patterns"]
        dt = float(cfg["dt"])
        duration = float(cfg["durationMs"])
        method = str(cfg["method"])

        t0 = time.perf_counter()
        defaultclock.dt = dt * ms
        eqs = """
        dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I) / C : volt
        dw/dt = (a*(v - EL) - w) / tauw : amp
        C : farad (constant)
        gL : siemens (constant)
        EL : volt (constant)
        VT : volt (constant)
        DeltaT : volt (constant)
        a : siemens (constant)
        tauw : second (constant)
        b : amp (constant)
        Vr : volt (constant)
        I : amp (constant)
        """
        G = NeuronGroup(len(names), eqs, threshold="v > VT + 5*DeltaT",
                        reset="v = Vr; w += b", method=method, name="adex")
        col = lambda k: [float(P[n][k]) for n in names]  # noqa: E731
        G.C = col("C") * pF
        G.gL = col("gL") * nS
        G.EL = col("EL") * mV
        G.VT = col("VT") * mV
        G.DeltaT = col("DeltaT") * mV
        G.a = col("a") * nS
        G.tauw = col("tauw") * ms
        G.b = col("b") * pA
        G.Vr = col("Vr") * mV
        G.I = col("I") * pA
        G.v = col("EL") * mV
        G.w = 0 * pA
        M = SpikeMonitor(G)
        net = Network(G, M)
        net.run(duration * ms)
        run_s = time.perf_counter() - t0

        ii = M.i[:]
        tt = M.t[:] / ms
        out = {"dt": cfg["dt"], "durationMs": cfg["durationMs"], "method": cfg["method"],
               "brian2": b2.__version__, "patterns": {}}
        for k, n in enumerate(names):
            times = [round(float(t), 6) for t in tt[ii == k]]
            out["patterns"][n] = {"times": times, "count": len(times)}
        log(f"adex.py: {len(names)} neurons, {duration} ms, dt {dt} ms, {method}: "
            f"build+run {run_s:.2f} s")
    finally:
        sys.stdout = real_stdout
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

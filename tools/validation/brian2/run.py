#!/usr/bin/python3
"""Brian2 (2.5, Debian python3-brian) reference runs for spikegpu's reference networks.

Run with the system interpreter:

    /usr/bin/python3 tools/validation/brian2/run.py --network cuba [--n 4000] [--duration 1000] \
        [--seed 1] [--device runtime|cpp_standalone] [--spikes-out spikes.json]

Prints ONE JSON object on stdout (everything else goes to stderr):

    {"network", "n", "regime"?, "connect"?, "durationMs", "seed", "device", "buildS", "runS",
     "populations": {"E": {"size", "spikes", "rateHz"}, "I": {...}}, ...}

Networks: cuba, coba, brunel (regimes A-D), izhikevich2003 (numpy port of Izhikevich's net.m),
song2000 (Brian2's examples/synapses/STDP.py: N Poisson inputs -> 1 neuron, additive STDP; its
output has postRateHz, inputRateHz and a weight histogram instead of "populations", see README.md).
Parameters: docs/networks.md; deviations are listed in README.md next to this file.
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

DEFAULT_N = {"cuba": 4000, "coba": 4000, "brunel": 12500, "izhikevich2003": 1000,
             "song2000": 1000}
BRUNEL_REGIMES = {  # Brunel (2000) fig. 8: (g, nu_ext / nu_thr)
    "A": (3.0, 2.0),
    "B": (6.0, 4.0),
    "C": (5.0, 2.0),
    "D": (4.5, 0.9),
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def split_sizes(n):
    """80/20 split used by every network here."""
    ne = int(round(0.8 * n))
    return ne, n - ne


# --------------------------------------------------------------------------------------------
# Izhikevich (2003) net.m, faithful numpy port
# --------------------------------------------------------------------------------------------
def run_izhikevich(args):
    import numpy as np

    t0 = time.perf_counter()
    n = args.n
    Ne, Ni = split_sizes(n)
    N = Ne + Ni
    scale = 1000.0 / n  # keeps the summed recurrent input comparable when n changes
    rng = np.random.default_rng(args.seed)
    # --- net.m, line by line (draw order: re, ri, S(:,E), S(:,I), then per-step thalamic input)
    re = rng.random(Ne)
    ri = rng.random(Ni)
    a = np.concatenate([0.02 * np.ones(Ne), 0.02 + 0.08 * ri])
    b = np.concatenate([0.2 * np.ones(Ne), 0.25 - 0.05 * ri])
    c = np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(Ni)])
    d = np.concatenate([8 - 6 * re ** 2, 2 * np.ones(Ni)])
    # S[post, pre] as in net.m (S(:,fired) = the columns of the neurons that fired)
    S = np.empty((N, N))
    S[:, :Ne] = 0.5 * rng.random((N, Ne))
    S[:, Ne:] = -rng.random((N, Ni))
    S *= scale
    v = -65.0 * np.ones(N)
    u = b * v
    build_s = time.perf_counter() - t0

    # net.m loop body (t = 1..T):  I = noise; fired = v >= 30; record; reset; I += sum(S(:,fired));
    # v half-step x2; u step.  We run the identical sequence of operations but label each spike with
    # the tick whose integration pushed v over 30 (0-based ms), i.e. spike time = (net.m t) - 2,
    # which is the "spike of tick t acts on tick t+1" convention of spikegpu. The last threshold check
    # is done after the last integration, so spikes of all T ticks are counted (net.m, which checks
    # at the start of the next iteration, never sees the spikes of its last step).
    T = int(round(args.duration / 1.0))
    t1 = time.perf_counter()
    times, ids = [], []
    fired = np.zeros(0, dtype=np.int64)
    for k in range(T):
        I = np.concatenate([5 * rng.standard_normal(Ne), 2 * rng.standard_normal(Ni)])
        if fired.size:
            I += S[:, fired].sum(axis=1)
        v = v + 0.5 * (0.04 * v ** 2 + 5 * v + 140 - u + I)
        v = v + 0.5 * (0.04 * v ** 2 + 5 * v + 140 - u + I)
        u = u + a * (b * v - u)
        fired = np.nonzero(v >= 30)[0]
        if fired.size:
            times.append(np.full(fired.size, float(k)))
            ids.append(fired)
            v[fired] = c[fired]
            u[fired] = u[fired] + d[fired]
    run_s = time.perf_counter() - t1
    times = np.concatenate(times) if times else np.zeros(0)
    ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    pops = {"E": (0, Ne), "I": (Ne, N)}
    extra = {"dt": 1.0, "weightScale": scale}
    return "numpy", build_s, run_s, 1.0, times, ids, pops, extra


# --------------------------------------------------------------------------------------------
# Brian2 networks
# --------------------------------------------------------------------------------------------
def build_brian(args, b2, np):
    """Build the network in the current Brian2 device. Returns (objects, group, pops, extra)."""
    from brian2 import (NeuronGroup, Synapses, PoissonInput, SpikeMonitor, ms, mV, Hz)

    b2.defaultclock.dt = 0.1 * ms
    n = args.n
    NE, NI = split_sizes(n)
    extra = {"dt": 0.1}

    if args.network == "cuba":
        # Brian2 examples/CUBA.py (Vogels & Abbott 2005; Brette et al. 2007 benchmark 2)
        ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                  El=-49 * mV, we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
        eqs = """
        dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
        """
        P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                        method="exact", namespace=ns)
        P.v = "Vr + rand() * (Vt - Vr)"
        P.ge = 0 * mV
        P.gi = 0 * mV
        p = 0.02 * 4000.0 / n
        Ce = Synapses(P, P, on_pre="ge += we", delay=args.syn_delay * ms, namespace=ns)
        Ci = Synapses(P, P, on_pre="gi += wi", delay=args.syn_delay * ms, namespace=ns)
        Ce.connect(f"i<{NE}", p=p)
        Ci.connect(f"i>={NE}", p=p)
        objs = [P, Ce, Ci]
        extra.update(p=p, synDelayMs=args.syn_delay)
    elif args.network == "coba":
        # Vogels & Abbott (2005) conductance version, as in docs/networks.md (Euler, +20 mV drive)
        ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                  El=-60 * mV, Ee=0 * mV, Ei=-80 * mV, Iext=20 * mV, we=0.6, wi=6.7)
        eqs = """
        dv/dt  = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + Iext)/taum : volt (unless refractory)
        dge/dt = -ge/taue : 1
        dgi/dt = -gi/taui : 1
        """
        P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                        method="euler", namespace=ns)
        P.v = "-55*mV + 5*mV*randn()"
        P.ge = 0
        P.gi = 0
        p = 0.02 * 4000.0 / n
        Ce = Synapses(P, P, on_pre="ge += we", delay=args.syn_delay * ms, namespace=ns)
        Ci = Synapses(P, P, on_pre="gi += wi", delay=args.syn_delay * ms, namespace=ns)
        Ce.connect(f"i<{NE}", p=p)
        Ci.connect(f"i>={NE}", p=p)
        objs = [P, Ce, Ci]
        extra.update(p=p, synDelayMs=args.syn_delay)
    elif args.network == "brunel":
        # Brunel (2000), as Brian2's examples/frompapers/Brunel_2000.py.
        # Scaling: epsilon = 0.1 is kept, so CE = 0.1*NE and CI = 0.1*NI scale with n, and so does
        # C_ext = CE; nu_thr = theta/(J*CE*tau) is recomputed, so the mean external drive
        # (C_ext*nu_ext*J*tau = ratio*theta) is the same at every n.
        g, ratio = BRUNEL_REGIMES[args.regime]
        # As spikegpu's built-in brunel: the in-degrees CE = 1000, CI = 250 are kept when n
        # scales (eps = 1000 / NE; 0.1 at the paper's n = 12500), so the regime is kept.
        eps = min(1.0, 1000.0 / NE)
        CE = int(round(eps * NE))
        CI = int(round(eps * NI))
        tau, theta, Vr, J, D = 20 * ms, 20 * mV, 10 * mV, 0.1 * mV, args.delay * ms
        nu_thr = theta / (J * CE * tau)
        nu_ext = ratio * nu_thr
        ns = dict(tau=tau, theta=theta, Vr=Vr, J=J, g=g)
        P = NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)", threshold="v>theta",
                        reset="v = Vr", refractory=2 * ms, method="exact", namespace=ns)
        P.v = 0 * mV
        E, I = P[:NE], P[NE:]
        # "* int(not_refractory_post)": inputs arriving while refractory are discarded. (Brian2
        # would do this anyway, since v is "(unless refractory)" and that makes every write to v,
        # synaptic ones included, conditional on not_refractory; we write it out for clarity.)
        Se = Synapses(E, P, on_pre="v_post += J*int(not_refractory_post)", delay=D, namespace=ns)
        Si = Synapses(I, P, on_pre="v_post += -g*J*int(not_refractory_post)", delay=D,
                      namespace=ns)
        if args.connect == "fixedProbability":
            Se.connect(p=eps)
            Si.connect(p=eps)
        else:
            # fixed in-degree: every neuron of P gets exactly CE sources drawn from E and CI from I,
            # uniformly at random WITHOUT replacement (no multapses); self-connections ARE allowed
            # (a neuron may be among its own sources), as with fixedProbability above.
            crng = np.random.default_rng([args.seed, 0xB2])
            post_e = np.repeat(np.arange(n, dtype=np.int32), CE)
            post_i = np.repeat(np.arange(n, dtype=np.int32), CI)
            pre_e = np.empty(n * CE, dtype=np.int32)
            pre_i = np.empty(n * CI, dtype=np.int32)
            for j in range(n):
                pre_e[j * CE:(j + 1) * CE] = crng.choice(NE, CE, replace=False)
                pre_i[j * CI:(j + 1) * CI] = crng.choice(NI, CI, replace=False)
            # Source-major order, as connect(p=...) produces: spike propagation then reads each
            # source's synapses contiguously (target-major order made run() ~3x slower).
            oe = np.lexsort((post_e, pre_e))
            oi = np.lexsort((post_i, pre_i))
            Se.connect(i=pre_e[oe], j=post_e[oe])
            Si.connect(i=pre_i[oi], j=post_i[oi])
        # External drive: C_ext = CE independent Poisson sources of weight J at nu_ext, applied by
        # PoissonInput as v += Binomial(C_ext, nu_ext*dt) * J each step (in the 'synapses' slot).
        ext = PoissonInput(P, "v", N=CE, rate=nu_ext, weight="J*int(not_refractory)")
        objs = [P, Se, Si, ext]
        extra.update(g=g, ratio=ratio, CE=CE, CI=CI, Cext=CE, nuThrHz=float(nu_thr / Hz),
                     nuExtHz=float(nu_ext / Hz), delayMs=args.delay, J=0.1,
                     multapses=False, selfConnections=True)
    else:
        raise SystemExit(f"unknown network {args.network}")

    mon = SpikeMonitor(P)
    objs.append(mon)
    pops = {"E": (0, NE), "I": (NE, n)}
    return objs, mon, pops, extra


def setup_device(args, b2):
    """Brian2 device, code generation target and seed from the options; the cpp_standalone
    build directory (None for runtime)."""
    b2.prefs.logging.console_log_level = "WARNING"
    build_dir = None
    if args.device == "cpp_standalone":
        build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2_cpp_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        if args.threads:
            b2.prefs.devices.cpp_standalone.openmp_threads = args.threads
    else:
        b2.prefs.codegen.target = "cython"
    b2.seed(args.seed)
    return build_dir


def run_network(args, b2, net, t0, build_dir):
    """Run `net` for args.duration on the chosen device, timing construction + code generation
    (build) apart from the simulation (run). Returns (device, build_s, run_s, timings)."""
    from brian2 import ms
    if args.device == "runtime":
        # Code generation + Cython compilation (cached in ~/.cython) happen in before_run; a
        # zero-length run does them so that the timed run() below is the simulation alone.
        net.run(0 * ms)
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        net.run(args.duration * ms)
        return "runtime(cython)", build_s, time.perf_counter() - t1, {}
    net.run(args.duration * ms)  # only records the run in standalone mode
    t_codegen0 = time.perf_counter()
    dev_obj = b2.get_device()
    dev_obj.build(directory=build_dir, compile=True, run=True, with_output=False)
    total = time.perf_counter() - t_codegen0
    make_s = dev_obj.timers["compile"]["make"] or 0.0
    clean_s = dev_obj.timers["compile"]["clean"] or 0.0
    bin_s = dev_obj.timers["run_binary"]
    run_s = float(dev_obj._last_run_time)  # Network::run() inside the binary
    build_s = (t_codegen0 - t0) + total - bin_s  # construction + code generation + make
    timings = {"codegenS": total - bin_s - make_s - clean_s, "compileS": make_s + clean_s,
               "binaryS": bin_s, "binarySetupS": bin_s - run_s, "buildDir": build_dir,
               "openmpThreads": args.threads}
    return "cpp_standalone", build_s, run_s, timings


def run_brian(args):
    import numpy as np
    import brian2 as b2
    from brian2 import ms

    build_dir = setup_device(args, b2)

    t0 = time.perf_counter()
    objs, mon, pops, extra = build_brian(args, b2, np)
    net = b2.Network(*objs)
    dev, build_s, run_s, timings = run_network(args, b2, net, t0, build_dir)
    i = np.asarray(mon.i[:], dtype=np.int64)
    t = np.asarray(mon.t[:] / ms, dtype=np.float64)
    return dev, build_s, run_s, 0.1, t, i, pops, dict(extra, **timings)


# --------------------------------------------------------------------------------------------
# Song, Miller & Abbott (2000): Brian2's examples/synapses/STDP.py
# --------------------------------------------------------------------------------------------
SONG_BINS = 20


def run_song(args):
    """N Poisson inputs at 15 Hz -> one neuron through all-to-all additive STDP synapses.

    --song-model example     : the example's text (Brian2 2.5): dv/dt = (ge*(Ee-vr) + El - v)/taum,
                               i.e. a current with a FIXED driving force Ee-vr = 60 mV, method exact.
    --song-model conductance : dv/dt = (ge*(Ee-v) + El - v)/taum (a true conductance), method euler.
    Everything else is identical. --v0 vr (default) sets v(0) = vr; --v0 zero keeps Brian2's default
    v(0) = 0 mV, which the example uses (it never sets v): the neuron then spikes in step 0.
    Returns (device, build_s, run_s, result dict, weights-out dict or None).
    """
    import numpy as np
    import brian2 as b2
    from brian2 import (NeuronGroup, Synapses, PoissonGroup, SpikeMonitor, ms, mV, Hz)

    build_dir = setup_device(args, b2)
    b2.defaultclock.dt = 0.1 * ms

    t0 = time.perf_counter()
    # --- examples/synapses/STDP.py, parameter block verbatim
    N = args.n
    taum = 10 * ms
    taupre = 20 * ms
    taupost = taupre
    Ee = 0 * mV
    vt = -54 * mV
    vr = -60 * mV
    El = -74 * mV
    taue = 5 * ms
    F = 15 * Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    ns = dict(taum=taum, taupre=taupre, taupost=taupost, Ee=Ee, vt=vt, vr=vr, El=El, taue=taue,
              gmax=gmax, dApre=dApre, dApost=dApost)
    if args.song_model == "example":
        eqs_neurons = """
        dv/dt = (ge * (Ee-vr) + El - v) / taum : volt
        dge/dt = -ge / taue : 1
        """
        method = "exact"
    else:
        eqs_neurons = """
        dv/dt = (ge * (Ee-v) + El - v) / taum : volt
        dge/dt = -ge / taue : 1
        """
        method = "euler"
    inp = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold="v>vt", reset="v = vr", method=method,
                          namespace=ns)
    if args.v0 == "vr":
        neurons.v = vr
    S = Synapses(inp, neurons,
                 """w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)""",
                 on_pre="""ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)""",
                 on_post="""Apost += dApost
                         w = clip(w + Apre, 0, gmax)""",
                 namespace=ns)
    S.connect()
    S.w = "rand() * gmax"
    post_mon = SpikeMonitor(neurons)
    in_mon = SpikeMonitor(inp, record=False)  # counts only
    net = b2.Network(inp, neurons, S, post_mon, in_mon)
    dev, build_s, run_s, timings = run_network(args, b2, net, t0, build_dir)

    dur_s = args.duration / 1000.0
    w = np.asarray(S.w[:], dtype=np.float64)
    pre = np.asarray(S.i[:], dtype=np.int64)
    post = np.asarray(S.j[:], dtype=np.int64)
    post_t = np.asarray(post_mon.t[:] / ms, dtype=np.float64)
    in_count = np.asarray(in_mon.count[:], dtype=np.int64)
    counts, _ = np.histogram(w, bins=SONG_BINS, range=(0.0, gmax))  # last bin includes gmax
    res = {
        "model": args.song_model,
        "postRateHz": post_t.size / dur_s,
        "postSpikes": int(post_t.size),
        "inputRateHz": float(in_count.sum()) / N / dur_s,
        # Same shape as the other networks' output (spikegpu bench counts spikes from it).
        "populations": {
            "inputs": {"size": N, "spikes": int(in_count.sum()), "rateHz": float(in_count.sum()) / N / dur_s},
            "neuron": {"size": 1, "spikes": int(post_t.size), "rateHz": post_t.size / dur_s},
        },
        "weights": {
            "gmax": gmax,
            "bins": [float(c) / w.size for c in counts],
            "fractionLow": float(np.mean(w < 0.1 * gmax)),
            "fractionHigh": float(np.mean(w > 0.9 * gmax)),
            "mean": float(w.mean()),
        },
        "extra": dict({"dt": 0.1, "v0": args.v0, "method": method,
                       "equation": ("dv/dt = (ge*(Ee-vr) + El - v)/taum" if args.song_model ==
                                    "example" else "dv/dt = (ge*(Ee-v) + El - v)/taum"),
                       "inputRateParamHz": 15.0, "dApre": float(dApre),
                       "dApost": float(dApost), "firstPostSpikeMs":
                       (float(post_t[0]) if post_t.size else None)}, **timings),
    }
    wout = None
    if args.weights_out:
        wout = {"pre": [int(x) for x in pre], "post": [int(x) for x in post],
                "weight": [float(x) for x in w], "timeMs": args.duration}
    return dev, build_s, run_s, res, wout


def spike_stats(t, i, size, duration_ms):
    """Extra statistics (not required by the interface): mean CV of ISIs over neurons with >= 3
    spikes, and the Fano factor of the population spike count in 1 ms bins (1 for independent
    Poisson neurons, >> 1 for synchronous activity)."""
    import numpy as np
    out = {}
    if t.size:
        order = np.lexsort((t, i))
        ts, ids = t[order], i[order]
        cvs = []
        bounds = np.flatnonzero(np.diff(ids)) + 1
        for seg_t in np.split(ts, bounds):
            if seg_t.size >= 3:
                d = np.diff(seg_t)
                if d.mean() > 0:
                    cvs.append(d.std() / d.mean())
        out["cvIsi"] = float(np.mean(cvs)) if cvs else None
        nb = int(round(duration_ms))
        counts = np.bincount(np.minimum((t // 1.0).astype(np.int64), nb - 1), minlength=nb)
        m = counts.mean()
        out["fano1ms"] = float(counts.var() / m) if m > 0 else None
    else:
        out["cvIsi"] = None
        out["fano1ms"] = None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--network", required=True, choices=sorted(DEFAULT_N))
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--regime", choices=sorted(BRUNEL_REGIMES), default="C")
    ap.add_argument("--connect", choices=["fixedInDegree", "fixedProbability"],
                    default="fixedProbability")
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", choices=["runtime", "cpp_standalone"], default="runtime")
    ap.add_argument("--threads", type=int, default=0,
                    help="cpp_standalone OpenMP threads (0 = single-threaded, the default)")
    ap.add_argument("--build-dir", default=None, help="cpp_standalone project directory "
                    "(default: a fresh mkdtemp under /tmp)")
    ap.add_argument("--syn-delay", type=float, default=0.0,
                    help="cuba/coba synaptic delay in ms (default 0 = Brian2's example; "
                         "acts on the next step, i.e. spikegpu's 1-tick delay)")
    ap.add_argument("--delay", type=float, default=1.5,
                    help="brunel synaptic delay in ms (Brian2's D acts one step later than "
                         "spikegpu's D: spikegpu's --set delay=D+dt matches it)")
    ap.add_argument("--spikes-out", default=None)
    ap.add_argument("--weights-out", default=None,
                    help="song2000: write the final weights {pre, post, weight, timeMs}")
    ap.add_argument("--song-model", choices=["example", "conductance"], default="example",
                    help="song2000: 'example' = STDP.py's ge*(Ee-vr), exact (default); "
                         "'conductance' = ge*(Ee-v), euler")
    ap.add_argument("--v0", choices=["vr", "zero"], default="vr",
                    help="song2000 initial v: vr (default) or 0 mV (Brian2's default, which "
                         "the example leaves in place)")
    args = ap.parse_args()
    if args.n is None:
        args.n = DEFAULT_N[args.network]

    # Keep stdout clean for the one JSON object: anything (compilers, Brian2, Cython) that writes
    # to fd 1 while we simulate goes to stderr instead.
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        if args.network == "izhikevich2003":
            res = run_izhikevich(args)
        elif args.network == "song2000":
            res = run_song(args)
        else:
            res = run_brian(args)
    finally:
        sys.stdout.flush()
        os.dup2(saved_stdout, 1)
        os.close(saved_stdout)
    if args.network == "song2000":
        device, build_s, run_s, song, wout = res
        out = {"network": args.network, "n": args.n, "durationMs": args.duration,
               "seed": args.seed, "device": device, "buildS": round(build_s, 4),
               "runS": round(run_s, 4)}
        out.update(song)
        if wout is not None:
            with open(args.weights_out, "w") as f:
                json.dump(wout, f, separators=(",", ":"))
        print(json.dumps(out))
        return
    device, build_s, run_s, dt, t, i, pops, extra = res

    import numpy as np
    out = {"network": args.network, "n": args.n}
    if args.network == "brunel":
        out["regime"] = args.regime
        out["connect"] = args.connect
    out.update({"durationMs": args.duration, "seed": args.seed, "device": device,
                "buildS": round(build_s, 4), "runS": round(run_s, 4), "populations": {}})
    spikes_json = {"dt": dt, "populations": {}}
    for name, (lo, hi) in pops.items():
        sel = (i >= lo) & (i < hi)
        size = hi - lo
        cnt = int(sel.sum())
        out["populations"][name] = {"size": size, "spikes": cnt,
                                    "rateHz": cnt / size / (args.duration / 1000.0)}
        out["populations"][name].update(spike_stats(t[sel], i[sel] - lo, size, args.duration))
        if args.spikes_out:
            order = np.lexsort((i[sel], t[sel]))
            spikes_json["populations"][name] = {
                "times": [round(float(x), 6) for x in t[sel][order]],
                "ids": [int(x) for x in (i[sel][order] - lo)]}
    out["extra"] = extra
    if args.spikes_out:
        with open(args.spikes_out, "w") as f:
            json.dump(spikes_json, f, separators=(",", ":"))
    print(json.dumps(out))


if __name__ == "__main__":
    main()

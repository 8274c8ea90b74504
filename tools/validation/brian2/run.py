#!/usr/bin/python3
"""Brian2 (2.5, Debian python3-brian) reference runs for spikegpu's reference networks.

Run with the system interpreter:

    /usr/bin/python3 tools/validation/brian2/run.py --network cuba [--n 4000] [--duration 1000] \
        [--seed 1] [--device runtime|cpp_standalone] [--spikes-out spikes.json]
    /usr/bin/python3 tools/validation/brian2/run.py --network microcircuit [--scale 1] \
        [--drive poisson|dc] [--duration 1000] [--transient 0] ...

Prints ONE JSON object on stdout (everything else goes to stderr):

    {"network", "n", "regime"?, "connect"?, "durationMs", "seed", "device", "buildS", "runS",
     "populations": {"E": {"size", "spikes", "rateHz"}, "I": {...}}, ...}

Networks: cuba, coba, brunel (regimes A-D), microcircuit (Potjans & Diesmann 2014, --scale),
izhikevich2003 (numpy port of Izhikevich's net.m),
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
             "song2000": 1000, "microcircuit": None}  # microcircuit: sized by --scale
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
def vogels_abbott_synapses(P, n, NE, ns, args, extra):
    """CUBA's and COBA's recurrent synapses: E onto ge, I onto gi, each pair with p = 80/n."""
    from brian2 import Synapses, ms
    p = 0.02 * 4000.0 / n
    Ce = Synapses(P, P, on_pre="ge += we", delay=args.syn_delay * ms, namespace=ns)
    Ci = Synapses(P, P, on_pre="gi += wi", delay=args.syn_delay * ms, namespace=ns)
    Ce.connect(f"i<{NE}", p=p)
    Ci.connect(f"i>={NE}", p=p)
    extra.update(p=p, synDelayMs=args.syn_delay)
    return [Ce, Ci]


def build_brian(args, b2, np):
    """Build the network in the current Brian2 device. Returns (objects, group, pops, extra)."""
    from brian2 import (NeuronGroup, Synapses, PoissonInput, SpikeMonitor, ms, mV, Hz)

    if args.network == "microcircuit":
        return build_microcircuit(args, b2, np)
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
        objs = [P, *vogels_abbott_synapses(P, n, NE, ns, args, extra)]
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
        objs = [P, *vogels_abbott_synapses(P, n, NE, ns, args, extra)]
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


# --------------------------------------------------------------------------------------------
# Potjans & Diesmann (2014) cortical microcircuit: a copy of src/networks/microcircuit.ts
# --------------------------------------------------------------------------------------------
MC_POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
MC_SIZES = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
MC_PROB = [  # [target][source]
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0, 0.0076, 0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0, 0.0042, 0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0, 0.1057, 0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
]
MC_K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
MC_RATES = [0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523]  # Hz, full-scale model
MC_V0 = [(-68.28, 5.36), (-63.16, 4.57), (-63.33, 4.74), (-63.45, 4.94), (-63.11, 4.94),
         (-61.66, 4.55), (-66.72, 5.46), (-61.43, 4.48)]  # mV (mean, sd)
MC_TAU_M, MC_C_M, MC_TAU_SYN = 10.0, 250.0, 0.5  # ms, pF, ms
MC_W = 87.8 * MC_TAU_M / MC_C_M  # 87.8 pA as spikegpu's mV-equivalent: 3.512 mV
MC_G, MC_W_REL_SD, MC_BG_RATE = -4.0, 0.1, 8.0
MC_DELAY = {"E": 1.5, "I": 0.75}  # ms, sd half of it
MC_DT = 0.1


def js_round(x):
    """JavaScript's Math.round (halves up), which the TypeScript definition uses: 5834*0.25 =
    1458.5 must give 1459 as there, not Python's 1458."""
    return int(math.floor(x + 0.5))


def mc_full_synapses(t, j):
    p = MC_PROB[t][j]
    pairs = MC_SIZES[j] * MC_SIZES[t]
    return math.log(1 - p) / math.log((pairs - 1) / pairs)


def mc_mean_weight(t, j):
    if j % 2 == 1:
        return MC_G * MC_W
    return 2 * MC_W if (t == 0 and j == 2) else MC_W


def clipped_normal(rng, np, mean, sd, lo, hi, n):
    """n draws of N(mean, sd), those outside [lo, hi] redrawn (NEST's normal_clipped, spikegpu's
    {"normal", "clip"})."""
    x = rng.normal(mean, sd, n)
    bad = np.flatnonzero((x < lo) | (x > hi))
    while bad.size:
        x[bad] = rng.normal(mean, sd, bad.size)
        bad = bad[(x[bad] < lo) | (x[bad] > hi)]
    return x


def build_microcircuit(args, b2, np):
    """The microcircuit as src/networks/microcircuit.ts builds it (see its header for units and
    downscaling). One NeuronGroup (populations are contiguous slices, 8 subgroups), ONE Synapses
    object holding all 64 projections (one code object instead of 64: much less to generate and
    compile, and its synapses sorted by source as connect(p=...) would give), 8 PoissonInputs.
    Connectivity, weights, delays and v(0) come from numpy.random.default_rng([seed, 0x3C]), not
    from spikegpu's generator: same distributions, different realisation."""
    from brian2 import NeuronGroup, Synapses, PoissonInput, SpikeMonitor, ms, mV, Hz

    s = args.scale
    if not (0 < s <= 1):
        raise SystemExit(f"--scale must be in (0, 1], got {s}")
    b2.defaultclock.dt = MC_DT * ms
    poisson = args.drive == "poisson"
    sqrt_s = math.sqrt(s)
    w_ext = MC_W / sqrt_s
    sizes = [js_round(n * s) for n in MC_SIZES]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n_total = int(offsets[-1])
    args.n = n_total

    # DC input (mV): the mean input the downscaled network loses (all of the background for
    # --drive dc), exactly the TypeScript expression.
    i_ext = []
    for t in range(8):
        recurrent = sum(mc_mean_weight(t, j) * (mc_full_synapses(t, j) / MC_SIZES[t]) * MC_RATES[j]
                        for j in range(8))
        background = MC_W * MC_K_EXT[t] * MC_BG_RATE
        i_ext.append(0.001 * MC_TAU_SYN * ((1 - sqrt_s) * recurrent +
                                           ((1 - sqrt_s) * background if poisson else background)))

    # spikegpu's LIF with one exponential current receptor: tau_m dv/dt = (vRest - v) + g + iExt,
    # tau_s dg/dt = -g, an incoming weight w does g += w. Spike when v > vThresh, v = vReset,
    # v held for tRef while g keeps integrating ("unless refractory" on v only). exact = the
    # propagator spikegpu (and NEST's iaf_psc_exp) uses.
    ns = dict(taum=MC_TAU_M * ms, taus=MC_TAU_SYN * ms, vRest=-65 * mV, vThresh=-50 * mV,
              vReset=-65 * mV)
    eqs = """
    dv/dt = (vRest - v + g + iExt) / taum : volt (unless refractory)
    dg/dt = -g / taus : volt
    iExt : volt (constant)
    """
    P = NeuronGroup(n_total, eqs, threshold="v > vThresh", reset="v = vReset",
                    refractory=2 * ms, method="exact", namespace=ns)
    rng = np.random.default_rng([args.seed, 0x3C])
    v0 = np.concatenate([rng.normal(MC_V0[t][0], MC_V0[t][1], sizes[t]) for t in range(8)])
    P.v = v0 * mV
    P.g = 0 * mV
    P.iExt = np.repeat(np.asarray(i_ext), sizes) * mV

    # Fixed total number with multapses and self-connections (NEST's fixed_total_number):
    # n_tj = round(K_tj * s^2) synapses from population j to t, each an independent uniform
    # (pre, post) pair. Drawn source population by source population, straight into source-major
    # order (spike propagation then reads each source's synapses contiguously, as after
    # connect(p=...)) without sorting hundreds of millions of synapses: the number of j->t
    # synapses of each source neuron is multinomial(n_tj, uniform), and the posts, weights and
    # delays are independent of the pres, so this is the same distribution as n_tj iid pairs.
    n_tj = np.array([[js_round(mc_full_synapses(t, j) * s * s) for j in range(8)]
                     for t in range(8)], dtype=np.int64)
    n_syn_total = int(n_tj.sum())
    # Memory: the indices go to Brian2 (which copies them several times over) before the weights
    # and delays are drawn, so that only one per-synapse array of ours is alive at its peak.
    pre = np.empty(n_syn_total, dtype=np.int32)
    post = np.empty(n_syn_total, dtype=np.int32)
    tgt = np.empty(n_syn_total, dtype=np.int8)  # target population of each synapse
    blocks = []  # (source population, slice of its synapses)
    sizes_a = np.asarray(sizes, dtype=np.int64)
    at = 0
    for j in range(8):
        nj = sizes[j]
        counts = np.zeros((nj, 8), dtype=np.int64)  # [source neuron, target population]
        for t in range(8):
            if n_tj[t, j] > 0:
                counts[:, t] = rng.multinomial(n_tj[t, j], np.full(nj, 1.0 / nj))
        blk = slice(at, at + int(n_tj[:, j].sum()))
        at = blk.stop
        blocks.append((j, blk))
        pre[blk] = offsets[j] + np.repeat(np.arange(nj, dtype=np.int32), counts.sum(axis=1))
        tgt[blk] = np.repeat(np.tile(np.arange(8, dtype=np.int8), nj), counts.ravel())
        del counts
        post[blk] = offsets[tgt[blk]] + rng.integers(0, sizes_a[tgt[blk]])
    S = Synapses(P, P, "w : volt", on_pre="g_post += w", namespace=ns)
    S.connect(i=pre, j=post)
    del pre, post
    drop_standalone_copies(b2)  # Brian2's (int64) copies of the indices

    # Weights: N(w, sd) with w the mean of the j->t projection (2w for L4E->L2/3E, -4w from I)
    # and sd 10 % of the plain E or I weight, both / sqrt(s); redrawn if they lose their sign or
    # pass 10 w (spikegpu's clip, NEST's normal_clipped).
    w_all = np.empty(n_syn_total)
    for j, blk in blocks:
        exc = j % 2 == 0
        mean = np.array([mc_mean_weight(t, j) / sqrt_s for t in range(8)])
        sd = MC_W_REL_SD * abs(MC_W if exc else MC_G * MC_W) / sqrt_s
        lo, hi = (np.zeros(8), 10 * mean) if exc else (10 * mean, np.zeros(8))
        tb = tgt[blk]
        w = rng.normal(0.0, sd, tb.size)
        w += mean[tb]
        bad = np.flatnonzero((w < lo[tb]) | (w > hi[tb]))
        while bad.size:
            w[bad] = mean[tb[bad]] + rng.normal(0.0, sd, bad.size)
            bad = bad[(w[bad] < lo[tb[bad]]) | (w[bad] > hi[tb[bad]])]
        w_all[blk] = w
        del w, tb
    del tgt
    w_all *= 1e-3  # mV -> volt (base unit), in place and without a unit-checked copy
    S.w_ = w_all
    del w_all
    # Delays: N(d, d/2) clipped to [dt, 10 d], then spikegpu's ticks max(1, round(d/dt)): a spike
    # of tick k acts on the integration of tick k + ticks. Brian2 applies a spike of step k with
    # delay D steps at the end of step k + D, read by the integration of step k + D + 1, so
    # Brian2 gets (ticks - 1)*dt: spikegpu's delay d is Brian2's d - dt (as for brunel; README
    # "Delays").
    d_all = np.empty(n_syn_total)
    for j, blk in blocks:
        d = MC_DELAY["E" if j % 2 == 0 else "I"]
        dd = clipped_normal(rng, np, d, d / 2, MC_DT, 10 * d, blk.stop - blk.start)
        d_all[blk] = (np.maximum(1.0, np.floor(dd / MC_DT + 0.5)) - 1) * (MC_DT * 1e-3)  # s
        del dd
    S.delay_ = d_all
    del d_all
    n_syn = {f"{MC_POPS[j]}->{MC_POPS[t]}": int(n_tj[t, j])
             for t in range(8) for j in range(8) if n_tj[t, j] > 0}

    objs = [P, S]
    if poisson:
        # Background: K_ext*s independent 8 Hz sources of weight 3.512/sqrt(s) mV per neuron;
        # PoissonInput adds Binomial(N, rate*dt)*weight to g each step (as spikegpu's
        # poissonInput: a Poisson count per tick).
        for t in range(8):
            objs.append(PoissonInput(P[offsets[t]:offsets[t + 1]], "g",
                                     N=js_round(MC_K_EXT[t] * s), rate=MC_BG_RATE * Hz,
                                     weight=w_ext * mV))
    mon = SpikeMonitor(P)
    objs.append(mon)
    pops = {name: (int(offsets[t]), int(offsets[t + 1])) for t, name in enumerate(MC_POPS)}
    extra = {"dt": MC_DT, "scale": s, "drive": args.drive, "synapses": n_syn_total,
             "iExtMv": {name: i_ext[t] for t, name in enumerate(MC_POPS)},
             "kExt": {name: js_round(MC_K_EXT[t] * s) for t, name in enumerate(MC_POPS)},
             "wExtMv": w_ext, "multapses": True, "selfConnections": True,
             "synapsesPerProjection": n_syn}
    return objs, mon, pops, extra


def drop_standalone_copies(b2):
    """cpp_standalone keeps the values it knows before the run (connect(i=..., j=...) indices,
    as int64, and the arrays they came from) in `array_cache`; drop the large ones. What is read
    later comes from the binary's results on disk (get_value falls back to them once run)."""
    dev = b2.get_device()
    for var, value in list(getattr(dev, "array_cache", {}).items()):
        if value is not None and getattr(value, "size", 0) >= 1_000_000:
            dev.array_cache[var] = None
            if var.name in ("_synaptic_pre", "_synaptic_post"):
                # and the synapse count unknown too, else a later connect(i=..., j=...) would
                # np.append() to the None
                dev.array_cache[var.owner.variables["N"]] = None


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
    dev_obj.build(directory=build_dir, compile=True, run=False, with_output=False)
    # The static arrays (connectivity given as arrays, initial values) are on disk now: drop
    # Python's copies before the binary loads its own (tens of bytes per synapse: GBs for the
    # microcircuit at scale 1).
    for name in dev_obj.static_arrays:
        dev_obj.static_arrays[name] = dev_obj.static_arrays[name][:0].copy()
    drop_standalone_copies(b2)
    # The binary's peak resident memory, through GNU time where there is one.
    rss_file = os.path.join(build_dir, "results", "binary_maxrss_kb")
    if os.path.exists("/usr/bin/time"):
        b2.prefs.devices.cpp_standalone.run_cmd_unix = ["/usr/bin/time", "-f", "%M", "-o",
                                                        rss_file, "./main"]
    dev_obj.run(build_dir, False, [])
    total = time.perf_counter() - t_codegen0
    make_s = dev_obj.timers["compile"]["make"] or 0.0
    clean_s = dev_obj.timers["compile"]["clean"] or 0.0
    bin_s = dev_obj.timers["run_binary"]
    run_s = float(dev_obj._last_run_time)  # Network::run() inside the binary
    build_s = (t_codegen0 - t0) + total - bin_s  # construction + code generation + make
    timings = {"codegenS": total - bin_s - make_s - clean_s, "compileS": make_s + clean_s,
               "binaryS": bin_s, "binarySetupS": bin_s - run_s, "buildDir": build_dir,
               "openmpThreads": args.threads}
    try:
        with open(rss_file) as f:
            timings["binaryMaxRssMb"] = round(int(f.read().split()[-1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
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
    import resource
    rss = {"pythonMaxRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    return dev, build_s, run_s, 0.1, t, i, pops, dict(extra, **timings, **rss)


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
    ap.add_argument("--scale", type=float, default=1.0,
                    help="microcircuit: neurons and in-degrees x scale (<= 1), with the "
                         "weight/DC compensation of src/networks/microcircuit.ts")
    ap.add_argument("--drive", choices=["poisson", "dc"], default="poisson",
                    help="microcircuit background: Poisson input (default) or its mean as DC")
    ap.add_argument("--transient", type=float, default=0.0,
                    help="ms: population statistics (spikes, rateHz, cvIsi, fano1ms) leave out "
                         "spikes before this time (default 0: all of them)")
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
    if args.network == "microcircuit" and args.n is not None:
        ap.error("microcircuit is sized by --scale, not --n")
    if args.n is None:
        args.n = DEFAULT_N[args.network]  # microcircuit: set by its build
    if not (0 <= args.transient < args.duration):
        ap.error("--transient must be in [0, --duration)")

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
    if args.network == "microcircuit":
        out["scale"] = args.scale
    out.update({"durationMs": args.duration, "seed": args.seed, "device": device,
                "buildS": round(build_s, 4), "runS": round(run_s, 4), "populations": {}})
    if args.transient > 0:
        out["transientMs"] = args.transient
    window = args.duration - args.transient  # ms the population statistics cover
    spikes_json = {"dt": dt, "populations": {}}
    for name, (lo, hi) in pops.items():
        sel = (i >= lo) & (i < hi)
        stat = sel & (t >= args.transient)
        size = hi - lo
        cnt = int(stat.sum())
        out["populations"][name] = {"size": size, "spikes": cnt,
                                    "rateHz": cnt / size / (window / 1000.0)}
        out["populations"][name].update(spike_stats(t[stat] - args.transient, i[stat] - lo,
                                                     size, window))
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

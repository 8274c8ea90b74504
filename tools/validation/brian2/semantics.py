#!/usr/bin/python3
"""Probes Brian2's per-step ordering with tiny networks and prints what it finds (numpy target,
no compilation). These are the facts spikegpu's tick semantics must map onto; see README.md.

    /usr/bin/python3 tools/validation/brian2/semantics.py
"""
import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, StateMonitor, SpikeMonitor,
                    PoissonInput, Network, defaultclock, prefs, ms, mV, Hz, seed)

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms


def delays():
    print("== 1. synaptic delay: source spikes in step 10 (t = 1.0 ms); StateMonitor records at "
          "the START of each step (when='start'), i.e. the state left by the previous step")
    src = SpikeGeneratorGroup(1, [0], [1.0] * ms)
    tgt = NeuronGroup(4, """dv/dt = (ge - v)/(20*ms) : volt (unless refractory)
                            dge/dt = -ge/(5*ms) : volt""",
                      threshold="v>1*volt", reset="v=0*mV", refractory=2 * ms, method="exact")
    syn = [Synapses(src, tgt, on_pre="ge += 1*mV", delay=0 * ms),
           Synapses(src, tgt, on_pre="ge += 1*mV", delay=0.1 * ms),
           Synapses(src, tgt, on_pre="v += 1*mV", delay=0 * ms),
           Synapses(src, tgt, on_pre="v += 1*mV", delay=1.5 * ms)]
    for j, s in enumerate(syn):
        s.connect(i=0, j=j)
    M = StateMonitor(tgt, ["v", "ge"], record=True)
    Network(src, tgt, *syn, M).run(3 * ms)
    names = ["ge+=, delay 0", "ge+=, delay dt", "v+=, delay 0", "v+=, delay 1.5 ms"]
    for j, name in enumerate(names):
        ge_step = int(np.argmax(M.ge[j] != 0)) if np.any(M.ge[j] != 0) else None
        v_step = int(np.argmax(M.v[j] != 0))
        print(f"  {name:18s}: ge first nonzero at start of step {ge_step}, "
              f"v first nonzero at start of step {v_step}")


def refractory():
    print("== 2. refractoriness (2 ms = 20 steps) and inputs arriving around a spike")
    steps = np.arange(8, 36)  # arrival steps probed, one target neuron each (+1 control)
    n = len(steps) + 1
    tgt = NeuronGroup(n, "dv/dt = -v/(20*ms) : volt (unless refractory)", threshold="v>20*mV",
                      reset="v=10*mV", refractory=2 * ms, method="exact")
    kick = SpikeGeneratorGroup(1, [0], [0.9] * ms)
    K = Synapses(kick, tgt, on_pre="v += 25*mV")  # arrives in step 9 -> spike in step 10
    K.connect(i=0, j=np.arange(n))
    probe = SpikeGeneratorGroup(len(steps), np.arange(len(steps)), steps * 0.1 * ms)
    P = Synapses(probe, tgt, on_pre="v += 0.001*mV")  # NO explicit int(not_refractory_post)
    P.connect(i=np.arange(len(steps)), j=np.arange(1, n))
    M = StateMonitor(tgt, "v", record=[0])
    sp = SpikeMonitor(tgt)
    Network(tgt, kick, K, probe, P, M, sp).run(5 * ms)
    s = int(round(sp.t[0] / (0.1 * ms)))
    print(f"  all neurons spike in step s = {s} (t = {sp.t[0]/ms} ms); "
          f"next possible spike in step s+20 (threshold is 'v>20*mV and not_refractory')")
    v = M.v[0] / mV
    held = [k for k in range(s + 1, len(v) - 1) if abs(v[k + 1] - 10) < 1e-12]
    print(f"  v stays exactly Vr through steps s+1..s+{held[-1]-s}; first integrated in step "
          f"s+{held[-1]+1-s}")
    vf = tgt.v[:] / mV
    lost = [int(k) - s for k, vv in zip(steps, vf[1:]) if abs(vv - vf[0]) < 1e-9 and k >= s]
    print(f"  'v += w' arriving in steps s+{lost[0]}..s+{lost[-1]} is discarded, kept otherwise "
          f"(a '(unless refractory)' variable is conditionally written by Synapses too;\n"
          f"  inputs of steps before s are erased by the reset, which runs after delivery)")


def poisson_input():
    print("== 3. PoissonInput")
    g = NeuronGroup(1, "dv/dt = -v/(20*ms) : volt", method="exact")
    pi = PoissonInput(g, "v", N=1000, rate=20 * Hz, weight=0.1 * mV)
    print(f"  runs when={pi.when!r}, order={pi.order}: after thresholds, before resets, like "
          f"synaptic delivery; code: {pi.abstract_code.strip()!r}")
    g = NeuronGroup(1, "dv/dt = -v/(20*ms) : volt (unless refractory)", threshold="v>1*mV",
                    reset="v=0*mV", refractory=5 * ms, method="exact")
    g.v = 2 * mV  # spikes in step 0
    pi = PoissonInput(g, "v", N=1000, rate=1000 * Hz, weight=0.001 * mV)  # no not_refractory
    M = StateMonitor(g, "v", record=[0])
    Network(g, pi, M).run(6 * ms)
    v = M.v[0] / mV
    held = int(np.argmax(v[1:] != 0))  # start of step k+1 = after step k
    print(f"  plain PoissonInput into a '(unless refractory)' v (refractory 50 steps, spike in "
          f"step 0): v stays 0 through step {held - 1}, first input kept in step {held}")
    print("  the count is Binomial(N, rate*dt) per neuron per step, sampled exactly by inversion "
          "unless N*p > 5 and N*(1-p) > 5, where Brian2 uses the (unrounded, real-valued) normal approximation "
          "N*p + sqrt(N*p*(1-p))*randn (brian2/input/binomial.py)")


if __name__ == "__main__":
    seed(1)
    delays()
    refractory()
    poisson_input()

/**
 * The fixed part of an exported PyNN script: command line, per-simulator refusals, the
 * fixed-total connector, MPI-safe spike gathering and spikegpu's own spike formats. The
 * network-specific part (`build`) comes from `exportPynn` (pynn.ts). Kept as Python text
 * here so that the library, the CLI and the browser all produce the same script.
 */

/** Python before the generated `build(sim, rng)`: imports and helpers. */
export const PYNN_PRELUDE = String.raw`import argparse
import importlib
import json
import sys

import numpy as np


def draw(value, size):
    """A parameter as one number per neuron: distributions drawn, numbers repeated."""
    if hasattr(value, 'next'):
        return np.asarray(value.next(size), dtype=float)
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


def fixed_total_pairs(n_pre, n_post, n, allow_self, allow_multiple, same_population, seed):
    """n (pre, post) pairs drawn uniformly, as spikegpu's fixedTotal rule (the same on every rank).

    PyNN's FixedTotalNumberConnector ignores allow_self_connections and with_replacement and
    draws differently under MPI, so the pairs are drawn here and given as a list.
    """
    generator = np.random.default_rng(seed)
    pre = np.zeros(0, dtype=np.int64)
    post = np.zeros(0, dtype=np.int64)
    while len(pre) < n:
        i = np.concatenate([pre, generator.integers(0, n_pre, size=n - len(pre))])
        j = np.concatenate([post, generator.integers(0, n_post, size=n - len(post))])
        keep = np.ones(len(i), dtype=bool)
        if same_population and not allow_self:
            keep &= i != j
        if not allow_multiple:
            _, first = np.unique(i * n_post + j, return_index=True)
            unique = np.zeros(len(i), dtype=bool)
            unique[first] = True
            keep &= unique
        pre, post = i[keep], j[keep]
    return np.column_stack([pre, post])


def poisson_drive(sim, target, rate, weight, delay, receptor, label):
    """A Poisson drive of rate Hz into each neuron of target, one source per neuron, one to one.

    Brian2 fires a Poisson source at most once per time step (rand() < rate * dt), so a summed
    drive above 1 / dt would be cut to one spike a step. There each source is split into k of
    rate / k, at most 0.05 spikes a step: the mean is exact, and the count per step binomial.
    """
    k = 1
    if sim.__name__.endswith('brian2'):
        k = max(1, int(np.ceil(rate * sim.get_time_step() / 1000.0 / 0.05)))
    source = sim.Population(target.size * k, sim.SpikeSourcePoisson(rate=rate / k), label=label)
    if k == 1:
        connector = sim.OneToOneConnector()
    else:
        connector = sim.FromListConnector([(i * k + m, i) for i in range(target.size) for m in range(k)])
    sim.Projection(source, target, connector, sim.StaticSynapse(weight=weight, delay=delay), receptor_type=receptor)
    return source


def inject_noise(sim, population, sd, dt, duration, seed):
    """Independent Gaussian noise for every neuron, held for one time step (spikegpu's noise).

    pyNN.neuron plays one NoisyCurrentSource's samples into every cell it is injected into, so
    each neuron gets a source of its own; numpy's generator is seeded for repeatable runs.
    """
    np.random.seed(seed)
    for i in range(population.size):
        source = sim.NoisyCurrentSource(mean=0.0, stdev=sd, dt=dt, start=0.0, stop=duration)
        population[i:i + 1].inject(source)


def gather_spikes(sim, recorded):
    """{population: (times_ms, local_ids)} sorted by time then id, complete on rank 0."""
    out = {}
    for name, (population, view) in recorded.items():
        block = view.get_data('spikes', gather=True)
        times, ids = [], []
        for train in block.segments[0].spiketrains:
            # The cell's ID: source_id (NEST, NEURON) or channel_id (pyNN.brian2's spike-time arrays).
            a = train.annotations
            local = int(population.id_to_index(a['source_id'] if 'source_id' in a else a['channel_id']))
            t = np.asarray(train.rescale('ms').magnitude, dtype=float)
            times.append(t)
            ids.append(np.full(len(t), local, dtype=np.int64))
        times = np.concatenate(times) if times else np.zeros(0)
        ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        order = np.lexsort((ids, times))
        out[name] = (times[order], ids[order])
    return out


def write_spikes(path, spikes, duration):
    """spikegpu's spike files: .json {dt, complete, durationMs, populations} or .csv rows."""
    if path.lower().endswith('.csv'):
        with open(path, 'w') as f:
            f.write('population,time_ms,id\n')
            for name, (times, ids) in spikes.items():
                label = '"%s"' % name.replace('"', '""') if any(c in name for c in ',"\r\n') else name
                for t, i in zip(times.tolist(), ids.tolist()):
                    f.write('%s,%s,%d\n' % (label, repr(round(t, 6)), i))
    else:
        doc = {'dt': DT, 'complete': True, 'durationMs': duration, 'populations': {
            name: {'times': [round(t, 6) for t in times.tolist()], 'ids': ids.tolist()}
            for name, (times, ids) in spikes.items()}}
        with open(path, 'w') as f:
            json.dump(doc, f, separators=(',', ':'))
`;

/** Python after the generated `build`: the command line and the run. */
export const PYNN_MAIN = String.raw`def write_weights(sim, path, projections, duration):
    """spikegpu's weight file (.json): the final weights of the plastic projections, ids local."""
    doc = {'dt': DT, 'timeMs': duration, 'complete': True, 'projections': {}}
    for name, (projection, to_spikegpu) in projections.items():
        rows = projection.get(['weight', 'delay'], format='list', gather=True, with_address=True)
        rows = sorted((int(i), int(j), float(w), float(d)) for i, j, w, d in rows)
        doc['projections'][name] = {
            'pre': [r[0] for r in rows], 'post': [r[1] for r in rows],
            'delayMs': [round(r[3], 6) for r in rows], 'weights': [r[2] * to_spikegpu for r in rows]}
    if sim.rank() != 0:
        return
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--simulator', choices=['nest', 'neuron', 'brian2'], default='nest')
    parser.add_argument('--duration', type=float, default=1000.0, help='simulated time, ms (default 1000)')
    parser.add_argument('--seed', type=int, default=SEED, help='seed of connectivity, initial values and sources (default %(default)s)')
    parser.add_argument('--timestep', type=float,
                        help="the simulator's time step, ms (default the spec's dt; on NEURON dt/2 and at most 0.1: "
                             'under MPI NEURON needs every delay longer than its step, and its Izhikevich cell a fine step)')
    parser.add_argument('--out', help="spikes in spikegpu's formats: .json or .csv (written by MPI rank 0)")
    parser.add_argument('--weights-out', help="final weights of the plastic projections, in spikegpu's units: .json (rank 0)")
    args = parser.parse_args()
    if args.out and not args.out.lower().endswith(('.json', '.csv')):
        parser.error('--out must end in .json or .csv')
    if args.weights_out and not args.weights_out.lower().endswith('.json'):
        parser.error('--weights-out must end in .json')
    if args.duration <= 0:
        parser.error('--duration must be > 0')
    return args


def main():
    args = parse_args()
    refusals = [(path, why) for simulator, path, why in UNSUPPORTED if simulator == args.simulator]
    if refusals:
        path, why = refusals[0]
        sys.stderr.write('%s: %s on pyNN.%s\n' % (path, why, args.simulator))
        return 2
    sim = importlib.import_module('pyNN.' + args.simulator)
    from pyNN.random import NumpyRNG
    timestep = args.timestep or (min(DT / 2, 0.1) if args.simulator == 'neuron' else DT)
    # min_delay at the step, below every delay (at least dt): NEURON under MPI asserts that no delay is
    # shorter, and one equal to it can fail that test by rounding.
    sim.setup(timestep=timestep, min_delay=timestep, max_delay=MAX_DELAY)
    if args.simulator == 'brian2':
        import brian2
        brian2.seed(args.seed)  # pyNN.brian2 leaves Brian2's own generator (Poisson sources) unseeded
    rng = NumpyRNG(seed=args.seed, parallel_safe=True)
    recorded, plastic = build(sim, rng, args)
    sim.run(args.duration)
    spikes = gather_spikes(sim, recorded)
    if args.weights_out and plastic:
        write_weights(sim, args.weights_out, plastic, args.duration)  # gathers on every rank, writes on rank 0
    elif args.weights_out:
        sys.stderr.write('--weights-out: this network has no plastic projections\n')
    if sim.rank() == 0:
        summary = ', '.join('%s %.2f Hz' % (name, len(times) / (recorded[name][1].size * args.duration / 1000.0))
                            for name, (times, _) in spikes.items())
        sys.stderr.write('%s on pyNN.%s, %d process(es), %g ms: %s\n' % (NAME, args.simulator, sim.num_processes(), args.duration, summary))
        if args.out:
            write_spikes(args.out, spikes, args.duration)
    sim.end()
    return 0


if __name__ == '__main__':
    sys.exit(main())
`;

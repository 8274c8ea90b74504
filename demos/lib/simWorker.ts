/** The simulation worker: one Simulator, driven by `protocol.ts` messages. */
import { NoAdapterError, Simulator, SpecError } from 'spikegpu';
import type { Chunk, FromWorker, NetworkInfo, ToWorker } from './protocol.ts';

let sim: Simulator | null = null;

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

function info(s: Simulator): NetworkInfo {
  const net = s.network;
  const summary = s.summary();
  return {
    name: net.name,
    dt: net.dt,
    neurons: net.neuronCount,
    synapses: net.synapseCount,
    populations: net.populations.map((p) => ({
      name: p.name,
      size: p.size,
      offset: p.offset,
      model: p.model,
      recorded: p.recordIds === null ? p.size : p.recordIds.length,
    })),
    probes: net.stateProbes.map((p) => ({ pop: p.population, variable: p.variable, ids: Array.from(p.ids) })),
    plastic: net.plastic.map((p) => ({ name: p.name, pre: p.pre, post: p.post, preSize: p.preSize, postSize: p.postSize, ...p.bounds })),
    adapter: s.adapter,
    backend: s.backendName,
    gpuBytes: summary.gpuBytes,
    buildMs: s.buildMs,
  };
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'create': {
      sim?.dispose();
      sim = null;
      sim = await Simulator.create(m.spec, { backend: m.backend });
      post({ type: 'created', info: info(sim) });
      return;
    }
    case 'run': {
      if (!sim) throw new Error('no network: create one first');
      await sim.run(m.ms);
      const net = sim.network;
      const spikes: Chunk['spikes'] = {};
      const transfer: Transferable[] = [];
      for (const p of net.populations) {
        const s = sim.spikes(p.name);
        spikes[p.name] = s;
        transfer.push(s.times.buffer, s.ids.buffer);
      }
      const state = net.stateProbes.map((p) => {
        const t = sim!.state(p.population, p.variable);
        transfer.push(t.times.buffer, t.values.buffer);
        return { times: t.times, values: t.values };
      });
      sim.clearRecordings();
      post({ type: 'ran', chunk: { timeMs: sim.timeMs, spikes, state, summary: sim.summary() } }, transfer);
      return;
    }
    case 'weights': {
      if (!sim) throw new Error('no network: create one first');
      const w = await sim.weights(m.projection);
      post({ type: 'weights', projection: m.projection, pre: w.pre, post: w.post, weights: w.weights }, [w.pre.buffer, w.post.buffer, w.weights.buffer]);
      return;
    }
    case 'dispose':
      sim?.dispose();
      sim = null;
  }
}

// One message at a time, in order: a run never overlaps a create.
let queue = Promise.resolve();
self.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue
    .then(() => handle(e.data))
    .catch((err: unknown) => {
      const kind = err instanceof SpecError ? 'spec' : err instanceof NoAdapterError ? 'adapter' : 'other';
      post({ type: 'error', kind, message: err instanceof Error ? err.message : String(err) });
    });
};

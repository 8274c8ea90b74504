/**
 * Checkpoints: a simulator restored from `sim.checkpoint()` and run on gives, bit for bit, what
 * one simulator run without stopping gives (spikes, state samples, weights, weight snapshots,
 * counts), on each backend and across them (a WebGPU checkpoint resumed on the CPU and back).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { CheckpointError, decodeCheckpoint } from '../../src/sim/checkpoint.ts';
import { Simulator, type BackendName } from '../../src/sim/simulator.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

/** Everything a run leaves behind that must not depend on where it stopped. */
async function results(sim: Simulator) {
  const net = sim.network;
  const summary = sim.summary();
  return {
    spikes: Object.fromEntries(net.populations.map((p) => [p.name, sim.spikes(p.name)])),
    state: net.stateProbes.map((p) => sim.state(p.population, p.variable)),
    weights: await Promise.all(net.plastic.map((p) => sim.weights(p.name))),
    history: net.weightRecords.map((r) => sim.weightHistory(r.projection)),
    counts: { ticks: summary.ticks, spikes: summary.spikes, synapticEvents: summary.synapticEvents },
  };
}

const create = async (spec: unknown, backend: BackendName) =>
  Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
const restore = async (saved: Uint8Array, backend: BackendName) =>
  Simulator.restore(saved, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });

/** cuba with v sampled: state probes and the recorders' positions survive too. */
function cubaWithState(): NetworkSpec {
  const spec = builtinNetwork('cuba', { n: 800 }) as NetworkSpec;
  return { ...spec, record: { spikes: ['E', 'I'], state: [{ pop: 'E', var: 'v', ids: [0, 5, 9], every: 0.5 }] } };
}

/** polychronization: STDP with delays of 1–20 ms (21 ticks of spike history, traces, plastic arrivals) and weight snapshots. */
function plastic(): NetworkSpec {
  const spec = builtinNetwork('polychronization') as NetworkSpec;
  return { ...spec, record: { spikes: ['E', 'I'], weights: [{ projection: 'EE', every: 40 }] } };
}

const networks: [string, () => unknown, number, number][] = [
  ['cuba', cubaWithState, 130, 95],
  ['polychronization (plastic)', plastic, 60, 45],
  ['izhikevich2003 (noise)', () => builtinNetwork('izhikevich2003'), 70, 55],
];

describe('a restored checkpoint continues the run bit for bit', () => {
  for (const [name, spec, firstMs, thenMs] of networks)
    for (const [saveOn, resumeOn] of [
      ['cpu', 'cpu'],
      ['webgpu', 'webgpu'],
      ['webgpu', 'cpu'],
      ['cpu', 'webgpu'],
    ] as const)
      it(`${name}: saved on ${saveOn}, resumed on ${resumeOn}`, async () => {
        const whole = await create(spec(), saveOn);
        const saved = await (async () => {
          await whole.run(firstMs);
          return whole.checkpoint({ note: 'kept' });
        })();
        await whole.run(thenMs);
        const expected = await results(whole);
        whole.dispose();

        const resumed = await restore(saved, resumeOn);
        expect(resumed.timeMs).toBeCloseTo(firstMs, 9);
        expect(resumed.backendName).toBe(resumeOn);
        await resumed.run(thenMs);
        const actual = await results(resumed);
        resumed.dispose();
        expect(actual.counts).toEqual(expected.counts);
        expect(actual.spikes).toEqual(expected.spikes);
        expect(actual.state).toEqual(expected.state);
        expect(actual.weights).toEqual(expected.weights);
        expect(actual.history).toEqual(expected.history);
        expect(decodeCheckpoint(saved).meta).toEqual({ note: 'kept' });
        expect(Object.values(expected.spikes).reduce((a, s) => a + s.ids.length, 0)).toBeGreaterThan(100);
      });
});

describe('checkpoint files', () => {
  it('a checkpoint at tick 0 and one taken twice in a row restore alike', async () => {
    const sim = await create(builtinNetwork('cuba', { n: 400 }), 'webgpu');
    const atZero = await sim.checkpoint();
    await sim.run(20);
    const a = await sim.checkpoint();
    const b = await sim.checkpoint();
    expect(b).toEqual(a);
    await sim.run(30);
    const expected = sim.spikes('E');
    sim.dispose();
    const fromZero = await restore(atZero, 'webgpu');
    await fromZero.run(50);
    expect(fromZero.spikes('E')).toEqual(expected);
    fromZero.dispose();
  });

  it('damaged, truncated and foreign files are refused with CheckpointError', async () => {
    const sim = await create(builtinNetwork('cuba', { n: 400 }), 'cpu');
    await sim.run(10);
    const saved = await sim.checkpoint();
    sim.dispose();
    const flipped = saved.slice();
    flipped[saved.length - 3] ^= 1;
    await expect(Simulator.restore(flipped)).rejects.toThrow(/CRC-32 does not match/);
    await expect(Simulator.restore(saved.subarray(0, saved.length - 8))).rejects.toThrow(CheckpointError);
    await expect(Simulator.restore(new TextEncoder().encode('{"version":1}'))).rejects.toThrow(/not a spikegpu checkpoint/);
    await expect(Simulator.restore(saved, { seed: 3 } as never)).rejects.toThrow(/seed/);
  });

  it('a checkpoint is refused while a run is in progress', async () => {
    const sim = await create(builtinNetwork('cuba', { n: 400 }), 'cpu');
    const running = sim.run(50);
    await expect(sim.checkpoint()).rejects.toThrow(/in progress/);
    await running;
    sim.dispose();
  });
});

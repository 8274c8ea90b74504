/**
 * Procedural rows are the stored rows: for every rule procedural storage takes, the synapses
 * regenerated row by row (partner, fixed-point weight, delay) are those compile stores, in the
 * same order. The spikes they give are compared in test/gpu/procedural.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { forEachProceduralSynapse } from '../../src/compile/proceduralRows.ts';
import { hostSynapseRows } from '../../src/compile/synapseRows.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/netspec/types.ts';
import { SpecError } from '../../src/netspec/errors.ts';

const lif = { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors: { exc: { kind: 'current' as const, tau: 5 } } };

function spec(projections: Omit<ProjectionSpec, 'receptor'>[]): NetworkSpec {
  return {
    version: 1,
    dt: 0.1,
    seed: 9,
    populations: { A: { size: 70, model: 'lif', params: lif }, B: { size: 50, model: 'lif', params: lif } },
    projections: projections.map((p) => ({ ...p, receptor: 'exc' })),
  };
}

const RULES: Omit<ProjectionSpec, 'receptor'>[] = [
  { pre: 'A', post: 'B', connect: { rule: 'fixedTotal', n: 2000 }, weight: { normal: [1, 0.3], clip: [0, 3] }, delay: { normal: [2, 1], clip: [0.1, 8] } },
  { pre: 'A', post: 'A', connect: { rule: 'fixedTotal', n: 900, allowSelf: false }, weight: { uniform: [-1, 1] }, delay: 0.5 },
  { pre: 'B', post: 'A', connect: { rule: 'fixedOutDegree', k: 13 }, weight: 0.4, delay: { uniform: [0.1, 2] } },
  { pre: 'B', post: 'B', connect: { rule: 'fixedOutDegree', k: 7, allowSelf: false }, weight: { normal: [-2, 0.5] } },
  { pre: 'A', post: 'A', connect: { rule: 'allToAll', allowSelf: false }, weight: { uniform: [0, 0.1] }, delay: 1 },
  { pre: 'B', post: 'B', connect: { rule: 'oneToOne' }, weight: 2, delay: { normal: [1, 0.2] } },
];

describe('procedural rows = stored rows', () => {
  it('every rule: the same partners, weights and delays, in row order', () => {
    const stored = compileNetwork(spec(RULES));
    const procedural = compileNetwork(spec(RULES.map((p) => ({ ...p, storage: 'procedural' }))));
    expect(procedural.synapseCount).toBe(stored.synapseCount);
    expect(procedural.synapses.target.length).toBe(0);
    expect(procedural.scales).toEqual(stored.scales);
    expect(procedural.delaySlots).toBe(stored.delaySlots);
    const { rowStart, target, weight, channelBits } = stored.synapses;
    const mask = 2 ** channelBits - 1;
    let compared = 0;
    for (let source = 0; source < stored.neuronCount; source++) {
      const regenerated: [number, number, number][] = [];
      for (const p of procedural.procedural) {
        const x = source - p.preOffset;
        if (x >= 0 && x < p.preSize) forEachProceduralSynapse(p, procedural.seed, x, (post, w, d) => regenerated.push([p.channelBase + post, w, d]));
      }
      const row: [number, number, number][] = [];
      for (let j = rowStart[source]; j < rowStart[source + 1]; j++) row.push([target[j] & mask, weight[j], target[j] >>> channelBits]);
      expect(regenerated).toEqual(row);
      compared += row.length;
    }
    expect(compared).toBe(stored.synapseCount);
  });

  it('the microcircuit (fixed totals with multapses, clipped normals) at scale 0.02', () => {
    const stored = compileNetwork(builtinNetwork('microcircuit', { scale: 0.02 }));
    const procedural = compileNetwork(builtinNetwork('microcircuit', { scale: 0.02, connectivity: 'procedural' }));
    const { rowStart, target, weight } = stored.synapses;
    for (const source of [0, 17, 400, stored.neuronCount - 1]) {
      const w: number[] = [],
        t: number[] = [];
      for (const p of procedural.procedural) {
        const x = source - p.preOffset;
        if (x >= 0 && x < p.preSize)
          forEachProceduralSynapse(p, procedural.seed, x, (post, q, d) => {
            w.push(q);
            t.push(((p.channelBase + post) | (d << stored.synapses.channelBits)) >>> 0);
          });
      }
      expect(w).toEqual(Array.from(weight.subarray(rowStart[source], rowStart[source + 1])));
      expect(t).toEqual(Array.from(target.subarray(rowStart[source], rowStart[source + 1])));
    }
  });
});

describe('procedural storage refuses what it cannot regenerate, naming the path', () => {
  const refuse = (p: Omit<ProjectionSpec, 'receptor'>, message: string) => {
    const error = (() => {
      try {
        compileNetwork(spec([{ ...p, storage: 'procedural' }]));
      } catch (e) {
        return e as SpecError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(SpecError);
    expect(error!.message).toBe(message);
  };
  it('rules without keyed rows, plastic projections, per-synapse lists, unknown storage', () => {
    refuse(
      { pre: 'A', post: 'B', connect: { rule: 'fixedProbability', p: 0.1 }, weight: 1 },
      'projections[0].storage: procedural synapses need a rule whose rows can be regenerated: allToAll, oneToOne, or fixedOutDegree / fixedTotal with multapses (allowMultiple), not fixedProbability',
    );
    refuse(
      { pre: 'A', post: 'B', connect: { rule: 'fixedTotal', n: 10, allowMultiple: false }, weight: 1 },
      'projections[0].storage: procedural synapses need a rule whose rows can be regenerated: allToAll, oneToOne, or fixedOutDegree / fixedTotal with multapses (allowMultiple), not fixedTotal without multapses',
    );
    refuse(
      {
        pre: 'A',
        post: 'B',
        connect: { rule: 'allToAll' },
        weight: 0.5,
        plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 1 },
      },
      'projections[0].storage: procedural synapses are static: a plastic projection needs "stored"',
    );
    refuse(
      { pre: 'B', post: 'B', connect: { rule: 'oneToOne' }, weight: Array.from({ length: 50 }, () => 1) },
      'projections[0].storage: procedural synapses draw weights and delays from a number or a distribution, not a per-synapse list',
    );
    expect(() => compileNetwork(spec([{ ...RULES[0], storage: 'lazy' as 'stored' }]))).toThrow(
      'projections[0].storage: must be "stored" or "procedural", got "lazy"',
    );
  });
});

describe('stored rows left for the device to draw', () => {
  it('are the host-built rows when drawn on the host (every keyed rule, and the microcircuit)', () => {
    const withForms = spec(RULES);
    for (const doc of [withForms, builtinNetwork('microcircuit', { scale: 0.02 })]) {
      const host = compileNetwork(doc);
      const device = compileNetwork(doc, { rowsOnDevice: true });
      expect(host.synapses.onDevice).toEqual([]);
      expect(device.synapses.onDevice.length).toBe(doc.projections!.length);
      expect(device.synapses.target.length).toBe(0);
      expect(device.synapses.count).toBe(host.synapses.count);
      expect(device.synapses.rowStart).toEqual(host.synapses.rowStart);
      expect(device.scales).toEqual(host.scales);
      expect(device.buffers).toEqual(host.buffers);
      const drawn = hostSynapseRows(device.synapses, device.seed);
      expect(drawn.target).toEqual(host.synapses.target);
      expect(drawn.weight).toEqual(host.synapses.weight);
    }
  });

  it('only when every static stored projection has keyed rows', () => {
    const mixed = spec([...RULES, { pre: 'A', post: 'B', connect: { rule: 'fixedProbability', p: 0.1 }, weight: 1 }]);
    expect(compileNetwork(mixed, { rowsOnDevice: true }).synapses.onDevice).toEqual([]);
    expect(compileNetwork(builtinNetwork('brunel', { n: 1250 }), { rowsOnDevice: true }).synapses.onDevice).toEqual([]);
  });
});

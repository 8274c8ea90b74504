/**
 * The WebGPU kernels against the CPU reference on Dawn (SwiftShader where there is no GPU):
 * identical spike trains, spike for spike, for every model, receptor kind and drive, and for
 * each built-in network at reduced size.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { expectGpuMatchesCpu, releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const lifParams = (receptors: object) => ({ tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors });

describe('GPU = CPU reference, built-in networks at reduced size', () => {
  it('finds a WebGPU adapter', async () => {
    const gpu = await testDevice();
    expect(gpu.adapter.length).toBeGreaterThan(0);
  });

  it('cuba (LIF, exponential currents, exact integration)', async () => {
    expect(await expectGpuMatchesCpu(builtinNetwork('cuba', { n: 1000 }), 60)).toBeGreaterThan(200);
  });

  it('coba (LIF, conductances, Euler)', async () => {
    expect(await expectGpuMatchesCpu(builtinNetwork('coba', { n: 1000 }), 50)).toBeGreaterThan(100);
  });

  for (const regime of ['A', 'C']) {
    it(`brunel regime ${regime} (delta synapses, 1.5 ms delays, Poisson input, refractory discard)`, async () => {
      expect(await expectGpuMatchesCpu(builtinNetwork('brunel', { n: 1250, regime }), 40)).toBeGreaterThan(100);
    });
  }

  it('brunel with fixedProbability connectivity', async () => {
    expect(await expectGpuMatchesCpu(builtinNetwork('brunel', { n: 1250, regime: 'C', connect: 'fixedProbability' }), 30)).toBeGreaterThan(50);
  });

  it('izhikevich2003 (Izhikevich, pulse synapses, noise, two half-steps)', async () => {
    expect(await expectGpuMatchesCpu(builtinNetwork('izhikevich2003', { n: 300 }), 300)).toBeGreaterThan(300);
  });
});

describe('GPU = CPU reference, models and receptor kinds', () => {
  it('poisson source → LIF through current and conductance receptors, heterogeneous delays', async () => {
    const spec = {
      version: 1,
      dt: 0.1,
      seed: 11,
      populations: {
        P: { size: 200, model: 'poisson', params: { rate: { uniform: [5, 40] } } },
        N: {
          size: 100,
          model: 'lif',
          params: lifParams({
            ampa: { kind: 'current', tau: 2 },
            gaba: { kind: 'conductance', tau: 8, eRev: -80 },
            nmda: { kind: 'conductance', tau: 50, eRev: 0 },
          }),
          init: { v: { uniform: [-65, -55] } },
        },
      },
      projections: [
        { pre: 'P', post: 'N', connect: { rule: 'fixedProbability', p: 0.2 }, weight: { normal: [3, 1] }, delay: { uniform: [0.1, 5] }, receptor: 'ampa' },
        { pre: 'P', post: 'N', connect: { rule: 'fixedInDegree', k: 10 }, weight: { uniform: [0, 0.1] }, delay: 2, receptor: 'gaba' },
        { pre: 'P', post: 'N', connect: { rule: 'fixedOutDegree', k: 5 }, weight: 0.05, delay: 1, receptor: 'nmda' },
        {
          pre: 'N',
          post: 'N',
          connect: { rule: 'fixedTotal', n: 500 },
          weight: { uniform: [-2, 2] },
          delay: { normal: [1, 0.5], clip: [0.1, 3] },
          receptor: 'ampa',
        },
      ],
    };
    expect(await expectGpuMatchesCpu(spec, 50)).toBeGreaterThan(250);
  });

  it('spikeSource → LIF with delta and pulse receptors, noise and iExt', async () => {
    const times = Array.from({ length: 400 }, (_, k) => (k * 0.37) % 40);
    const ids = Array.from({ length: 400 }, (_, k) => (k * 7) % 50);
    const spec = {
      version: 1,
      dt: 0.1,
      seed: 5,
      populations: {
        S: { size: 50, model: 'spikeSource', times, ids },
        N: { size: 80, model: 'lif', params: lifParams({ jump: { kind: 'delta' }, kick: { kind: 'pulse' } }), iExt: { uniform: [10, 14] }, noise: { sd: 3 } },
      },
      projections: [
        { pre: 'S', post: 'N', connect: { rule: 'allToAll' }, weight: { uniform: [0, 1.5] }, delay: { uniform: [0.1, 3] }, receptor: 'jump' },
        { pre: 'S', post: 'N', connect: { rule: 'list', pre: [0, 1, 2], post: [3, 4, 5] }, weight: 30, receptor: 'kick' },
        { pre: 'N', post: 'N', connect: { rule: 'fixedProbability', p: 0.1, allowSelf: false }, weight: 40, receptor: 'kick' },
      ],
    };
    expect(await expectGpuMatchesCpu(spec, 40)).toBeGreaterThan(200);
  });

  it('Izhikevich with current and conductance receptors, substeps and Poisson input', async () => {
    const spec = {
      version: 1,
      dt: 0.5,
      seed: 9,
      populations: {
        N: {
          size: 150,
          model: 'izhikevich',
          params: {
            a: 0.02,
            b: 0.2,
            c: -65,
            d: { uniform: [2, 8] },
            substeps: 4,
            receptors: { exc: { kind: 'current', tau: 5 }, inh: { kind: 'conductance', tau: 10, eRev: -80 } },
          },
          init: { v: { uniform: [-70, -60] } },
          poissonInput: [{ count: 100, rate: 20, weight: 1.5, receptor: 'exc' }],
        },
      },
      projections: [
        { pre: 'N', post: 'N', connect: { rule: 'fixedProbability', p: 0.1 }, weight: 2, delay: { uniform: [0.5, 10] }, receptor: 'exc' },
        { pre: 'N', post: 'N', connect: { rule: 'fixedProbability', p: 0.05 }, weight: 0.2, delay: 1, receptor: 'inh' },
      ],
    };
    expect(await expectGpuMatchesCpu(spec, 150)).toBeGreaterThan(200);
  });
});

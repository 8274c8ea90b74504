/**
 * No silent NaN at run time: state that becomes NaN or ±Inf ends the run with a
 * NonFiniteStateError naming the population, variable, neuron and time: the same first one on
 * both backends and with fused ticks, and exit 1 with that line from the CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { NonFiniteStateError } from '../../src/sim/nonFiniteState.ts';
import { Simulator, type BackendName } from '../../src/sim/simulator.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const lif = { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2 };

/**
 * Finite in f32, so compile takes it: noise of sd 3·10³⁸ drives v past f32 to ±Inf (and −Inf
 * to NaN). `quiet` stays finite and comes first, so the report's neuron id is a local one.
 */
const noisy = (quiet: boolean): NetworkSpec => ({
  version: 1,
  dt: 0.1,
  seed: 3,
  populations: {
    ...(quiet ? { quiet: { size: 5, model: 'lif', params: lif } } : {}),
    E: { size: 20, model: 'lif', params: lif, noise: { sd: 3e38 } },
  },
});

/** An Izhikevich input of −3·10³⁸: v overflows within a tick and u follows it to infinity. */
const izhikevich: NetworkSpec = {
  version: 1,
  dt: 0.5,
  seed: 3,
  populations: { N: { size: 10, model: 'izhikevich', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, iExt: -3e38 } },
};

async function failure(spec: NetworkSpec, backend: BackendName, fused: boolean | 'auto' = 'auto') {
  const sim = await Simulator.create(spec, { backend, fused, device: backend === 'webgpu' ? await testDevice() : undefined });
  try {
    const error = await sim.run(1000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonFiniteStateError);
    // It ends within three windows (100 ticks each) of the bad tick, not after the whole second.
    expect(sim.timeMs / spec.dt).toBeLessThanOrEqual(300);
    // And stays ended.
    await expect(sim.run(10)).rejects.toThrow(NonFiniteStateError);
    return error as NonFiniteStateError;
  } finally {
    sim.dispose();
  }
}

describe('state that stops being a number ends the run, naming where', () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    it(`noise beyond f32 (${backend}): E.v of neuron 4 at 0 ms`, async () => {
      const e = await failure(noisy(true), backend);
      expect(e.where).toEqual({ population: 'E', variable: 'v', neuron: 4, timeMs: 0 });
      expect(e.message).toBe(
        'E.v of neuron 4 became NaN or infinite in the tick at t = 0 ms (tick 0); the run stopped there: check the parameters, weights and inputs that drive E',
      );
    });

    it(`an Izhikevich input beyond what v can hold (${backend}): N.u of neuron 0 at 0.5 ms`, async () => {
      const e = await failure(izhikevich, backend);
      expect(e.where).toEqual({ population: 'N', variable: 'u', neuron: 0, timeMs: 0.5 });
    });
  }

  it('fused ticks report the same first one', async () => {
    const [fused, cpu] = [await failure(noisy(false), 'webgpu', true), await failure(noisy(false), 'cpu')];
    expect(fused.where).toEqual(cpu.where);
    expect(fused.where).toMatchObject({ population: 'E', variable: 'v', timeMs: 0 });
  });

  it('spikegpu run: exit 1 with that one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikegpu-nonfinite-'));
    const spec = join(dir, 'noisy.json');
    writeFileSync(spec, JSON.stringify(noisy(true)));
    const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cli/spikegpu.ts', 'run', spec, '--backend', 'webgpu'], {
        cwd: join(import.meta.dirname, '..', '..'),
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'spikegpu: E.v of neuron 4 became NaN or infinite in the tick at t = 0 ms (tick 0); the run stopped there: check the parameters, weights and inputs that drive E\n',
    );
  });
});

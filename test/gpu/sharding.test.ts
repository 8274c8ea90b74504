/** Static synapse arrays split across bindings give the spikes of one binding each. */
import { afterAll, describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, runSpikes, testDevice, totalSpikes } from './helpers.ts';

afterAll(releaseTestDevice);

describe('synapse shards', () => {
  it('cuba with its synapses in 3 shards: identical spikes to 1 shard and to the CPU', async () => {
    const spec = builtinNetwork('cuba', { n: 800 });
    const synapses = compileNetwork(spec).synapses.target.length;
    // Three shards, the last one shorter, with rows crossing shard boundaries.
    const shardBytes = 4 * Math.ceil(synapses / 2.5);
    const sharded = await Simulator.create(spec, { backend: 'webgpu', device: await testDevice(), synapseShardBytes: shardBytes, fused: 'auto' });
    const backend = (sharded as unknown as { backend: { sharding: { shards: number }; fused: boolean } }).backend;
    expect(backend.sharding.shards).toBe(3);
    expect(backend.fused).toBe(false); // the fused kernel binds one shard
    sharded.dispose();
    const three = await runSpikes(spec, 40, { backend: 'webgpu', synapseShardBytes: shardBytes });
    const one = await runSpikes(spec, 40, { backend: 'webgpu', fused: false });
    const cpu = await runSpikes(spec, 40, { backend: 'cpu' });
    expect(totalSpikes(three)).toBeGreaterThan(50);
    expectIdentical(one, three);
    expectIdentical(cpu, three);
  });

  it('a shard too small for the adapter binding count is refused with DeviceLimitError', async () => {
    const spec = builtinNetwork('cuba', { n: 400 });
    await expect(Simulator.create(spec, { backend: 'webgpu', device: await testDevice(), synapseShardBytes: 64 })).rejects.toThrow(
      /static synapses need \d+ shards per array, \d+ storage bindings in propagation, but this adapter allows \d+/,
    );
  });
});

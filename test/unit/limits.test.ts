import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { networkBytes } from '../../src/compile/compiled.ts';
import { checkBufferPlan, DeviceLimitError } from '../../src/gpu/buffers.ts';
import { builtinNetwork } from '../../src/networks/index.ts';

/** A stand-in for a GPUDevice with small binding limits: the check needs nothing else. */
const deviceWithLimits = (maxBytes: number) => ({ limits: { maxStorageBufferBindingSize: maxBytes, maxBufferSize: maxBytes } }) as unknown as GPUDevice;

describe('device limits', () => {
  const net = compileNetwork(builtinNetwork('cuba', { n: 1000 }));

  it('the buffer plan accounts for the synapses (8 bytes each) and the neurons', () => {
    const bytes = Object.fromEntries(net.buffers.map((b) => [b.name, b.bytes]));
    expect(bytes['synapse targets'] + bytes['synapse weights']).toBe(8 * net.synapseCount);
    expect(bytes['synapse rows']).toBe(4 * (net.neuronCount + 1));
    expect(bytes['input ring']).toBe(4 * net.delaySlots * net.channelCount);
    expect(networkBytes(net)).toBe(net.buffers.reduce((a, b) => a + b.bytes, 0));
  });

  it('a network that fits passes; one that does not fails before allocating, naming the buffer', () => {
    expect(() => checkBufferPlan(deviceWithLimits(2 ** 30), net.buffers)).not.toThrow();
    const largest = Math.max(...net.buffers.map((b) => b.bytes));
    const tooSmall = deviceWithLimits(largest - 4);
    expect(() => checkBufferPlan(tooSmall, net.buffers)).toThrow(DeviceLimitError);
    expect(() => checkBufferPlan(tooSmall, net.buffers)).toThrow(
      /^the network needs [\d.]+ MiB for its synapse (targets|weights), but this adapter binds at most [\d.]+ MiB per buffer/,
    );
  });
});

describe('choice of the fused path', async () => {
  const { chooseFused, FUSED_AUTO_MAX_NEURONS } = await import('../../src/sim/gpuBackend.ts');
  const swiftshader = { isSoftware: true, maxStorageBuffersPerShaderStage: 12 };
  const gpu = { isSoftware: false, maxStorageBuffersPerShaderStage: 16 };
  const small = compileNetwork(builtinNetwork('cuba', { n: 1000 }));
  const mid = compileNetwork(builtinNetwork('cuba', { n: 4000 }));

  it('auto: small single-group networks, larger ones on a software adapter', () => {
    expect(FUSED_AUTO_MAX_NEURONS.hardware).toBeLessThan(4000);
    expect(chooseFused(small, gpu)).toBe(true);
    expect(chooseFused(mid, gpu)).toBe(false);
    expect(chooseFused(mid, swiftshader)).toBe(true);
    expect(chooseFused(small, { ...gpu, maxStorageBuffersPerShaderStage: 8 })).toBe(false);
  });

  it('explicit choices are obeyed, and an impossible one is an error', () => {
    expect(chooseFused(mid, gpu, true)).toBe(true);
    expect(chooseFused(small, gpu, false)).toBe(false);
    const probes = compileNetwork({ ...builtinNetwork('cuba', { n: 400 }), record: { state: [{ pop: 'E', var: 'v', ids: [0] }] } });
    expect(chooseFused(probes, gpu)).toBe(false);
    expect(() => chooseFused(probes, gpu, true)).toThrow(/one neuron group/);
  });
});

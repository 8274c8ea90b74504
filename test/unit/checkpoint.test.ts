/** The checkpoint file format: arrays kept bit for bit, and every kind of damage refused. */
import { describe, expect, it } from 'vitest';
import { CheckpointError, crc32, decodeCheckpoint, encodeCheckpoint, type SimulatorSnapshot } from '../../src/sim/checkpoint.ts';

function snapshot(): SimulatorSnapshot {
  // A NaN with a payload and a negative zero: a copy through numbers would lose both.
  const state = new Uint32Array([0x7fc00123, 0x80000000, 0x3f800000]);
  return {
    spec: { version: 1, dt: 0.1, populations: { 'E, "2/3"': { size: 3, model: 'lif' } } },
    seed: 7,
    backend: {
      tick: 12,
      counters: { spikes: 4, synapticEvents: 9 },
      groups: [{ params: new Uint32Array([1, 2, 3]), state }],
      ring: new Int32Array([-5, 0, 2 ** 31 - 1]),
      recentSpikes: [new Uint32Array([0, 2]), new Uint32Array(0)],
      plastic: [{ weight: new Float32Array([0.5, -0]), preTrace: new Float32Array(4), postTrace: new Float32Array([1e-30]), rule: new Float32Array(8) }],
      tables: new Uint32Array([0, 0xffffffff]),
    },
    recordings: { spikes: [{ ticks: new Uint32Array([3]), ids: new Uint32Array([1]), cleared: 2 }], state: [], weights: [] },
    wallMs: 1.5,
    meta: { note: 'ü' },
  };
}

describe('checkpoint files', () => {
  it('CRC-32 is the IEEE one (zlib, PNG)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('decode(encode(x)) is x, arrays bit for bit and of their own types', () => {
    const s = snapshot();
    const bytes = encodeCheckpoint(s);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('SPKGCKPT');
    const back = decodeCheckpoint(bytes);
    expect(back).toEqual(s);
    expect(back.backend.groups[0].state).toBeInstanceOf(Uint32Array);
    expect(back.backend.ring).toBeInstanceOf(Int32Array);
    expect(Array.from(back.backend.groups[0].state)).toEqual([0x7fc00123, 0x80000000, 0x3f800000]);
    expect(Object.is(back.backend.plastic[0].weight[1], -0)).toBe(true);
    // A file inside a larger buffer, at an odd offset, reads the same.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeCheckpoint(shifted.subarray(3))).toEqual(s);
  });

  it('refuses foreign, damaged, truncated and padded files', () => {
    const bytes = encodeCheckpoint(snapshot());
    const refused = (b: Uint8Array, message: RegExp) => {
      expect(() => decodeCheckpoint(b)).toThrow(CheckpointError);
      expect(() => decodeCheckpoint(b)).toThrow(message);
    };
    refused(new TextEncoder().encode('{"version": 1, "dt": 0.1}'), /not a spikegpu checkpoint/);
    refused(bytes.subarray(0, 10), /not a spikegpu checkpoint/);
    for (const at of [30, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      refused(flipped, /CRC-32 does not match/);
    }
    refused(bytes.subarray(0, bytes.length - 4), /CRC-32 does not match/);
    const future = bytes.slice();
    future[8] = 4;
    refused(future, /checkpoint format 4; this spikegpu reads format 3/);
  });
});

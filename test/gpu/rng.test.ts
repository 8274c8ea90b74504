/** The WGSL and TypeScript random functions draw the same numbers, bit for bit. */
import { afterAll, describe, expect, it } from 'vitest';
import { hash4, normalFromHashes, rngWgsl } from '../../src/rng/counterHash.ts';
import { fixedToF32, driveHelpersWgsl } from '../../src/models/drive.ts';
import { releaseTestDevice, runCompute } from './helpers.ts';

afterAll(releaseTestDevice);

const N = 4096;

describe('random numbers and fixed point, WGSL = TypeScript', () => {
  it('hash4, normalFromHashes and fixedToF32 agree for many arguments', async () => {
    const code = `
@group(0) @binding(0) var<storage, read> tables: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
${rngWgsl}
${driveHelpersWgsl}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= ${N}u) { return; }
  out[3u * i] = hash4(12345u, 77u + (i & 3u), i, i * 7919u);
  out[3u * i + 1u] = bitcast<u32>(normalFromHashes(9u, 3u << 16u, i, i >> 2u));
  let x = bitcast<i32>(hash4(1u, 2u, i, 0u)) >> (i & 15u);
  out[3u * i + 2u] = bitcast<u32>(fixedToF32(x, 1.0 / 1048576.0) + f32(tables[0] & 0u));
}`;
    const u = await runCompute(code, new Uint32Array(1), 3 * N, N / 64);
    const f = new Float32Array(u.buffer);
    let hashes = 0,
      normals = 0,
      fixed = 0;
    for (let i = 0; i < N; i++) {
      if (u[3 * i] === hash4(12345, 77 + (i & 3), i, Math.imul(i, 7919) >>> 0)) hashes++;
      if (f[3 * i + 1] === normalFromHashes(9, 3 << 16, i, i >> 2)) normals++;
      const x = (hash4(1, 2, i, 0) | 0) >> (i & 15);
      if (f[3 * i + 2] === fixedToF32(x, 1 / 1048576)) fixed++;
    }
    expect({ hashes, normals, fixed }).toEqual({ hashes: N, normals: N, fixed: N });
  });
});

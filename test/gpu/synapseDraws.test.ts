/** The WGSL and TypeScript keyed synapse draws agree bit for bit (partners, quantised forms, delay ticks). */
import { afterAll, describe, expect, it } from 'vitest';
import { rngWgsl } from '../../src/rng/counterHash.ts';
import {
  delayTicksOf,
  drawAt,
  drawPartner,
  drawQuantized,
  mulhi32,
  quantizeDelay,
  quantizeForm,
  rowKey,
  synapseDrawsWgsl,
  type QuantizedForm,
} from '../../src/compile/synapseDraws.ts';
import { releaseTestDevice, runCompute } from './helpers.ts';

afterAll(releaseTestDevice);

const N = 4096;
/** Forms the test draws: clipped and unclipped normals (one clip so tight most draws redraw), uniform, constants, both signs, large scales. */
const FORMS: QuantizedForm[] = [
  quantizeForm({ normal: [3.512, 0.3512], clip: [0, 35.12] }, 2 ** 22),
  quantizeForm({ normal: [-14.048, 1.4048], clip: [-140.48, 0] }, 2 ** 22),
  quantizeForm({ normal: [0, 1] }, 2 ** 27),
  quantizeForm({ normal: [1, 2], clip: [3.9, 4] }, 2 ** 20),
  quantizeForm({ uniform: [-1, 0.5] }, 2 ** 29),
  quantizeForm({ uniform: [0, 0] }, 2 ** 10),
  quantizeForm(-0.25, 2 ** 24),
  quantizeDelay({ normal: [1.5, 0.75], clip: [0.1, 15] }, 0.1),
];

/** The body run once per i < N, with the forms bound as `forms` and the output as `out`. */
function runWgsl(body: string, words: number): Promise<Uint32Array> {
  const code = `
@group(0) @binding(0) var<storage, read> forms: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
${rngWgsl}
${synapseDrawsWgsl}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= ${N}u) { return; }
${body}
}`;
  const formWords = new Uint32Array(FORMS.flatMap((f) => [f.kind, f.a >>> 0, f.b >>> 0, f.lo >>> 0, f.hi >>> 0]));
  return runCompute(code, formWords, words * N, N / 64);
}

describe('keyed synapse draws, WGSL = TypeScript', () => {
  it('mulhi32, drawPartner, every quantised form and delay ticks agree for many keys', async () => {
    const F = FORMS.length;
    const words = 3 + F;
    const u = await runWgsl(
      `
  let key = rowKey(7u, (2u << 16u) | (i & 7u), i >> 3u);
  let h = drawAt(key, i * 2654435761u);
  out[${words}u * i] = mulhi32(h, i * 40503u + 1u);
  out[${words}u * i + 1u] = drawPartner(h, (i % 97u) + 2u, select(0xffffffffu, i % 97u, (i & 1u) == 1u));
  out[${words}u * i + 2u] = delayTicksOf(drawQuantized(forms[${5 * (F - 1)}u], bitcast<i32>(forms[${5 * (F - 1)}u + 1u]), forms[${5 * (F - 1)}u + 2u], bitcast<i32>(forms[${5 * (F - 1)}u + 3u]), bitcast<i32>(forms[${5 * (F - 1)}u + 4u]), h));
  for (var f = 0u; f < ${F}u; f++) {
    out[${words}u * i + 3u + f] = bitcast<u32>(drawQuantized(forms[5u * f], bitcast<i32>(forms[5u * f + 1u]), forms[5u * f + 2u], bitcast<i32>(forms[5u * f + 3u]), bitcast<i32>(forms[5u * f + 4u]), h));
  }`,
      words,
    );
    const mismatches: string[] = [];
    for (let i = 0; i < N; i++) {
      const key = rowKey(7, ((2 << 16) | (i & 7)) >>> 0, i >>> 3);
      const h = drawAt(key, Math.imul(i, 2654435761) >>> 0);
      const n = (i % 97) + 2;
      const expected = [
        mulhi32(h, (Math.imul(i, 40503) + 1) >>> 0),
        drawPartner(h, n, i & 1 ? i % 97 : -1),
        delayTicksOf(drawQuantized(FORMS[F - 1], h)),
        ...FORMS.map((f) => drawQuantized(f, h) >>> 0),
      ];
      expected.forEach((e, w) => {
        if (u[words * i + w] !== e && mismatches.length < 5) mismatches.push(`i ${i} word ${w}: GPU ${u[words * i + w]}, CPU ${e}`);
      });
    }
    expect(mismatches).toEqual([]);
  });
});

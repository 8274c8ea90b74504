/**
 * The deterministic f32 functions: the WGSL gives the CPU twin's bits exactly, for every
 * function, on random inputs of every magnitude and on the edges (zeros, subnormals, the
 * largest f32, infinities, NaN, the saturation thresholds, the range-reduction boundaries).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deterministicMathWgsl, divideF32, expF32, logF32, powF32, sqrtF32 } from '../../src/equations/deterministicMath.ts';
import { releaseTestDevice, runCompute } from './helpers.ts';

afterAll(releaseTestDevice);

const f32 = Math.fround;
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
const fromBits = (bits: number) => new Float32Array(Uint32Array.of(bits >>> 0).buffer)[0];
const hex = (x: number) => `0x${bitsOf(x).toString(16).padStart(8, '0')}`;

let state = 2024;
const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
/** Any 32-bit pattern: every sign and exponent, subnormals, infinities and NaNs (made canonical below). */
const randomBits = () => fromBits(Math.floor(random() * 2 ** 32));
const uniform = (low: number, high: number) => f32(low + (high - low) * random());

/** Values every function sees: zeros, subnormals, normal ends, infinities, NaN and small integers. */
const EDGES = [
  0,
  -0,
  fromBits(1),
  fromBits(0x7fffff),
  fromBits(0x80000001),
  fromBits(0x807fffff),
  2 ** -126,
  -(2 ** -126),
  fromBits(0x7f7fffff),
  fromBits(0xff7fffff),
  Infinity,
  -Infinity,
  NaN,
  1,
  -1,
  2,
  0.5,
  3,
  f32(1 + 2 ** -23),
  f32(1 - 2 ** -24),
  f32(Math.SQRT2),
  f32(Math.SQRT1_2),
  f32(0.1),
  -f32(0.1),
];

/** The `count` f32 values on either side of x (consecutive bit patterns). */
function around(x: number, count: number): number[] {
  const bits = bitsOf(f32(x));
  return Array.from({ length: 2 * count + 1 }, (_, k) => fromBits(bits - count + k));
}

/**
 * Run `call` (a WGSL expression of `a` and `b`) on the GPU over the operand pairs and compare
 * bits with the CPU twin. NaN inputs are the canonical quiet NaN, as a JS NaN stored to a
 * Float32Array; the WGSL returns the NaN operand itself, so both sides give its bits.
 */
async function expectGpuMatchesCpu(call: string, cpu: (a: number, b: number) => number, pairs: [number, number][]): Promise<void> {
  const canonical = (x: number) => (Number.isNaN(x) ? NaN : x);
  const operands = pairs.map(([a, b]) => [canonical(a), canonical(b)]);
  const input = new Uint32Array(operands.length * 2);
  operands.forEach(([a, b], k) => input.set([bitsOf(a), bitsOf(b)], 2 * k));
  const code = /* wgsl */ `
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
${deterministicMathWgsl}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let k = id.x;
  if (k >= ${operands.length}u) { return; }
  let a = bitcast<f32>(input[2u * k]);
  let b = bitcast<f32>(input[2u * k + 1u]);
  output[k] = bitcast<u32>(${call});
}`;
  const out = await runCompute(code, input, operands.length, Math.ceil(operands.length / 64));
  const wrong = operands
    .map(([a, b], k) => ({ a: hex(a), b: hex(b), gpu: `0x${out[k].toString(16).padStart(8, '0')}`, cpu: hex(cpu(a, b)) }))
    .filter((x) => x.gpu !== x.cpu);
  expect(wrong.slice(0, 5), `${wrong.length} of ${operands.length} differ`).toEqual([]);
  expect(operands.length).toBeGreaterThanOrEqual(10_000);
}

const unary = (values: number[]): [number, number][] => values.map((x) => [x, 0]);
const crossEdges = (): [number, number][] => EDGES.flatMap((a) => EDGES.map((b): [number, number] => [a, b]));

describe('deterministic math: WGSL = CPU bit for bit', () => {
  it('divideF32 on random operands, ties, edges and the ends of the range', async () => {
    const pairs: [number, number][] = crossEdges();
    for (let k = 0; k < 6000; k++) pairs.push([randomBits(), randomBits()]);
    for (let k = 0; k < 3000; k++) pairs.push([uniform(-200, 200), uniform(-50, 50)]);
    for (let k = 0; k < 2000; k++) {
      const a = f32(1 + Math.floor(random() * 2 ** 23) * 2 ** -23);
      pairs.push([a, f32(a + 2 ** -23 * Math.floor(random() * 5 - 2))]);
    }
    // Quotients at the bottom (rounding to 24 bits, then 0) and the top of the range.
    for (const x of around(1, 40)) pairs.push([x, 2 ** 126], [-x, 2 ** 126], [x, 2 ** -127], [fromBits(0x7f7fffff), x]);
    await expectGpuMatchesCpu('divideF32(a, b)', divideF32, pairs);
  });

  it('expF32 on random arguments, the saturation thresholds and the reduction boundaries', async () => {
    const values = [...EDGES, ...around(2 ** -25, 20), ...around(-(2 ** -25), 20), ...around(104, 20), ...around(-104, 20)];
    values.push(...around(88.7228, 200), ...around(-87.3365, 200), ...around(-88, 50), ...around(89, 50));
    for (const k of [0, 1, 2, 5, 30, 100, 126, -1, -2, -30, -100, -126]) values.push(...around((k + 0.5) * Math.LN2, 20), ...around(k * Math.LN2, 10));
    for (let k = 0; k < 7000; k++) values.push(uniform(-105, 105));
    for (let k = 0; k < 2000; k++) values.push(uniform(-1, 1) * 2 ** uniform(-30, 0));
    for (let k = 0; k < 2000; k++) values.push(randomBits());
    await expectGpuMatchesCpu('expF32(a)', expF32, unary(values));
  });

  it('logF32 on random arguments, near 1, around √2·2^e (where m is halved) and powers of 2', async () => {
    const values = [...EDGES];
    for (const e of [-126, -60, -1, 0, 1, 20, 127]) values.push(...around(Math.SQRT2 * 2 ** e, 20), ...around(2 ** e, 20));
    for (let k = 0; k < 6000; k++) values.push(fromBits(0x800000 + Math.floor(random() * (0x7f7fffff - 0x800000))));
    for (let k = 0; k < 2000; k++) values.push(uniform(1 - 2 ** -8, 1 + 2 ** -8));
    for (let k = 0; k < 2000; k++) values.push(uniform(0, 10));
    for (let k = 0; k < 1000; k++) values.push(randomBits());
    await expectGpuMatchesCpu('logF32(a)', logF32, unary(values));
  });

  it('sqrtF32 on random arguments, exact squares and their neighbours', async () => {
    const values = [...EDGES];
    for (let k = 1; k < 500; k++) values.push(...around(k * k, 2), ...around(k * k * 2 ** -40, 1));
    for (let k = 0; k < 6000; k++) values.push(fromBits(0x800000 + Math.floor(random() * (0x7f7fffff - 0x800000))));
    for (let k = 0; k < 2000; k++) values.push(randomBits());
    await expectGpuMatchesCpu('sqrtF32(a)', sqrtF32, unary(values));
  });

  it('powF32 on random bases and exponents, integer exponents, edges and saturation', async () => {
    const pairs: [number, number][] = crossEdges();
    for (let k = 0; k < 5000; k++) pairs.push([f32(2 ** uniform(-30, 30)), uniform(-8, 8)]);
    for (let k = 0; k < 2000; k++) pairs.push([uniform(0, 100), Math.floor(uniform(-5, 6))]);
    for (let k = 0; k < 1000; k++) pairs.push([uniform(0.9, 1.1), uniform(-2000, 2000)]);
    for (let k = 0; k < 2000; k++) pairs.push([randomBits(), randomBits()]);
    for (const b of [1e30, -1e30, 2 ** 40, 200, -200]) pairs.push(...around(1, 10).map((a): [number, number] => [a, b]));
    await expectGpuMatchesCpu('powF32(a, b)', powF32, pairs);
  });
});

/**
 * Counter-based, stateless randomness: `u32 = hash(seed, stream, index, counter)`.
 *
 * Integer operations only (xor, shift, wrapping multiply), so the WGSL kernels and the CPU
 * reference draw bit-identical numbers. The WGSL and TypeScript versions sit side by side
 * here; change one, change both (test/gpu/rng.test.ts checks they agree).
 *
 * Streams keep independent uses apart: initial values, connectivity, noise, Poisson sources.
 */

/** Stream ids. A draw's stream is `(base << 16) | sub` so uses never collide. */
export const Stream = {
  init: 1,
  connect: 2,
  noise: 3,
  poissonSource: 4,
  poissonInput: 5,
  weight: 6,
  delay: 7,
  param: 8,
  /** How a fixed total of synapses splits into rows. */
  rowCount: 9,
} as const;

/** Compose a stream id from a base stream and a sub-index (< 65536). */
export function streamId(base: number, sub = 0): number {
  return ((base << 16) | (sub & 0xffff)) >>> 0;
}

/** lowbias32 (C. Wellons): a fast, well-mixing 32-bit bijection. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The hash every random draw in spikegpu goes through. All arguments are u32. */
export function hash4(seed: number, stream: number, index: number, counter: number): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ stream) >>> 0);
  h = mix32((h + index) >>> 0);
  return mix32((h ^ counter) >>> 0);
}

/** u32 → uniform f32 in [0, 1): 24 bits, exactly representable in f32. */
export function unitFloat24(u: number): number {
  return (u >>> 8) * 5.9604644775390625e-8;
}

/**
 * Approximately standard normal from six hashes (Irwin–Hall, 12 uniform u16 halves).
 * Integer sum then one exact conversion, so GPU and CPU agree bit for bit; tails end at ±6 sd.
 */
export function normalFromHashes(seed: number, stream: number, index: number, counter: number): number {
  let sum = 0;
  for (let j = 0; j < 6; j++) {
    const u = hash4(seed, (stream + j) >>> 0, index, counter);
    sum += (u & 0xffff) + (u >>> 16);
  }
  // mean 12 * 32767.5 = 393210, sd = 65536 (to 1 part in 2^32); scaling by 2^-16 is exact.
  return Math.fround((sum - 393210) * 1.52587890625e-5);
}

/** WGSL versions of the functions above (same names, same integer semantics). */
export const rngWgsl = /* wgsl */ `
fn mix32(x0: u32) -> u32 {
  var x = x0;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}
fn hash4(seed: u32, stream: u32, index: u32, counter: u32) -> u32 {
  var h = mix32(seed ^ 0x9e3779b9u);
  h = mix32(h ^ stream);
  h = mix32(h + index);
  return mix32(h ^ counter);
}
fn unitFloat24(u: u32) -> f32 {
  return f32(u >> 8u) * 5.9604644775390625e-8;
}
fn normalFromHashes(seed: u32, stream: u32, index: u32, counter: u32) -> f32 {
  var sum = 0u;
  for (var j = 0u; j < 6u; j++) {
    let u = hash4(seed, stream + j, index, counter);
    sum += (u & 0xffffu) + (u >> 16u);
  }
  return (f32(sum) - 393210.0) * 1.52587890625e-5;
}
`;

/**
 * Sequential host-side generator over one (seed, stream, index): the counter advances per draw.
 * Used by the build step (connectivity, initial values), never inside a tick.
 */
export class CounterRng {
  private counter = 0;
  /** hash4's first three rounds, which depend on (seed, stream, index) only. */
  private readonly key: number;
  constructor(seed: number, stream: number, index = 0) {
    let h = mix32((seed ^ 0x9e3779b9) >>> 0);
    h = mix32((h ^ stream) >>> 0);
    this.key = mix32((h + index) >>> 0);
  }

  /** Next u32: `hash4(seed, stream, index, counter)`, the counter advancing. */
  nextU32(): number {
    return mix32((this.key ^ (this.counter++ >>> 0)) >>> 0);
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) (n ≤ 2^32), unbiased for practical n via 53-bit floats. */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller on doubles; host-only, so transcendental precision is moot). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

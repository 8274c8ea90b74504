/**
 * f32 on the CPU, as a GPU computes it: every CPU twin rounds each operation with `f32`, and
 * WGSL gets its constants as exact bits.
 */

/** f32 rounding: every CPU float op goes through it, as a GPU would round. */
export const f32 = Math.fround;

/** An f32 constant as WGSL, bit-exact whatever its decimal expansion. */
export function f32Literal(x: number): string {
  const bits = new Uint32Array(Float32Array.of(x).buffer)[0];
  return `bitcast<f32>(0x${bits.toString(16)}u)`;
}

/** The smallest normal f32. */
export const MIN_NORMAL_F32 = 2 ** -126;
/** The largest finite f32. */
export const MAX_F32 = f32(3.4028234663852886e38);

/**
 * Poisson count tables for `poissonInput`: entry k = ⌊P(X ≤ k) · 2^32⌋ for X ~ Poisson(λ).
 * The kernel draws u32 u and returns the first k with u < entry k (binary search): exact
 * integer sampling, identical on GPU and CPU, for any λ (no normal approximation).
 */
/** Mean events per tick of a Poisson input: `count` sources at `rateHz` each, a tick of `dtMs`. */
export const poissonInputLambda = (count: number, rateHz: number, dtMs: number): number => (count * rateHz * dtMs) / 1000;

/** Largest mean events per tick of one Poisson input: its table is ≈ λ words (4 MB here). */
export const MAX_POISSON_LAMBDA = 1e6;

/** The largest count a table for λ tabulates: far enough in the tail that the CDF is 2^32 in u32. */
export const poissonTableMaxK = (lambda: number): number => Math.ceil(lambda + 12 * Math.sqrt(lambda) + 20);

export function poissonCdfTable(lambda: number): Uint32Array {
  const out: number[] = [];
  if (lambda <= 0) return Uint32Array.of(0xffffffff);
  // Work in log space so large λ does not underflow exp(−λ).
  let logP = -lambda;
  let cdf = 0;
  const kMax = poissonTableMaxK(lambda);
  for (let k = 0; k <= kMax; k++) {
    if (k > 0) logP += Math.log(lambda / k);
    cdf += Math.exp(logP);
    const entry = Math.min(0xffffffff, Math.floor(cdf * 4294967296));
    out.push(entry);
    if (entry === 0xffffffff) break;
  }
  out[out.length - 1] = 0xffffffff;
  return Uint32Array.from(out);
}

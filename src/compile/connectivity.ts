/**
 * Connect rules → parallel arrays of (pre, post) local indices, seeded.
 * Defaults: `allowSelf` true (self-connections allowed unless the projection says
 * `allowSelf: false`; it only matters when pre and post are the same population),
 * `allowMultiple` true for the fixed-count rules (as NEST), which `false` turns off.
 */
import type { CounterRng } from '../rng/counterHash.ts';
import type { ConnectSpec } from '../netspec/types.ts';

export interface Pairs {
  pre: Uint32Array;
  post: Uint32Array;
}

/** A growable u32 pair list (networks can have 10^8 synapses: no JS arrays of objects). */
class PairBuffer {
  pre = new Uint32Array(1024);
  post = new Uint32Array(1024);
  length = 0;
  push(i: number, j: number): void {
    if (this.length === this.pre.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.pre = grow(this.pre);
      this.post = grow(this.post);
    }
    this.pre[this.length] = i;
    this.post[this.length++] = j;
  }
  done(): Pairs {
    return { pre: this.pre.slice(0, this.length), post: this.post.slice(0, this.length) };
  }
}

/** k distinct (or not) draws from [0, n), skipping `exclude` (−1 for none). */
function draw(k: number, n: number, exclude: number, multiple: boolean, rng: CounterRng, out: (x: number) => void): void {
  const available = n - (exclude >= 0 ? 1 : 0);
  if (!multiple && k > available) throw new Error(`cannot draw ${k} distinct partners from ${available}`);
  if (available <= 0 && k > 0) throw new Error('no partner available (allowSelf is false and the population has one neuron)');
  const seen = multiple ? null : new Set<number>();
  for (let c = 0; c < k;) {
    const x = rng.below(n);
    if (x === exclude || seen?.has(x)) continue;
    seen?.add(x);
    out(x);
    c++;
  }
}

export function connect(rule: ConnectSpec, nPre: number, nPost: number, samePopulation: boolean, rng: CounterRng): Pairs {
  const out = new PairBuffer();
  const allowSelf = !samePopulation || !('allowSelf' in rule) || rule.allowSelf !== false;
  const multiple = !('allowMultiple' in rule) || rule.allowMultiple !== false;
  switch (rule.rule) {
    case 'allToAll':
      for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) out.push(i, j);
      break;
    case 'oneToOne':
      for (let i = 0; i < nPre; i++) out.push(i, i);
      break;
    case 'fixedProbability': {
      const p = rule.p;
      if (p <= 0) break;
      // Geometric skipping: O(synapses), not O(pairs).
      const logQ = Math.log1p(-p);
      for (let i = 0; i < nPre; i++) {
        for (let j = -1; ;) {
          j += p >= 1 ? 1 : 1 + Math.floor(Math.log1p(-rng.uniform()) / logQ);
          if (j >= nPost) break;
          if (allowSelf || i !== j) out.push(i, j);
        }
      }
      break;
    }
    case 'fixedInDegree':
      for (let j = 0; j < nPost; j++) draw(rule.k, nPre, allowSelf ? -1 : j, multiple, rng, (i) => out.push(i, j));
      break;
    case 'fixedOutDegree':
      for (let i = 0; i < nPre; i++) draw(rule.k, nPost, allowSelf ? -1 : i, multiple, rng, (j) => out.push(i, j));
      break;
    case 'fixedTotal': {
      const pairs = nPre * nPost - (allowSelf ? 0 : Math.min(nPre, nPost));
      if (rule.n > 0 && pairs === 0) throw new Error('no possible pair');
      if (!multiple && rule.n > pairs) throw new Error(`cannot draw ${rule.n} distinct pairs from ${pairs}`);
      const seen = multiple ? null : new Set<number>();
      for (let c = 0; c < rule.n;) {
        const i = rng.below(nPre),
          j = rng.below(nPost);
        if (!allowSelf && i === j) continue;
        if (seen) {
          const key = i * nPost + j;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push(i, j);
        c++;
      }
      break;
    }
    case 'list':
      for (let s = 0; s < rule.pre.length; s++) out.push(rule.pre[s], rule.post[s]);
      break;
  }
  return out.done();
}

/**
 * Connect rules → (pre, post) local indices, seeded.
 * Defaults: `allowSelf` true (self-connections allowed unless the projection says
 * `allowSelf: false`; it only matters when pre and post are the same population),
 * `allowMultiple` true for the fixed-count rules (as NEST), which `false` turns off.
 *
 * Networks can have 10^8 synapses: the build keeps pairs as u32 arrays sized up front, one side
 * run-length encoded where the rule generates it in order (`connectRuns`), and `connect`
 * expands them into plain parallel arrays.
 *
 * Rules with multapses (the fixed-count rules with `allowMultiple`) draw each synapse's
 * partner from its own key (synapseDraws.ts: row x, synapse k), so their rows can also be
 * regenerated one at a time (`keyedRow`: procedural synapses). The others draw in sequence.
 */
import { CounterRng, Stream, streamId } from '../rng/counterHash.ts';
import type { ConnectSpec } from '../netspec/types.ts';
import { drawAt, drawBelow, drawPartner, rowKey } from './synapseDraws.ts';

/** Whose draws: the network's seed and the projection's index. */
export interface DrawKey {
  seed: number;
  projection: number;
}

export interface Pairs {
  pre: Uint32Array;
  post: Uint32Array;
}

/**
 * Synapses in generation order. With `by` set, they come grouped by that side in increasing
 * order: neuron x of it has synapses `start[x] … start[x + 1] − 1`, and only the other side is
 * stored (`pre` is null when `by` is 'pre', `post` when it is 'post'). With `by` null, both are.
 */
export interface PairRuns {
  count: number;
  by: 'pre' | 'post' | null;
  start: Uint32Array | null;
  pre: Uint32Array | null;
  post: Uint32Array | null;
}

/** The errors `k` draws per neuron from [0, n) raise (`exclude`: one id is not allowed). */
function checkDraws(k: number, n: number, exclude: boolean, multiple: boolean): void {
  const available = n - (exclude ? 1 : 0);
  if (!multiple && k > available) throw new Error(`cannot draw ${k} distinct partners from ${available}`);
  if (available <= 0 && k > 0) throw new Error('no partner available (allowSelf is false and the population has one neuron)');
}

/**
 * k draws from [0, n) per neuron x < m, into `out` (k per neuron, in order). With `multiple`,
 * draw c of neuron x is keyed (see keyedPartners); without, each is `rng.below(n)`, rejected
 * when it is x (with `noSelf`) or a repeat for the same neuron (`stamp[v] === x + 1` marks v
 * as drawn for neuron x).
 */
function drawRuns(k: number, n: number, m: number, noSelf: boolean, multiple: boolean, key: DrawKey): Uint32Array {
  if (m > 0) checkDraws(k, n, noSelf, multiple);
  const out = new Uint32Array(k * m);
  let s = 0;
  if (multiple) {
    for (let x = 0; x < m; x++) s = keyedPartners(key, x, k, n, noSelf, out, s);
  } else {
    const rng = new CounterRng(key.seed, streamId(Stream.connect, key.projection));
    const stamp = new Uint32Array(n);
    for (let x = 0; x < m; x++) {
      const exclude = noSelf ? x : -1;
      const mark = x + 1;
      for (let c = 0; c < k;) {
        const v = rng.below(n);
        if (v === exclude || stamp[v] === mark) continue;
        stamp[v] = mark;
        out[s++] = v;
        c++;
      }
    }
  }
  return out;
}

/**
 * The k partners in [0, n) of neuron x, keyed: partner c is drawn from `(seed, projection, x, c)`
 * alone (not x itself with `noSelf`), written to `out` from `at`. Returns the next free index.
 */
export function keyedPartners(key: DrawKey, x: number, k: number, n: number, noSelf: boolean, out: Uint32Array, at: number): number {
  const row = rowKey(key.seed, streamId(Stream.connect, key.projection), x);
  const exclude = noSelf ? x : -1;
  for (let c = 0; c < k; c++) out[at++] = drawPartner(drawAt(row, c), n, exclude);
  return at;
}

/**
 * A fixed total split into rows (multinomial): each of the n synapses picks its row x < m by a
 * keyed draw. The counts need O(m) memory whatever n is.
 */
export function keyedRowCounts(key: DrawKey, n: number, m: number): Uint32Array {
  const counts = new Uint32Array(m);
  const row = rowKey(key.seed, streamId(Stream.rowCount, key.projection), 0);
  for (let c = 0; c < n; c++) counts[drawBelow(drawAt(row, c), m)]++;
  return counts;
}

/** start[x] = x · k for x ≤ m. */
function uniformStarts(m: number, k: number): Uint32Array {
  const start = new Uint32Array(m + 1);
  for (let x = 0; x <= m; x++) start[x] = x * k;
  return start;
}

/** A u32 list sized to an estimate, growing by half when the estimate falls short. */
class U32List {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  grow(): void {
    const b = new Uint32Array(Math.ceil(this.data.length * 1.5));
    b.set(this.data);
    this.data = b;
  }
  /** The items (a view; copied when the estimate was far too large). */
  done(): Uint32Array {
    return this.length < this.data.length * 0.9 ? this.data.slice(0, this.length) : this.data.subarray(0, this.length);
  }
}

/** Distinct-pair membership over keys i · nPost + j: a bitset when the key range is small, else an open-addressing hash. */
class PairSet {
  private readonly bits: Uint32Array | null = null;
  private readonly keys: Float64Array | null = null;
  private readonly mask: number = 0;
  constructor(total: number, count: number) {
    if (total <= 2 ** 32 && total <= Math.max(2 ** 26, 64 * count)) this.bits = new Uint32Array(Math.ceil(total / 32));
    else {
      const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, 2 * count)));
      this.keys = new Float64Array(capacity).fill(-1);
      this.mask = capacity - 1;
    }
  }
  /** Adds (i, j); false when it was there already. */
  add(i: number, j: number, nPost: number): boolean {
    const key = i * nPost + j;
    if (this.bits) {
      const w = key >>> 5,
        b = 1 << (key & 31);
      if (this.bits[w] & b) return false;
      this.bits[w] |= b;
      return true;
    }
    const keys = this.keys!;
    for (let h = (Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca6b)) & this.mask; ; h = (h + 1) & this.mask) {
      if (keys[h] === key) return false;
      if (keys[h] === -1) {
        keys[h] = key;
        return true;
      }
    }
  }
}

/**
 * The synapses of a connect rule, in generation order (see PairRuns).
 * @throws Error when the rule cannot be satisfied (too many distinct partners).
 */
export function connectRuns(rule: ConnectSpec, nPre: number, nPost: number, samePopulation: boolean, key: DrawKey): PairRuns {
  const allowSelf = !samePopulation || !('allowSelf' in rule) || rule.allowSelf !== false;
  const multiple = !('allowMultiple' in rule) || rule.allowMultiple !== false;
  switch (rule.rule) {
    case 'allToAll': {
      const start = new Uint32Array(nPre + 1);
      for (let i = 0; i < nPre; i++) start[i + 1] = start[i] + nPost - (allowSelf || i >= nPost ? 0 : 1);
      const count = start[nPre];
      const post = new Uint32Array(count);
      let s = 0;
      for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) post[s++] = j;
      return { count, by: 'pre', start, pre: null, post };
    }
    case 'oneToOne': {
      const post = new Uint32Array(nPre);
      for (let i = 0; i < nPre; i++) post[i] = i;
      return { count: nPre, by: 'pre', start: uniformStarts(nPre, 1), pre: null, post };
    }
    case 'fixedProbability': {
      const p = rule.p;
      const start = new Uint32Array(nPre + 1);
      if (p <= 0) return { count: 0, by: 'pre', start, pre: null, post: new Uint32Array(0) };
      // Geometric skipping: O(synapses), not O(pairs). Sized to the mean + 8 sd.
      const mean = Math.min(1, p) * nPre * nPost;
      const list = new U32List(Math.min(nPre * nPost, Math.ceil(mean + 8 * Math.sqrt(mean) + 1024)));
      const logQ = Math.log1p(-p);
      const rng = new CounterRng(key.seed, streamId(Stream.connect, key.projection));
      let data = list.data,
        s = 0;
      for (let i = 0; i < nPre; i++) {
        for (let j = -1; ;) {
          j += p >= 1 ? 1 : 1 + Math.floor(Math.log1p(-rng.uniform()) / logQ);
          if (j >= nPost) break;
          if (allowSelf || i !== j) {
            if (s === data.length) {
              list.length = s;
              list.grow();
              data = list.data;
            }
            data[s++] = j;
          }
        }
        start[i + 1] = s;
      }
      list.length = s;
      return { count: s, by: 'pre', start, pre: null, post: list.done() };
    }
    case 'fixedInDegree': {
      const pre = drawRuns(rule.k, nPre, nPost, !allowSelf, multiple, key);
      return { count: pre.length, by: 'post', start: uniformStarts(nPost, rule.k), pre, post: null };
    }
    case 'fixedOutDegree': {
      const post = drawRuns(rule.k, nPost, nPre, !allowSelf, multiple, key);
      return { count: post.length, by: 'pre', start: uniformStarts(nPre, rule.k), pre: null, post };
    }
    case 'fixedTotal': {
      const pairs = nPre * nPost - (allowSelf ? 0 : Math.min(nPre, nPost));
      if (rule.n > 0 && pairs === 0) throw new Error('no possible pair');
      if (!multiple && rule.n > pairs) throw new Error(`cannot draw ${rule.n} distinct pairs from ${pairs}`);
      if (multiple) {
        // Rows from a multinomial split, then each row's partners keyed: O(n + nPre) memory.
        const counts = keyedRowCounts(key, rule.n, nPre);
        const start = new Uint32Array(nPre + 1);
        for (let i = 0; i < nPre; i++) start[i + 1] = start[i] + counts[i];
        const post = new Uint32Array(rule.n);
        for (let i = 0; i < nPre; i++) keyedPartners(key, i, counts[i], nPost, !allowSelf, post, start[i]);
        return { count: rule.n, by: 'pre', start, pre: null, post };
      }
      const rng = new CounterRng(key.seed, streamId(Stream.connect, key.projection));
      const seen = multiple ? null : new PairSet(nPre * nPost, rule.n);
      const pre = new Uint32Array(rule.n),
        post = new Uint32Array(rule.n);
      for (let c = 0; c < rule.n;) {
        const i = rng.below(nPre),
          j = rng.below(nPost);
        if (!allowSelf && i === j) continue;
        if (seen && !seen.add(i, j, nPost)) continue;
        pre[c] = i;
        post[c] = j;
        c++;
      }
      return { count: rule.n, by: null, start: null, pre, post };
    }
    case 'list': {
      const n = rule.pre.length;
      const pre = new Uint32Array(n),
        post = new Uint32Array(n);
      for (let s = 0; s < n; s++) {
        pre[s] = rule.pre[s];
        post[s] = rule.post[s];
      }
      return { count: n, by: null, start: null, pre, post };
    }
  }
}

/** Plain parallel arrays of the synapses of a PairRuns, in generation order. */
export function expandRuns(r: PairRuns): Pairs {
  if (r.by === null) return { pre: r.pre!, post: r.post! };
  const grouped = new Uint32Array(r.count);
  const start = r.start!;
  for (let x = 0; x + 1 < start.length; x++) grouped.fill(x, start[x], start[x + 1]);
  return r.by === 'pre' ? { pre: grouped, post: r.post! } : { pre: r.pre!, post: grouped };
}

export function connect(rule: ConnectSpec, nPre: number, nPost: number, samePopulation: boolean, key: DrawKey): Pairs {
  return expandRuns(connectRuns(rule, nPre, nPost, samePopulation, key));
}

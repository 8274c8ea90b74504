import { describe, expect, it } from 'vitest';
import { connect, type Pairs } from '../../src/compile/connectivity.ts';
import type { ConnectSpec } from '../../src/netspec/types.ts';

const rng = (seed = 1, projection = 0) => ({ seed, projection });

function inDegrees(p: Pairs, nPost: number): number[] {
  const d = new Array<number>(nPost).fill(0);
  for (const j of p.post) d[j]++;
  return d;
}

function outDegrees(p: Pairs, nPre: number): number[] {
  const d = new Array<number>(nPre).fill(0);
  for (const i of p.pre) d[i]++;
  return d;
}

function pairKeys(p: Pairs, nPost: number): number[] {
  return Array.from(p.pre, (i, s) => i * nPost + p.post[s]);
}

function selfPairs(p: Pairs): number {
  let n = 0;
  for (let s = 0; s < p.pre.length; s++) if (p.pre[s] === p.post[s]) n++;
  return n;
}

function inRange(p: Pairs, nPre: number, nPost: number): boolean {
  return p.pre.every((i) => i < nPre) && p.post.every((j) => j < nPost) && p.pre.length === p.post.length;
}

describe('allToAll', () => {
  it('connects every pair once, pre-major', () => {
    const p = connect({ rule: 'allToAll' }, 7, 5, false, rng());
    expect(p.pre.length).toBe(35);
    expect(new Set(pairKeys(p, 5)).size).toBe(35);
    expect(Array.from(p.pre.slice(0, 6))).toEqual([0, 0, 0, 0, 0, 1]);
    expect(Array.from(p.post.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 0]);
  });

  it('drops the diagonal with allowSelf: false on the same population only', () => {
    const self = connect({ rule: 'allToAll', allowSelf: false }, 6, 6, true, rng());
    expect(self.pre.length).toBe(30);
    expect(selfPairs(self)).toBe(0);
    expect(new Set(pairKeys(self, 6)).size).toBe(30);
    // default: self-connections allowed
    const dflt = connect({ rule: 'allToAll' }, 6, 6, true, rng());
    expect(dflt.pre.length).toBe(36);
    expect(selfPairs(dflt)).toBe(6);
    // two populations: i == j are different neurons, allowSelf is moot
    const other = connect({ rule: 'allToAll', allowSelf: false }, 6, 6, false, rng());
    expect(other.pre.length).toBe(36);
  });
});

describe('oneToOne', () => {
  it('pairs i with i', () => {
    const p = connect({ rule: 'oneToOne' }, 8, 8, false, rng());
    expect(Array.from(p.pre)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(p.post)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('fixedProbability', () => {
  it('has a binomial number of distinct synapses (within 4 sd)', () => {
    const nPre = 200,
      nPost = 300,
      prob = 0.05;
    for (const seed of [1, 2, 3]) {
      const p = connect({ rule: 'fixedProbability', p: prob }, nPre, nPost, false, rng(seed));
      const mean = nPre * nPost * prob,
        sd = Math.sqrt(nPre * nPost * prob * (1 - prob));
      expect(Math.abs(p.pre.length - mean)).toBeLessThan(4 * sd);
      expect(inRange(p, nPre, nPost)).toBe(true);
      expect(new Set(pairKeys(p, nPost)).size).toBe(p.pre.length);
      // targets are uniform over post: mean index ≈ (nPost − 1) / 2
      const meanPost = p.post.reduce((a, j) => a + j, 0) / p.post.length;
      const sdMean = Math.sqrt((nPost * nPost - 1) / 12 / p.post.length);
      expect(Math.abs(meanPost - (nPost - 1) / 2)).toBeLessThan(4 * sdMean);
      // out-degrees are Binomial(nPost, p): their variance ≈ nPost·p·(1 − p)
      const out = outDegrees(p, nPre);
      const m = out.reduce((a, x) => a + x, 0) / nPre;
      const v = out.reduce((a, x) => a + (x - m) ** 2, 0) / (nPre - 1);
      expect(v / (nPost * prob * (1 - prob))).toBeGreaterThan(0.7);
      expect(v / (nPost * prob * (1 - prob))).toBeLessThan(1.3);
    }
  });

  it('excludes self-connections with allowSelf: false', () => {
    const n = 300,
      prob = 0.1;
    const p = connect({ rule: 'fixedProbability', p: prob, allowSelf: false }, n, n, true, rng(4));
    expect(selfPairs(p)).toBe(0);
    const mean = n * (n - 1) * prob,
      sd = Math.sqrt(n * (n - 1) * prob * (1 - prob));
    expect(Math.abs(p.pre.length - mean)).toBeLessThan(4 * sd);
    // with self allowed, about n·p of them are on the diagonal
    const withSelf = connect({ rule: 'fixedProbability', p: prob }, n, n, true, rng(4));
    const diag = selfPairs(withSelf);
    expect(Math.abs(diag - n * prob)).toBeLessThan(4 * Math.sqrt(n * prob * (1 - prob)));
  });

  it('p = 1 is allToAll and p = 0 is empty', () => {
    expect(connect({ rule: 'fixedProbability', p: 1 }, 9, 11, false, rng()).pre.length).toBe(99);
    expect(connect({ rule: 'fixedProbability', p: 1, allowSelf: false }, 9, 9, true, rng()).pre.length).toBe(72);
    expect(connect({ rule: 'fixedProbability', p: 0 }, 9, 11, false, rng()).pre.length).toBe(0);
  });
});

describe('fixedInDegree', () => {
  it('gives every target exactly k inputs', () => {
    const p = connect({ rule: 'fixedInDegree', k: 20 }, 50, 30, false, rng());
    expect(p.pre.length).toBe(600);
    expect(inDegrees(p, 30)).toEqual(new Array(30).fill(20));
    expect(inRange(p, 50, 30)).toBe(true);
  });

  it('draws distinct sources with allowMultiple: false, and no self with allowSelf: false', () => {
    const n = 40,
      k = 39;
    const p = connect({ rule: 'fixedInDegree', k, allowMultiple: false, allowSelf: false }, n, n, true, rng(5));
    expect(inDegrees(p, n)).toEqual(new Array(n).fill(k));
    expect(selfPairs(p)).toBe(0);
    expect(new Set(pairKeys(p, n)).size).toBe(n * k); // k = n − 1: every other neuron exactly once
    const q = connect({ rule: 'fixedInDegree', k: 15, allowMultiple: false }, 20, 50, false, rng(6));
    expect(new Set(pairKeys(q, 50)).size).toBe(15 * 50);
  });

  it('allows repeated sources by default (k may exceed the pre size)', () => {
    const p = connect({ rule: 'fixedInDegree', k: 80 }, 50, 10, false, rng());
    expect(inDegrees(p, 10)).toEqual(new Array(10).fill(80));
    expect(new Set(pairKeys(p, 10)).size).toBeLessThan(800);
  });

  it('draws sources uniformly', () => {
    const nPre = 20,
      nPost = 500,
      k = 40;
    const out = outDegrees(connect({ rule: 'fixedInDegree', k }, nPre, nPost, false, rng(8)), nPre);
    const expected = (nPost * k) / nPre; // 1000 per source
    const chi2 = out.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(50); // 19 degrees of freedom: P(χ² > 50) < 2e-4
  });

  it('refuses more distinct sources than exist', () => {
    expect(() => connect({ rule: 'fixedInDegree', k: 5, allowMultiple: false, allowSelf: false }, 5, 5, true, rng())).toThrow(
      'cannot draw 5 distinct partners from 4',
    );
  });
});

describe('fixedOutDegree', () => {
  it('gives every source exactly k targets', () => {
    const p = connect({ rule: 'fixedOutDegree', k: 12 }, 25, 40, false, rng());
    expect(p.pre.length).toBe(300);
    expect(outDegrees(p, 25)).toEqual(new Array(25).fill(12));
    expect(inRange(p, 25, 40)).toBe(true);
  });

  it('distinct targets and no self with allowMultiple / allowSelf false', () => {
    const p = connect({ rule: 'fixedOutDegree', k: 29, allowMultiple: false, allowSelf: false }, 30, 30, true, rng(9));
    expect(outDegrees(p, 30)).toEqual(new Array(30).fill(29));
    expect(selfPairs(p)).toBe(0);
    expect(new Set(pairKeys(p, 30)).size).toBe(30 * 29);
  });
});

describe('fixedTotal', () => {
  it('makes exactly n synapses', () => {
    const p = connect({ rule: 'fixedTotal', n: 500 }, 30, 20, false, rng());
    expect(p.pre.length).toBe(500);
    expect(inRange(p, 30, 20)).toBe(true);
  });

  it('distinct pairs and no self with allowMultiple / allowSelf false', () => {
    const n = 25;
    const p = connect({ rule: 'fixedTotal', n: 550, allowMultiple: false, allowSelf: false }, n, n, true, rng(10));
    expect(p.pre.length).toBe(550);
    expect(selfPairs(p)).toBe(0);
    expect(new Set(pairKeys(p, n)).size).toBe(550);
    const all = connect({ rule: 'fixedTotal', n: 12, allowMultiple: false }, 3, 4, false, rng(11));
    expect(new Set(pairKeys(all, 4)).size).toBe(12); // every pair, once
  });
});

describe('list', () => {
  it('returns exactly the listed pairs, in order, duplicates kept', () => {
    const p = connect({ rule: 'list', pre: [3, 0, 3, 1], post: [2, 2, 2, 0] }, 4, 3, false, rng());
    expect(Array.from(p.pre)).toEqual([3, 0, 3, 1]);
    expect(Array.from(p.post)).toEqual([2, 2, 2, 0]);
  });

  it('grows past its initial buffer', () => {
    const n = 5000;
    const pre = Array.from({ length: n }, (_, i) => i % 97),
      post = Array.from({ length: n }, (_, i) => (i * 7) % 89);
    const p = connect({ rule: 'list', pre, post }, 97, 89, false, rng());
    expect(Array.from(p.pre)).toEqual(pre);
    expect(Array.from(p.post)).toEqual(post);
  });
});

describe('seeding', () => {
  const rules: ConnectSpec[] = [
    { rule: 'fixedProbability', p: 0.1 },
    { rule: 'fixedInDegree', k: 10 },
    { rule: 'fixedOutDegree', k: 10, allowMultiple: false },
    { rule: 'fixedTotal', n: 300 },
  ];
  it.each(rules)('$rule: same seed identical, different seed or stream different', (rule) => {
    const a = connect(rule, 60, 50, false, rng(1));
    const b = connect(rule, 60, 50, false, rng(1));
    expect(a.pre).toEqual(b.pre);
    expect(a.post).toEqual(b.post);
    const c = connect(rule, 60, 50, false, rng(2));
    const d = connect(rule, 60, 50, false, rng(1, 1));
    for (const other of [c, d]) {
      const same = other.pre.length === a.pre.length && other.pre.every((x, s) => x === a.pre[s]) && other.post.every((x, s) => x === a.post[s]);
      expect(same).toBe(false);
    }
  });
});

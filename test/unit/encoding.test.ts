/**
 * Encoders (src/encoding): each against its definition with exact numbers, the DVS readers on
 * hand-built CSV and .npy bytes, and, where Debian's python3-numpy is installed, on a
 * tonic-style event array that NumPy itself saved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dvsChannel,
  dvsToSpikes,
  greyFromRgba,
  greyImage,
  imageToLatency,
  imageToRankOrder,
  imageToRates,
  latencyCode,
  parseDvsCsv,
  parseDvsNpy,
  populationCode,
  populationCodeVector,
  rankOrderCode,
  rateCode,
} from '../../src/encoding/index.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import type { PopulationSpec } from '../../src/netspec/types.ts';

/** A one-population spec, to check that an encoder's output is what the spec takes. */
const specWith = (pop: PopulationSpec) => ({ version: 1, dt: 0.1, populations: { In: pop } });

describe('rateCode', () => {
  it('is linear from 0 Hz at min to maxRateHz at max', () => {
    expect(rateCode([0, 0.5, 1], { maxRateHz: 100 })).toEqual([0, 50, 100]);
    expect(rateCode([10, 15, 20, 12.5], { maxRateHz: 40, min: 10, max: 20 })).toEqual([0, 20, 40, 10]);
  });

  it('clips intensities outside [min, max]', () => {
    expect(rateCode([-1, 2, -1e300, 1e300], { maxRateHz: 80 })).toEqual([0, 80, 0, 80]);
    expect(rateCode([5, 30], { maxRateHz: 40, min: 10, max: 20 })).toEqual([0, 40]);
  });

  it('returns a plain array that a poisson population takes as params.rate', () => {
    const rates = rateCode(new Float32Array([0.25, 0.75]), { maxRateHz: 20 });
    expect(Array.isArray(rates)).toBe(true);
    expect(rates).toEqual([5, 15]);
    expect(() => validateSpec(specWith({ model: 'poisson', size: 2, params: { rate: rates } }))).not.toThrow();
  });

  it('refuses bad options and non-finite intensities, naming them', () => {
    expect(() => rateCode([0], { maxRateHz: -1 })).toThrow(new RangeError('rateCode: maxRateHz must be ≥ 0, got -1'));
    expect(() => rateCode([0], { maxRateHz: NaN })).toThrow('rateCode: maxRateHz must be a finite number, got NaN');
    expect(() => rateCode([0, NaN], { maxRateHz: 1 })).toThrow('rateCode: intensities[1] must be a finite number, got NaN');
    expect(() => rateCode([Infinity], { maxRateHz: 1 })).toThrow('intensities[0]');
    expect(() => rateCode([0], { maxRateHz: 1, min: 1, max: 1 })).toThrow('rateCode: max must be > min, got min 1 and max 1');
    expect(() => rateCode([0], { maxRateHz: 1, max: -1 })).toThrow(RangeError);
  });
});

describe('latencyCode, linear', () => {
  it('puts input x̂ at tMaxMs · (1 − x̂), exactly', () => {
    expect(latencyCode([1, 0.75, 0.5, 0.25], { tMaxMs: 20 })).toEqual({ times: [0, 5, 10, 15], ids: [0, 1, 2, 3] });
    expect(latencyCode([0, 128, 255], { tMaxMs: 50, min: 0, max: 255 })).toEqual({ times: [50 * (1 - 128 / 255), 0], ids: [1, 2] });
  });

  it('silences inputs at or below the threshold (default 0) and clips above max', () => {
    expect(latencyCode([0, -3, 0.5, 2], { tMaxMs: 10 })).toEqual({ times: [5, 0], ids: [2, 3] });
    expect(latencyCode([0.5, 0.625, 0.4], { tMaxMs: 8, threshold: 0.5 })).toEqual({ times: [3], ids: [1] });
  });

  it('is monotone decreasing in intensity and stays within [0, tMaxMs]', () => {
    const x = Array.from({ length: 101 }, (_, i) => i / 100);
    const { times, ids } = latencyCode(x, { tMaxMs: 7 });
    expect(ids).toEqual(x.slice(1).map((_, i) => i + 1));
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeLessThan(times[k - 1]);
    expect(Math.min(...times)).toBe(0);
    expect(Math.max(...times)).toBeLessThanOrEqual(7);
  });

  it('gives a spikeSource population that validateSpec accepts', () => {
    const { times, ids } = latencyCode([0.9, 0, 0.1], { tMaxMs: 30 });
    expect(() => validateSpec(specWith({ model: 'spikeSource', size: 3, times, ids }))).not.toThrow();
  });
});

describe('latencyCode, log (snnTorch spikegen.latency)', () => {
  it('puts input x̂ at τ · ln(x̂ / (x̂ − θ))', () => {
    const { times, ids } = latencyCode([1, 0.75, 0.5, 0.25], { tMaxMs: 100, mode: 'log', threshold: 0.5, tauMs: 10 });
    expect(ids).toEqual([0, 1]);
    expect(times[0]).toBeCloseTo(6.931471805599453, 12); // 10 ln 2
    expect(times[1]).toBeCloseTo(10.986122886681098, 12); // 10 ln 3
  });

  it('defaults to θ = 0.01 and τ = tMaxMs / ln(1/θ)', () => {
    const { times, ids } = latencyCode([1, 0.5, 0.01, 0], { tMaxMs: 100, mode: 'log' });
    expect(ids).toEqual([0, 1]);
    expect(times[0]).toBeCloseTo(0.21824027012250563, 12); // 100 ln(1/0.99) / ln 100
    expect(times[1]).toBeCloseTo(0.4386962153752576, 12); // 100 ln(0.5/0.49) / ln 100
    // x̂ = θ / (1 − θ) lands on tMaxMs; weaker inputs above θ would spike later and are dropped.
    const edge = latencyCode([0.01 / 0.99 + 1e-12, 0.0100005], { tMaxMs: 100, mode: 'log' });
    expect(edge.ids).toEqual([0]);
    expect(edge.times[0]).toBeCloseTo(100, 6);
    expect(edge.times[0]).toBeLessThanOrEqual(100);
  });

  it('drops spikes after tMaxMs when τ is given', () => {
    // 10 ln(0.6 / 0.1) = 17.9 ms > 15 ms; 10 ln(1 / 0.5) = 6.9 ms.
    expect(latencyCode([0.6, 1], { tMaxMs: 15, mode: 'log', threshold: 0.5, tauMs: 10 }).ids).toEqual([1]);
  });

  it('is monotone decreasing in intensity', () => {
    const x = Array.from({ length: 99 }, (_, i) => 0.02 + i / 100);
    const { times, ids } = latencyCode(x, { tMaxMs: 40, mode: 'log' });
    expect(ids.length).toBe(99);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeLessThan(times[k - 1]);
    expect(Math.max(...times)).toBeLessThanOrEqual(40);
  });

  it('refuses bad options', () => {
    expect(() => latencyCode([1], { tMaxMs: 0 })).toThrow('latencyCode: tMaxMs must be > 0, got 0');
    expect(() => latencyCode([1], { tMaxMs: -5 })).toThrow(RangeError);
    expect(() => latencyCode([1], { tMaxMs: 10, mode: 'exp' as 'log' })).toThrow(`latencyCode: mode must be 'linear' or 'log', got "exp"`);
    expect(() => latencyCode([1], { tMaxMs: 10, mode: 'log', threshold: 0 })).toThrow('latencyCode: threshold must be > 0, got 0');
    expect(() => latencyCode([1], { tMaxMs: 10, mode: 'log', threshold: 1 })).toThrow('threshold must be < 1');
    expect(() => latencyCode([1], { tMaxMs: 10, threshold: 1 })).toThrow('threshold must be < 1');
    expect(() => latencyCode([1], { tMaxMs: 10, mode: 'log', tauMs: 0 })).toThrow('latencyCode: tauMs must be > 0, got 0');
    expect(() => latencyCode([1], { tMaxMs: 10, tauMs: 1 })).toThrow("tauMs applies to mode 'log' only");
    expect(() => latencyCode([NaN], { tMaxMs: 10 })).toThrow('latencyCode: intensities[0] must be a finite number, got NaN');
  });
});

describe('rankOrderCode', () => {
  it('spikes strongest first, the k-th at startMs + k · intervalMs, zeros silent', () => {
    expect(rankOrderCode([0.2, 0.9, 0, 0.5], { intervalMs: 1 })).toEqual({ times: [0, 1, 2], ids: [1, 3, 0] });
    expect(rankOrderCode([3, -1, 7], { intervalMs: 0.25, startMs: 2 })).toEqual({ times: [2, 2.25], ids: [2, 0] });
  });

  it('breaks ties by index', () => {
    expect(rankOrderCode([0.5, 1, 0.5, 1], { intervalMs: 0.5 })).toEqual({ times: [0, 0.5, 1, 1.5], ids: [1, 3, 0, 2] });
  });

  it('applies threshold (strict) and maxSpikes', () => {
    expect(rankOrderCode([0.5, 1, 0.6, 1], { intervalMs: 1, threshold: 0.5 }).ids).toEqual([1, 3, 2]);
    expect(rankOrderCode([0.5, 1, 0.6, 1], { intervalMs: 1, maxSpikes: 2 })).toEqual({ times: [0, 1], ids: [1, 3] });
    expect(rankOrderCode([0.5], { intervalMs: 1, maxSpikes: 0 })).toEqual({ times: [], ids: [] });
  });

  it('refuses bad options', () => {
    expect(() => rankOrderCode([1], { intervalMs: 0 })).toThrow('rankOrderCode: intervalMs must be > 0, got 0');
    expect(() => rankOrderCode([1], { intervalMs: 1, startMs: -1 })).toThrow('rankOrderCode: startMs must be ≥ 0, got -1');
    expect(() => rankOrderCode([1], { intervalMs: 1, maxSpikes: 1.5 })).toThrow('rankOrderCode: maxSpikes must be an integer, got 1.5');
    expect(() => rankOrderCode([1, NaN], { intervalMs: 1 })).toThrow('rankOrderCode: intensities[1] must be a finite number, got NaN');
  });
});

describe('populationCode', () => {
  const opts = { neurons: 5, min: 0, max: 1, maxRateHz: 100 };

  it('has Gaussian receptive fields at evenly spaced centres, σ = spacing by default', () => {
    // Centres 0, 0.25, 0.5, 0.75, 1; value 0.5: (v − c)² / 2σ² = 2, 0.5, 0, 0.5, 2.
    const rates = populationCode(0.5, opts);
    const [far, near] = [100 * Math.exp(-2), 100 * Math.exp(-0.5)];
    expect(rates).toEqual([far, near, 100, near, far]);
    expect(near).toBeCloseTo(60.653065971263345, 12);
    expect(far).toBeCloseTo(13.53352832366127, 12);
  });

  it('peaks at the centre nearest the value', () => {
    const argmax = (r: number[]) => r.indexOf(Math.max(...r));
    expect(argmax(populationCode(0.6, opts))).toBe(2);
    expect(argmax(populationCode(0.65, opts))).toBe(3);
    expect(argmax(populationCode(-0.3, opts))).toBe(0);
    expect(argmax(populationCode(0.1, opts))).toBe(0);
  });

  it('gives neighbour ratios exp(−Δ² / 2σ²) for a value on a centre', () => {
    const rates = populationCode(0.25, { ...opts, sigma: 0.1 });
    expect(rates[1]).toBe(100);
    expect(rates[0] / rates[1]).toBeCloseTo(Math.exp(-(0.25 ** 2) / (2 * 0.1 ** 2)), 14);
    expect(rates[2] / rates[1]).toBeCloseTo(Math.exp(-3.125), 14);
    const wide = populationCode(0.75, opts);
    expect(wide[2] / wide[3]).toBeCloseTo(Math.exp(-0.5), 14);
  });

  it('encodes several values as consecutive blocks', () => {
    const rates = populationCodeVector([0, 1], { neurons: 3, min: 0, max: 1, maxRateHz: 10 });
    expect(rates).toEqual([10, 10 * Math.exp(-0.5), 10 * Math.exp(-2), 10 * Math.exp(-2), 10 * Math.exp(-0.5), 10]);
    expect(() => validateSpec(specWith({ model: 'poisson', size: 6, params: { rate: rates } }))).not.toThrow();
  });

  it('refuses bad options', () => {
    expect(() => populationCode(0, { ...opts, neurons: 1 })).toThrow('populationCode: neurons must be ≥ 2, got 1');
    expect(() => populationCode(0, { ...opts, neurons: 2.5 })).toThrow('populationCode: neurons must be an integer, got 2.5');
    expect(() => populationCode(0, { ...opts, sigma: 0 })).toThrow('populationCode: sigma must be > 0, got 0');
    expect(() => populationCode(0, { ...opts, max: 0 })).toThrow('populationCode: max must be > min');
    expect(() => populationCode(0, { ...opts, maxRateHz: -2 })).toThrow('populationCode: maxRateHz must be ≥ 0, got -2');
    expect(() => populationCode(NaN, opts)).toThrow('populationCode: value must be a finite number, got NaN');
    expect(() => populationCodeVector([0, NaN], opts)).toThrow('populationCodeVector: values[1] must be a finite number, got NaN');
  });
});

describe('images', () => {
  it('greyImage checks and copies 8-bit row-major pixels', () => {
    const pixels = [0, 255, 128, 64, 1, 2];
    const img = greyImage(pixels, 3, 2);
    expect(img).toEqual({ data: Uint8Array.from(pixels), width: 3, height: 2 });
    pixels[0] = 9;
    expect(img.data[0]).toBe(0);
    expect(greyImage(new Uint8ClampedArray([7, 8]), 1, 2).data).toEqual(Uint8Array.of(7, 8));
  });

  it('greyImage refuses a size mismatch and values outside 8 bits', () => {
    expect(() => greyImage([0, 1, 2], 2, 2)).toThrow('greyImage: pixels has 3 values, expected width · height = 2 · 2 = 4');
    expect(() => greyImage([0, 256], 2, 1)).toThrow('greyImage: pixels[1] must be an integer in [0, 255], got 256');
    expect(() => greyImage([0, 1.5], 2, 1)).toThrow('greyImage: pixels[1] must be an integer in [0, 255], got 1.5');
    expect(() => greyImage([0, -1], 2, 1)).toThrow(RangeError);
    expect(() => greyImage([], 0, 1)).toThrow('greyImage: width must be ≥ 1, got 0');
    expect(() => greyImage([0, 0], 2.5, 1)).toThrow('greyImage: width must be an integer, got 2.5');
  });

  it('greyFromRgba weighs R, G, B by 0.299, 0.587, 0.114 and ignores alpha', () => {
    const data = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 17, 10, 20, 30, 255, 255, 255, 255, 0, 1, 1, 1, 255]);
    const img = greyFromRgba({ data, width: 3, height: 2 });
    // 76.245, 149.685, 29.07, 18.15, 255, 1 rounded.
    expect([...img.data]).toEqual([76, 150, 29, 18, 255, 1]);
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(() => greyFromRgba({ data, width: 2, height: 2 })).toThrow('greyFromRgba: data has 24 bytes, expected 4 · width · height = 16 (RGBA)');
  });

  it('rounds luminance halves up', () => {
    // 299 · 128 + 114 · 2 = 38 500, 299 · 187 + 587 · 1 = 56 500, 299 · 5 + 587 · 5 + 114 · 255 = 33 500: exact halves.
    // 299 + 114 · 255 = 29 369: rounds down (a blue weight of 0.115 would give 29.624 → 30).
    const data = new Uint8ClampedArray([128, 0, 2, 255, 187, 1, 0, 255, 5, 5, 255, 255, 1, 0, 255, 255]);
    expect([...greyFromRgba({ data, width: 2, height: 2 }).data]).toEqual([39, 57, 34, 29]);
  });

  it('flattens row-major (id = y · width + x) and normalises 0 … 255', () => {
    const img = greyImage([0, 51, 102, 153, 204, 255], 3, 2);
    expect(imageToRates(img, { maxRateHz: 100 })).toEqual([0, 20, 40, 60, 80, 100]);
    const spot = greyImage([0, 128, 0, 0, 0, 255], 3, 2); // (x 1, y 0) and (x 2, y 1)
    expect(imageToLatency(spot, { tMaxMs: 50 })).toEqual({ times: [50 * (1 - 128 / 255), 0], ids: [1, 5] });
    expect(imageToLatency(spot, { tMaxMs: 50, threshold: 0.6 })).toEqual({ times: [0], ids: [5] });
    expect(imageToRankOrder(greyImage([9, 200, 9, 0, 200, 30], 3, 2), { intervalMs: 1 })).toEqual({ times: [0, 1, 2, 3, 4], ids: [1, 4, 5, 0, 2] });
    expect(imageToRankOrder(greyImage([9, 200, 9, 0, 200, 30], 3, 2), { intervalMs: 1, threshold: 9 }).ids).toEqual([1, 4, 5]);
  });

  it('refuses something that is not a GreyImage', () => {
    expect(() => imageToRates({ data: new Uint8Array(3), width: 2, height: 2 }, { maxRateHz: 1 })).toThrow('imageToRates: img must be a GreyImage');
    expect(() => imageToRates(greyImage([1], 1, 1), { maxRateHz: -1 })).toThrow('rateCode: maxRateHz must be ≥ 0, got -1');
  });
});

describe('DVS events', () => {
  it('lays out two channels per pixel, OFF at the even id, ON at the odd id', () => {
    expect(dvsChannel(3, 1, true, 34)).toBe(75);
    expect(dvsChannel(3, 1, 1, 34)).toBe(75);
    expect(dvsChannel(3, 1, false, 34)).toBe(74);
    expect(dvsChannel(3, 1, 0, 34)).toBe(74);
    expect(dvsChannel(3, 1, -1, 34)).toBe(74);
    expect(dvsChannel(0, 0, 0, 34)).toBe(0);
    expect(dvsChannel(33, 33, 1, 34)).toBe(34 * 34 * 2 - 1);
  });

  it('turns events into spikes: ms from the earliest event, ids by pixel and polarity', () => {
    const events = [
      { t: 1000500, x: 1, y: 0, p: 1 },
      { t: 1000000, x: 0, y: 2, p: 0 },
      { t: 1002750, x: 3, y: 1, p: true },
    ];
    expect(dvsToSpikes(events, { width: 4, height: 3 })).toEqual({ times: [0.5, 0, 2.75], ids: [3, 16, 15], size: 24 });
    expect(dvsToSpikes(events, { width: 4, height: 3, startMs: 999 })).toEqual({ times: [1.5, 1, 3.75], ids: [3, 16, 15], size: 24 });
    expect(dvsToSpikes(events, { width: 4, height: 3, startMs: 1000.4, durationMs: 2 })).toEqual({ times: [0.1], ids: [3], size: 24 });
    expect(dvsToSpikes(events, { width: 4, height: 3, timeUnit: 'ms' }).times).toEqual([500, 0, 2750]);
    expect(dvsToSpikes({ t: [2, 3.5], x: [0, 0], y: [0, 0], p: [0, 1], timeUnit: 's' }, { width: 1, height: 1 })).toEqual({
      times: [0, 1500],
      ids: [0, 1],
      size: 2,
    });
    expect(dvsToSpikes([], { width: 2, height: 2 })).toEqual({ times: [], ids: [], size: 8 });
  });

  it('keeps whole microseconds exact in ms', () => {
    const t = [1234567890123, 1234567890124, 1234567891123, 1234567890623];
    const { times } = dvsToSpikes({ t, x: [0, 0, 0, 0], y: [0, 0, 0, 0], p: [0, 0, 0, 0] }, { width: 1, height: 1 });
    expect(times).toEqual([0, 0.001, 1, 0.5]);
  });

  it('gives a spikeSource population that validateSpec accepts', () => {
    const { times, ids, size } = dvsToSpikes(parseDvsCsv('0,1,1,1\n250,0,0,0\n'), { width: 2, height: 2 });
    expect(() => validateSpec(specWith({ model: 'spikeSource', size, times, ids }))).not.toThrow();
  });

  it('refuses pixels outside the sensor and bad options', () => {
    const ev = (x: number, y: number) => [{ t: 0, x, y, p: 1 }];
    expect(() => dvsToSpikes(ev(4, 0), { width: 4, height: 3 })).toThrow('dvsToSpikes: event 0: x = 4 is not an integer in [0, 4) (width 4)');
    expect(() => dvsToSpikes(ev(-1, 0), { width: 4, height: 3 })).toThrow('x = -1');
    expect(() => dvsToSpikes(ev(0, 3), { width: 4, height: 3 })).toThrow('dvsToSpikes: event 0: y = 3 is not an integer in [0, 3) (height 3)');
    expect(() => dvsToSpikes(ev(0.5, 0), { width: 4, height: 3 })).toThrow('x = 0.5');
    expect(() => dvsToSpikes(ev(0, 0), { width: 0, height: 3 })).toThrow('dvsToSpikes: width must be ≥ 1, got 0');
    expect(() => dvsToSpikes(ev(0, 0), { width: 1, height: 1, timeUnit: 'ns' as 'us' })).toThrow(`dvsToSpikes: timeUnit must be 'us', 'ms' or 's', got "ns"`);
    expect(() => dvsToSpikes(ev(0, 0), { width: 1, height: 1, durationMs: 0 })).toThrow('dvsToSpikes: durationMs must be > 0, got 0');
    expect(() => dvsToSpikes({ t: [0, 1], x: [0], y: [0], p: [0] }, { width: 1, height: 1 })).toThrow('must have equal lengths, got 2, 1, 1, 1');
    expect(() => dvsToSpikes([{ t: NaN, x: 0, y: 0, p: 0 }], { width: 1, height: 1 })).toThrow('dvsToSpikes: event 0: t must be a finite number, got NaN');
  });
});

describe('parseDvsCsv', () => {
  const columns = (e: ReturnType<typeof parseDvsCsv>) => ({ t: [...e.t], x: [...e.x], y: [...e.y], p: [...e.p], timeUnit: e.timeUnit });

  it('reads a header in any column order', () => {
    const e = parseDvsCsv('p, X ,y,t\r\n1,3,2,1500\r\n0,0,1,2000\r\n');
    expect(columns(e)).toEqual({ t: [1500, 2000], x: [3, 0], y: [2, 1], p: [1, 0], timeUnit: 'us' });
    expect(dvsToSpikes(e, { width: 4, height: 3 })).toEqual({ times: [0, 0.5], ids: [(2 * 4 + 3) * 2 + 1, 4 * 2], size: 24 });
  });

  it('reads t, x, y, p without a header, spaces or tabs as separators, skipping blanks and comments', () => {
    const e = parseDvsCsv('# camera dump\n\n10 3 2 1\n12\t1\t0\t0\n  13,1,1,-1  \n', { timeUnit: 'ms' });
    expect(columns(e)).toEqual({ t: [10, 12, 13], x: [3, 1, 1], y: [2, 0, 1], p: [1, 0, -1], timeUnit: 'ms' });
    expect(dvsToSpikes(e, { width: 4, height: 3 }).times).toEqual([0, 2, 3]);
  });

  it('ignores extra columns named in the header', () => {
    expect(columns(parseDvsCsv('index,t,x,y,p\n0,5,1,1,1\n'))).toEqual({ t: [5], x: [1], y: [1], p: [1], timeUnit: 'us' });
  });

  it('refuses malformed text, naming the line', () => {
    expect(() => parseDvsCsv('t,x,y\n1,2,3\n')).toThrow('parseDvsCsv: line 1: the header must name column p once, got "t,x,y"');
    expect(() => parseDvsCsv('t,x,y,p,t\n')).toThrow('the header must name column t once');
    expect(() => parseDvsCsv('1,2,3,4\n1,2,3\n')).toThrow('parseDvsCsv: line 2: expected 4 fields, got 3');
    expect(() => parseDvsCsv('1,2,3\n')).toThrow('parseDvsCsv: line 1: expected 4 fields t, x, y, p (no header), got 3');
    expect(() => parseDvsCsv('t,x,y,p\n1,2,,4\n')).toThrow('parseDvsCsv: line 2: y must be a number, got ""');
    expect(() => parseDvsCsv('t,x,y,p\n1,2,3,on\n')).toThrow('parseDvsCsv: line 2: p must be a number, got "on"');
    expect(() => parseDvsCsv('1,2,3,4', { timeUnit: 'min' as 'ms' })).toThrow(RangeError);
  });
});

/** Field types of a hand-built .npy file: how to write one value. */
const WRITERS: Record<string, { bytes: number; write: (v: DataView, at: number, x: number) => void }> = {
  '|b1': { bytes: 1, write: (v, at, x) => v.setUint8(at, x) },
  '|u1': { bytes: 1, write: (v, at, x) => v.setUint8(at, x) },
  '|i1': { bytes: 1, write: (v, at, x) => v.setInt8(at, x) },
  '<i2': { bytes: 2, write: (v, at, x) => v.setInt16(at, x, true) },
  '<u2': { bytes: 2, write: (v, at, x) => v.setUint16(at, x, true) },
  '<i4': { bytes: 4, write: (v, at, x) => v.setInt32(at, x, true) },
  '<u4': { bytes: 4, write: (v, at, x) => v.setUint32(at, x, true) },
  '<i8': { bytes: 8, write: (v, at, x) => v.setBigInt64(at, BigInt(x), true) },
  '<u8': { bytes: 8, write: (v, at, x) => v.setBigUint64(at, BigInt(x), true) },
  '<f8': { bytes: 8, write: (v, at, x) => v.setFloat64(at, x, true) },
  '|V3': { bytes: 3, write: () => {} },
  '>i2': { bytes: 2, write: (v, at, x) => v.setInt16(at, x, false) },
};

/** A structured .npy file as NumPy writes it: magic, version, header length, the padded dict, packed records. */
function npyBytes(
  fields: [string, string][],
  records: Record<string, number>[],
  { version = 1, fortran = false, descr }: { version?: 1 | 2; fortran?: boolean; descr?: string } = {},
): Uint8Array {
  const descrText = descr ?? `[${fields.map(([name, type]) => `('${name}', '${type}')`).join(', ')}]`;
  const dict = `{'descr': ${descrText}, 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${records.length},), }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const itemBytes = fields.reduce((sum, [, type]) => sum + WRITERS[type].bytes, 0);
  const bytes = new Uint8Array(total + itemBytes * records.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), version, 0]);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), prefix);
  records.forEach((record, k) => {
    let at = total + k * itemBytes;
    for (const [name, type] of fields) {
      WRITERS[type].write(view, at, record[name] ?? 0);
      at += WRITERS[type].bytes;
    }
  });
  return bytes;
}

describe('parseDvsNpy', () => {
  const records = [
    { x: 3, y: 1, t: 1000000, p: 1 },
    { x: 0, y: 33, t: 1000250, p: 0 },
    { x: 33, y: 0, t: 2 ** 40, p: 1 },
  ];
  const columns = (e: ReturnType<typeof parseDvsNpy>) => ({ t: [...e.t], x: [...e.x], y: [...e.y], p: [...e.p] });
  const expected = { t: records.map((r) => r.t), x: records.map((r) => r.x), y: records.map((r) => r.y), p: records.map((r) => r.p) };

  it("reads tonic's layout (x, y, t, p as <i2, <i2, <i8, <i2), format 1.0", () => {
    const e = parseDvsNpy(
      npyBytes(
        [
          ['x', '<i2'],
          ['y', '<i2'],
          ['t', '<i8'],
          ['p', '<i2'],
        ],
        records,
      ),
    );
    expect(columns(e)).toEqual(expected);
    expect(e.timeUnit).toBe('us');
  });

  it('reads fields in another order, other integer sizes, bools, padding and extra fields, format 2.0', () => {
    const fields: [string, string][] = [
      ['p', '|b1'],
      ['', '|V3'],
      ['t', '<u8'],
      ['extra', '<f8'],
      ['y', '<u2'],
      ['x', '<i4'],
    ];
    const e = parseDvsNpy(npyBytes(fields, records, { version: 2 }));
    expect(columns(e)).toEqual(expected);
    const small = parseDvsNpy(
      npyBytes(
        [
          ['t', '<u4'],
          ['x', '|u1'],
          ['y', '|i1'],
          ['p', '<i8'],
        ],
        [{ t: 7, x: 200, y: -0, p: 1 }],
      ),
    );
    expect(columns(small)).toEqual({ t: [7], x: [200], y: [0], p: [1] });
  });

  it('reads from an ArrayBuffer and from a view with an offset, and turns the events into spikes', () => {
    const file = npyBytes(
      [
        ['x', '<i2'],
        ['y', '<i2'],
        ['t', '<i8'],
        ['p', '<i2'],
      ],
      records.slice(0, 2),
    );
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    expect(columns(parseDvsNpy(padded.subarray(5)))).toEqual(columns(parseDvsNpy(file.slice().buffer)));
    expect(dvsToSpikes(parseDvsNpy(file), { width: 34, height: 34 })).toEqual({ times: [0, 0.25], ids: [(34 + 3) * 2 + 1, 33 * 34 * 2], size: 34 * 34 * 2 });
  });

  it('refuses what it cannot read, saying why', () => {
    const tonic: [string, string][] = [
      ['x', '<i2'],
      ['y', '<i2'],
      ['t', '<i8'],
      ['p', '<i2'],
    ];
    expect(() => parseDvsNpy(npyBytes([['x', '>i2'], ...tonic.slice(1)], records))).toThrow('parseDvsNpy: field x is big-endian (>i2)');
    expect(() => parseDvsNpy(npyBytes(tonic, records, { fortran: true }))).toThrow('parseDvsNpy: Fortran-order arrays are not supported');
    expect(() => parseDvsNpy(npyBytes(tonic.slice(0, 3), records))).toThrow(
      "parseDvsNpy: the array has no field p; expected fields x, y, t, p (tonic's layout)",
    );
    expect(() => parseDvsNpy(npyBytes([['x', '<i2']], records))).toThrow('the array has no field t, y, p');
    expect(() => parseDvsNpy(npyBytes([['t', '<i8']], [{ t: 1 }], { descr: "'<i8'" }))).toThrow(
      'parseDvsNpy: expected a structured array with fields x, y, t, p; got dtype "<i8"',
    );
    expect(() => parseDvsNpy(npyBytes(tonic, records).subarray(0, -1))).toThrow(
      'parseDvsNpy: the data are truncated: 3 events of 14 bytes need 42 bytes, the file has 41',
    );
    expect(() => parseDvsNpy(new TextEncoder().encode('t,x,y,p\n'))).toThrow('parseDvsNpy: not an .npy file');
    const v4 = npyBytes(tonic, records);
    v4[6] = 4;
    expect(() => parseDvsNpy(v4)).toThrow('parseDvsNpy: .npy format version 4.0 is not supported');
    expect(() => parseDvsNpy(npyBytes(tonic, [{ x: 0, y: 0, t: 2 ** 53 + 2, p: 0 }]))).toThrow('too large to hold exactly');
    expect(() => parseDvsNpy(npyBytes(tonic, records, { descr: "[('x', '<i2'), ('y', '<i2'), ('t', '<M8[us]'), ('p', '<i2')]" }))).toThrow(
      'parseDvsNpy: field t has type <M8[us]',
    );
  });
});

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNumpy)('parseDvsNpy on files NumPy wrote', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-dvs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads every event of a tonic-style array saved with np.save (format 1.0) and with format 2.0', () => {
    const script = `
import json, sys
import numpy as np
rng = np.random.default_rng(7)
n = 1000
a = np.zeros(n, dtype=[('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '<i2')])
a['x'] = rng.integers(0, 34, n)
a['y'] = rng.integers(0, 34, n)
a['t'] = np.sort(rng.integers(0, 300000, n)) + 1_700_000_000_000_000
a['p'] = rng.integers(0, 2, n)
np.save(sys.argv[1] + '/v1.npy', a)
with open(sys.argv[1] + '/v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
json.dump({k: a[k].tolist() for k in 'xytp'}, sys.stdout)
`;
    const run = spawnSync(PYTHON, ['-c', script, tmp], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const want = JSON.parse(run.stdout) as Record<'x' | 'y' | 't' | 'p', number[]>;
    for (const file of ['v1.npy', 'v2.npy']) {
      const bytes = readFileSync(join(tmp, file));
      expect(bytes[6]).toBe(file === 'v1.npy' ? 1 : 2);
      const e = parseDvsNpy(bytes);
      expect({ x: [...e.x], y: [...e.y], t: [...e.t], p: [...e.p] }).toEqual(want);
      const { times, ids, size } = dvsToSpikes(e, { width: 34, height: 34 });
      expect(size).toBe(2312);
      const t0 = Math.min(...want.t);
      want.t.forEach((t, k) => {
        expect(times[k]).toBe((t - t0) / 1000);
        expect(ids[k]).toBe((want.y[k] * 34 + want.x[k]) * 2 + want.p[k]);
      });
    }
  });
});

/**
 * Images as spike inputs: 8-bit grey images, flattened row-major (id = y · width + x), with
 * 0 … 255 as the intensity range of the encoders.
 */
import { latencyCode, type LatencyCodeOptions, type SpikeTrains } from './latency.ts';
import { rankOrderCode, type RankOrderCodeOptions } from './rankOrder.ts';
import { checkNumber, rateCode } from './rate.ts';

/** An 8-bit grey image: `data[y · width + x]` is the pixel at column x, row y (0 black, 255 white). */
export interface GreyImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

function checkSize(fn: string, width: unknown, height: unknown): { width: number; height: number } {
  return { width: checkNumber(fn, 'width', width, { min: 1, integer: true }), height: checkNumber(fn, 'height', height, { min: 1, integer: true }) };
}

/**
 * A grey image from 8-bit pixels in row-major order (`pixels[y · width + x]`), checked: one
 * pixel per width · height, each an integer in [0, 255]. The pixels are copied.
 * @example const img = greyImage([0, 255, 128, 64], 2, 2); // 2×2, top row 0 and 255
 */
export function greyImage(pixels: Uint8Array | Uint8ClampedArray | readonly number[], width: number, height: number): GreyImage {
  const fn = 'greyImage';
  const size = checkSize(fn, width, height);
  const n = size.width * size.height;
  if (pixels.length !== n) throw new RangeError(`${fn}: pixels has ${pixels.length} values, expected width · height = ${size.width} · ${size.height} = ${n}`);
  if (Array.isArray(pixels))
    pixels.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255)
        throw new RangeError(`${fn}: pixels[${i}] must be an integer in [0, 255], got ${String(v)}`);
    });
  return { data: Uint8Array.from(pixels), ...size };
}

/**
 * A grey image from RGBA pixels, as a browser canvas's `getImageData` gives them: luminance
 * round((299 R + 587 G + 114 B) / 1000), i.e. 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)
 * rounded half up, computed in integers so that the weights are exact. Alpha is ignored.
 * @example const img = greyFromRgba(canvas.getContext('2d').getImageData(0, 0, 28, 28));
 */
export function greyFromRgba(imageData: { readonly data: Uint8ClampedArray | Uint8Array; readonly width: number; readonly height: number }): GreyImage {
  const fn = 'greyFromRgba';
  const size = checkSize(fn, imageData.width, imageData.height);
  const n = size.width * size.height;
  const rgba = imageData.data;
  if (rgba.length !== 4 * n) throw new RangeError(`${fn}: data has ${rgba.length} bytes, expected 4 · width · height = ${4 * n} (RGBA)`);
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.round((299 * rgba[4 * i] + 587 * rgba[4 * i + 1] + 114 * rgba[4 * i + 2]) / 1000);
  return { data, ...size };
}

function checkImage(fn: string, img: GreyImage): void {
  const { width, height } = checkSize(fn, img?.width, img?.height);
  if (!(img.data instanceof Uint8Array) || img.data.length !== width * height)
    throw new RangeError(`${fn}: img must be a GreyImage (from greyImage or greyFromRgba) with width · height pixels`);
}

/**
 * Rate coding of an image: pixel (x, y) is neuron y · width + x, firing at
 * maxRateHz · value / 255 Hz (rateCode with min 0, max 255).
 * @example
 *   const rates = imageToRates(img, { maxRateHz: 100 });
 *   const pop = { model: 'poisson', size: img.width * img.height, params: { rate: rates } };
 */
export function imageToRates(img: GreyImage, options: { maxRateHz: number }): number[] {
  checkImage('imageToRates', img);
  return rateCode(img.data, { maxRateHz: options.maxRateHz, min: 0, max: 255 });
}

/**
 * Latency coding of an image: pixel (x, y) is neuron y · width + x, x̂ = value / 255 (latencyCode
 * with min 0, max 255; the threshold is on x̂, so black pixels never spike).
 * @example
 *   const { times, ids } = imageToLatency(img, { tMaxMs: 50 });
 *   const pop = { model: 'spikeSource', size: img.width * img.height, times, ids };
 */
export function imageToLatency(img: GreyImage, options: Omit<LatencyCodeOptions, 'min' | 'max'>): SpikeTrains {
  checkImage('imageToLatency', img);
  return latencyCode(img.data, { ...options, min: 0, max: 255 });
}

/**
 * Rank-order coding of an image: pixel (x, y) is neuron y · width + x; pixels brighter than
 * `threshold` (0 … 255, default 0) spike brightest first, equal values in row-major order.
 * @example
 *   const { times, ids } = imageToRankOrder(img, { intervalMs: 0.5 });
 *   const pop = { model: 'spikeSource', size: img.width * img.height, times, ids };
 */
export function imageToRankOrder(img: GreyImage, options: RankOrderCodeOptions): SpikeTrains {
  checkImage('imageToRankOrder', img);
  return rankOrderCode(img.data, options);
}

/**
 * The adapter's own floor, measured on the device the benchmark runs on (issue #3):
 * - `dispatchUs`: the fixed cost of one dispatch, as the tick loop issues them — setPipeline,
 *   setBindGroup and a one-thread `dispatchWorkgroups(1)` whose kernel does one read-modify-write
 *   of a storage buffer (like the end-of-tick kernel), many of them in one compute pass, one
 *   submission. A kernel with a storage write makes the implementation keep its barrier between
 *   consecutive dispatches, as it must in the simulator.
 * - `streamBytesPerS`: a plain streaming kernel, `dst[i] = src[i] + 1` over vec4<u32>, bytes read
 *   plus bytes written per second, with buffers larger than any cache we expect (64 MiB each).
 *   `streamCurve` repeats it for buffers from 256 KiB up: a working set that stays in a cache
 *   streams faster, and a lower bound must not assume DRAM speed for it (see `bound.ts`). Each
 *   point's time per pass has the dispatch cost taken off (the bound counts dispatches apart).
 * - `atomicAddsPerS`: scattered `atomicAdd` on `array<atomic<i32>>` (the delay ring's operation),
 *   indices from an integer hash over a table of `atomicSlots` entries (4 MiB by default, the
 *   size of a large network's ring).
 *
 * Timing: wall clock from `queue.submit` to `onSubmittedWorkDone` (encoding excluded: the
 * simulator encodes the next window while the GPU runs this one). The fixed per-submission
 * overhead (and the resolution of the completion callback) is removed by a slope: each sample
 * times a small and a large count of the same work and divides the difference by the
 * difference in work. The large count is doubled until it takes at least `targetMs`. Each
 * figure is the median of `repeats` ≥ 3 samples; the samples are kept.
 */

export interface FloorOptions {
  /** Samples per figure (median taken); at least 3. Default 5. */
  repeats?: number;
  /** The large count of each slope is grown until its submission takes this long, ms. Default 150. */
  targetMs?: number;
  /** Bytes of each of the two streaming buffers (clamped to the device limits). Default 64 MiB. */
  streamBytes?: number;
  /** Smallest buffer of the streaming curve (sizes × 4 up to `streamBytes`). Default 256 KiB; 0: no curve. */
  streamCurveFrom?: number;
  /** Entries of the atomic target table (a power of two). Default 2^20 (4 MiB). */
  atomicSlots?: number;
}

export interface FloorFigure {
  /** The median over `samples`. */
  value: number;
  /** The best sample (the least disturbed by other load on the machine). */
  best: number;
  samples: number[];
  unit: string;
  /** Work per sample: the small and large counts of the slope (dispatches, passes or dispatches). */
  counts: [number, number];
}

export interface AdapterFloor {
  /** Fixed cost of one dispatch in a pass, µs. */
  dispatchUs: FloorFigure;
  /** Streaming bandwidth, bytes read + written per second, buffers of `config.streamBufferBytes`. */
  streamBytesPerS: FloorFigure;
  /**
   * Streaming bandwidth against working set (both buffers, `footprintBytes` = 2 × buffer), small
   * to large, the last point being `streamBytesPerS`. Points where the dispatch cost swamps the
   * transfer (a tiny buffer on a fast device) are left out.
   */
  streamCurve: { bufferBytes: number; footprintBytes: number; bytesPerS: FloorFigure }[];
  /** Scattered i32 atomic adds per second. */
  atomicAddsPerS: FloorFigure;
  /** Host time to encode one dispatch (setPipeline + setBindGroup + dispatch), µs: for context, not in the bound. */
  encodeUsPerDispatch: number;
  config: { repeats: number; targetMs: number; streamBufferBytes: number; atomicSlots: number; atomicsPerDispatch: number };
  /** Total wall time spent measuring, ms. */
  measureMs: number;
}

const WG = 64;
/** Threads of the atomic kernel (1024 workgroups of 64) and adds per thread. */
const ATOMIC_THREADS = 1024 * WG;
const ATOMICS_PER_THREAD = 16;

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Kernel {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
}

async function kernel(device: GPUDevice, label: string, code: string, buffers: GPUBuffer[]): Promise<Kernel> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`${label}: WGSL compilation failed: ${errors.map((m) => m.message).join('; ')}`);
  const pipeline = await device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return { pipeline, bindGroup };
}

/** Encode `count` dispatches of `k` (grid `grid`) in one pass; returns the encoded command buffer. */
function encode(device: GPUDevice, k: Kernel, grid: [number, number], count: number): GPUCommandBuffer {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (let i = 0; i < count; i++) {
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1]);
  }
  pass.end();
  return encoder.finish();
}

/** Wall ms from submit to completion of `count` dispatches. */
async function timeSubmit(device: GPUDevice, k: Kernel, grid: [number, number], count: number): Promise<number> {
  const cb = encode(device, k, grid, count);
  const t0 = performance.now();
  device.queue.submit([cb]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/**
 * Per-unit cost (ms per dispatch) by slope: grow `large` until it takes `targetMs`, then take
 * `repeats` samples of (t(large) − t(small)) / (large − small). Negative or zero slopes (noise
 * on a very fast device) are clamped to a tiny positive number so a rate stays finite.
 */
async function slope(
  device: GPUDevice,
  k: Kernel,
  grid: [number, number],
  start: number,
  maxCount: number,
  targetMs: number,
  repeats: number,
): Promise<{ msPerUnit: number[]; counts: [number, number] }> {
  await timeSubmit(device, k, grid, 1); // first use: pipeline compilation, page faults
  let large = Math.max(4, start);
  while (large < maxCount && (await timeSubmit(device, k, grid, large)) < targetMs) large = Math.min(maxCount, large * 2);
  const small = Math.max(1, Math.floor(large / 8));
  // large ≥ 4 · small: the difference dominates the per-submission noise.
  const msPerUnit: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = await timeSubmit(device, k, grid, small);
    const b = await timeSubmit(device, k, grid, large);
    msPerUnit.push(Math.max(1e-9, (b - a) / (large - small)));
  }
  return { msPerUnit, counts: [small, large] };
}

const figure = (samples: number[], unit: string, counts: [number, number], lowerIsBetter: boolean): FloorFigure => ({
  value: median(samples),
  best: lowerIsBetter ? Math.min(...samples) : Math.max(...samples),
  samples,
  unit,
  counts,
});

/**
 * Measure the floor of `device`: 7 figures (dispatch, 5 streaming sizes, atomics), each about
 * repeats × 1.2 × targetMs plus calibration; about 20 s on a 2-core software adapter.
 * @example const floor = await measureFloor(gpu.device); floor.dispatchUs.value
 */
export async function measureFloor(device: GPUDevice, options: FloorOptions = {}): Promise<AdapterFloor> {
  const t0 = performance.now();
  const repeats = Math.max(3, Math.floor(options.repeats ?? 5));
  const targetMs = options.targetMs ?? 150;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  // Streaming buffers: a whole number of 64-thread workgroups of vec4 (16 B), in a 2D grid if needed.
  const roundBytes = (b: number) => Math.max(WG, Math.floor(b / 16 / WG) * WG) * 16;
  const streamBytes = roundBytes(Math.min(options.streamBytes ?? 64 * 2 ** 20, limit));
  const curveSizes: number[] = [];
  const from = options.streamCurveFrom ?? 256 * 2 ** 10;
  if (from > 0) for (let b = from; b < streamBytes; b *= 4) curveSizes.push(roundBytes(b));
  curveSizes.push(streamBytes);
  let slots = 2 ** Math.round(Math.log2(options.atomicSlots ?? 2 ** 20));
  while (slots * 4 > limit) slots /= 2;

  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffers: GPUBuffer[] = [];
  const buffer = (size: number) => {
    const b = device.createBuffer({ size, usage });
    buffers.push(b);
    return b;
  };
  try {
    // 1. Fixed cost of a dispatch.
    const counter = buffer(16);
    const one = await kernel(
      device,
      'floor: one-thread dispatch',
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> c: array<u32, 4>;
@compute @workgroup_size(1)
fn main() { c[0] = c[0] + 1u; }
`,
      [counter],
    );
    const d = await slope(device, one, [1, 1], 64, 1 << 17, targetMs, repeats);
    const tEnc = performance.now();
    encode(device, one, [1, 1], 4096);
    const encodeUsPerDispatch = ((performance.now() - tEnc) / 4096) * 1000;

    // 2. Streaming read + write, buffers small to large (the largest: streamBytesPerS).
    const dispatchMs = median(d.msPerUnit);
    const streamCurve: AdapterFloor['streamCurve'] = [];
    for (const bytes of curveSizes) {
      const vec4s = bytes / 16;
      const groups = vec4s / WG;
      const grid: [number, number] = groups <= maxGroups ? [groups, 1] : [maxGroups, Math.ceil(groups / maxGroups)];
      const src = buffer(bytes);
      const dst = buffer(bytes);
      const stream = await kernel(
        device,
        `floor: stream ${bytes} B`,
        /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<u32>>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (i < ${vec4s}u) { dst[i] = src[i] + vec4<u32>(1u); }
}
`,
        [src, dst],
      );
      const s = await slope(device, stream, grid, 1, 1 << 16, targetMs, repeats);
      // Time per pass less the fixed cost of its dispatch; a point the dispatch cost swamps is dropped.
      const transfer = s.msPerUnit.map((ms) => ms - dispatchMs);
      if (bytes === streamBytes || median(transfer) > 0.25 * median(s.msPerUnit)) {
        const rates = transfer.map((ms, i) => (2 * bytes) / (Math.max(ms, 0.25 * s.msPerUnit[i]) / 1000));
        streamCurve.push({ bufferBytes: bytes, footprintBytes: 2 * bytes, bytesPerS: figure(rates, 'B/s', s.counts, false) });
      }
      src.destroy();
      dst.destroy();
    }

    // 3. Scattered atomic adds.
    const table = buffer(slots * 4);
    const atomics = await kernel(
      device,
      'floor: scattered atomicAdd',
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> table: array<atomic<i32>>;
fn mix(x0: u32) -> u32 {
  var x = x0;
  x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u;
  return x;
}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var h = mix(gid.x);
  for (var j = 0u; j < ${ATOMICS_PER_THREAD}u; j++) {
    h = mix(h + j);
    atomicAdd(&table[h & ${slots - 1}u], 1);
  }
}
`,
      [table],
    );
    const a = await slope(device, atomics, [ATOMIC_THREADS / WG, 1], 1, 4096, targetMs, repeats);
    const atomicsPerDispatch = ATOMIC_THREADS * ATOMICS_PER_THREAD;

    return {
      dispatchUs: figure(
        d.msPerUnit.map((ms) => ms * 1000),
        'µs',
        d.counts,
        true,
      ),
      streamBytesPerS: streamCurve[streamCurve.length - 1].bytesPerS,
      streamCurve,
      atomicAddsPerS: figure(
        a.msPerUnit.map((ms) => atomicsPerDispatch / (ms / 1000)),
        'adds/s',
        a.counts,
        false,
      ),
      encodeUsPerDispatch,
      config: { repeats, targetMs, streamBufferBytes: streamBytes, atomicSlots: slots, atomicsPerDispatch },
      measureMs: performance.now() - t0,
    };
  } finally {
    await device.queue.onSubmittedWorkDone();
    for (const b of buffers) b.destroy();
  }
}

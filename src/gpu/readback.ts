/**
 * Asynchronous readback through two staging buffers: while the host maps and decodes window
 * w, the GPU already runs window w + 1, so the simulation never waits for the CPU.
 * Windows are decoded strictly in order.
 */
import { closeErrorScopes, openErrorScopes } from './buffers.ts';

/** Default ticks per submission, which is also the readback window. */
export const DEFAULT_TICKS_PER_SUBMIT = 100;

/** A window's spike and state logs hold every recorded neuron spiking every tick, at most this many bytes. */
export const MAX_LOG_BYTES = 64 * 2 ** 20;

/**
 * Ticks per readback window: the request (default `DEFAULT_TICKS_PER_SUBMIT`), capped so that
 * a window's logs, `perTickLogBytes` a tick, fit `MAX_LOG_BYTES` (spikes are never lost).
 * @example windowTicks(undefined, 4 * 1000) → 100
 */
export function windowTicks(requested: number | undefined, perTickLogBytes: number): number {
  return Math.max(1, Math.min(Math.floor(requested ?? DEFAULT_TICKS_PER_SUBMIT), Math.floor(MAX_LOG_BYTES / perTickLogBytes)));
}

export class StagingPair {
  private readonly buffers: GPUBuffer[];
  private readonly pending: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  private last: Promise<void> = Promise.resolve();

  constructor(
    device: GPUDevice,
    readonly bytes: number,
  ) {
    this.buffers = [0, 1].map((i) =>
      device.createBuffer({ label: `staging ${i}`, size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    );
  }

  /** The staging buffer for window `w`, once its previous use has been decoded. */
  async acquire(w: number): Promise<GPUBuffer> {
    await this.pending[w % 2];
    return this.buffers[w % 2];
  }

  /** After submitting window `w`'s copy: map it, hand the bytes to `decode`, unmap. */
  consume(w: number, decode: (data: ArrayBuffer) => void): void {
    const buffer = this.buffers[w % 2];
    const mapped = buffer.mapAsync(GPUMapMode.READ);
    this.last = this.pending[w % 2] = Promise.all([mapped, this.last]).then(() => {
      try {
        decode(buffer.getMappedRange());
      } finally {
        buffer.unmap();
      }
    });
  }

  /** Wait until every window handed to `consume` is decoded. */
  drain(): Promise<void> {
    return this.last;
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}

/**
 * Copy `bytes` of a buffer from `offset` (bytes, a multiple of 4) out once and wait for it (for
 * occasional reads such as plastic weights and checkpoints; the spike log uses `StagingPair`
 * instead, which never stalls the simulation). A copy that fails is an error, never zeros.
 */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, bytes = source.size, offset = 0): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({ label: `read ${source.label}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    openErrorScopes(device);
    let copied: Promise<string | null>;
    try {
      const encoder = device.createCommandEncoder({ label: `read ${source.label}` });
      encoder.copyBufferToBuffer(source, offset, staging, 0, size);
      device.queue.submit([encoder.finish()]);
    } finally {
      copied = closeErrorScopes(device);
    }
    await staging.mapAsync(GPUMapMode.READ);
    // A copy that failed leaves zeros in the staging buffer: an error, never data.
    const error = await copied;
    if (error) throw new Error(`reading ${source.label} back: ${error}`);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

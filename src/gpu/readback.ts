/**
 * Asynchronous readback through two staging buffers: while the host maps and decodes window
 * w, the GPU already runs window w + 1, so the simulation never waits for the CPU.
 * Windows are decoded strictly in order.
 */
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
 * Copy a buffer out once and wait for it (for occasional reads such as plastic weights; the
 * spike log uses `StagingPair` instead, which never stalls the simulation).
 */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, bytes = source.size): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({ label: `read ${source.label}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder({ label: `read ${source.label}` });
    encoder.copyBufferToBuffer(source, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

/** Buffer creation with limit checks that fail with a clear message before allocating. */

export class DeviceLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLimitError';
  }
}

const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/**
 * Check planned buffers against the device's binding and buffer limits.
 * @throws DeviceLimitError naming the buffer that does not fit.
 */
export function checkBufferPlan(device: GPUDevice, plan: { name: string; bytes: number }[]): void {
  const maxBinding = maxBindingBytes(device.limits);
  for (const b of plan) {
    if (b.bytes > maxBinding) {
      throw new DeviceLimitError(
        `the network needs ${MiB(b.bytes)} for its ${b.name}, but this adapter binds at most ${MiB(maxBinding)} per buffer (static synapses are split into shards; this buffer cannot be yet); reduce the network`,
      );
    }
  }
}

/** The largest buffer the adapter can both create and bind as storage, bytes. */
export const maxBindingBytes = (limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): number =>
  Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);

/**
 * How to split an array of `count` elements of `bytesPerElement` into bindings of at most
 * `maxBytes`: as few shards as fit, of equal length (the last may hold fewer), so no shard
 * sits needlessly at the limit (SwiftShader failed to allocate a shard of exactly 1 GiB, its
 * limit, and allocated three of 512 MiB).
 * @example shardArray(10, 16, 4) → { shards: 3, shardLength: 4 }
 */
export function shardArray(count: number, maxBytes: number, bytesPerElement: number): { shards: number; shardLength: number } {
  const maxLength = Math.floor(maxBytes / bytesPerElement);
  if (maxLength < 1) throw new Error(`a shard of ${maxBytes} B cannot hold one ${bytesPerElement}-byte element`);
  const shards = Math.max(1, Math.ceil(count / maxLength));
  return { shards, shardLength: Math.max(1, Math.ceil(count / shards)) };
}

/** Default shard limit: 7/8 of what the adapter binds, leaving room for allocation padding. */
export const defaultShardBytes = (limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): number =>
  Math.floor((maxBindingBytes(limits) * 7) / 8);

/** A storage buffer holding `data` (at least 4 bytes, as WebGPU requires non-empty bindings). */
export function storageBuffer(device: GPUDevice, label: string, data: ArrayBufferView | number, extraUsage = 0): GPUBuffer {
  const bytes = typeof data === 'number' ? data : data.byteLength;
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const buffer = device.createBuffer({
    label,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage,
    mappedAtCreation: typeof data !== 'number',
  });
  if (typeof data !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
  }
  return buffer;
}

/** Arrays larger than this are uploaded in chunks (`uploadStorageBuffer`). */
const UPLOAD_CHUNK_BYTES = 32 * 2 ** 20;
/** Chunks written between waits for the queue, which bounds the driver's staging copies. */
const CHUNKS_PER_WAIT = 4;

/**
 * A storage buffer holding `data`, uploaded in chunks when it is large: `mappedAtCreation`
 * keeps a host copy of the whole buffer until it is unmapped (on SwiftShader, where device
 * memory is host memory too, that doubled the peak), while chunked writes with a wait every
 * few chunks keep at most `CHUNKS_PER_WAIT × UPLOAD_CHUNK_BYTES` in flight.
 * @example const synapses = await uploadStorageBuffer(device, 'synapse targets', targets);
 */
export async function uploadStorageBuffer(device: GPUDevice, label: string, data: ArrayBufferView, extraUsage = 0): Promise<GPUBuffer> {
  if (data.byteLength <= UPLOAD_CHUNK_BYTES) return storageBuffer(device, label, data, extraUsage);
  const buffer = storageBuffer(device, label, data.byteLength, extraUsage);
  const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  for (let offset = 0, chunk = 0; offset < bytes.length; offset += UPLOAD_CHUNK_BYTES, chunk++) {
    const end = Math.min(bytes.length, offset + UPLOAD_CHUNK_BYTES);
    // writeBuffer needs a multiple of 4 bytes; only the last chunk can be short, and the buffer is padded.
    const piece = end - offset;
    if (piece % 4 === 0) device.queue.writeBuffer(buffer, offset, bytes, offset, piece);
    else {
      const padded = new Uint8Array(Math.ceil(piece / 4) * 4);
      padded.set(bytes.subarray(offset, end));
      device.queue.writeBuffer(buffer, offset, padded);
    }
    if ((chunk + 1) % CHUNKS_PER_WAIT === 0) await device.queue.onSubmittedWorkDone();
  }
  await device.queue.onSubmittedWorkDone();
  return buffer;
}

/** Run `fn` and turn any WebGPU validation error it causes into a thrown Error. */
export async function withValidation<T>(device: GPUDevice, what: string, fn: () => T): Promise<T> {
  device.pushErrorScope('validation');
  const result = fn();
  const error = await device.popErrorScope();
  if (error) throw new Error(`${what}: ${error.message}`);
  return result;
}

/** Every kind of error a device call can raise. */
const ERROR_FILTERS: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/**
 * Open error scopes of every kind: the errors of the device calls made until
 * `closeErrorScopes` are the caller's alone. They are not dispatched as the device's
 * `uncapturederror`, which every user of a shared device would see, and no other caller's
 * errors land in them. Open and close in one synchronous stretch: scopes are a stack shared by
 * every user of the device.
 */
export function openErrorScopes(device: GPUDevice): void {
  for (const filter of ERROR_FILTERS) device.pushErrorScope(filter);
}

/** Close the scopes `openErrorScopes` opened; resolves to the first error's message, or null. */
export function closeErrorScopes(device: GPUDevice): Promise<string | null> {
  return Promise.all(ERROR_FILTERS.map(() => device.popErrorScope())).then((errors) => errors.find((e) => e)?.message ?? null);
}

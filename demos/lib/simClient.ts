/**
 * The page's side of the simulation worker: request/response over `protocol.ts`, and a
 * Player that keeps the simulation running in chunks (play / pause / step) while the page
 * draws whatever has arrived, so drawing never waits on the simulation nor the other way round.
 */
import type { Backend, Chunk, FromWorker, NetworkInfo, ToWorker } from './protocol.ts';

export class SimError extends Error {
  constructor(
    readonly kind: 'spec' | 'adapter' | 'other',
    message: string,
  ) {
    super(message);
  }
}

/** Whether this browser can run WebGPU: an adapter, or why not. */
export async function detectWebGpu(): Promise<{ ok: true; adapter: string } | { ok: false; reason: string }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: 'WebGPU found no adapter (no GPU, or it is blocked)' };
    const i = adapter.info;
    return { ok: true, adapter: [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' ') || 'WebGPU adapter' };
  } catch (e) {
    return { ok: false, reason: `WebGPU failed: ${(e as Error).message}` };
  }
}

export class SimClient {
  private readonly worker = new Worker(new URL('./simWorker.ts', import.meta.url), { type: 'module' });
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  info: NetworkInfo | null = null;

  constructor() {
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const w = this.waiting.shift();
      if (!w) return;
      if (e.data.type === 'error') w.reject(new SimError(e.data.kind, e.data.message));
      else w.resolve(e.data);
    };
    this.worker.onerror = (e) => {
      for (const w of this.waiting.splice(0)) w.reject(new SimError('other', e.message || 'the simulation worker failed to load'));
    };
  }

  private request(m: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(m);
    });
  }

  async create(spec: unknown, backend: Backend): Promise<NetworkInfo> {
    const m = await this.request({ type: 'create', spec, backend });
    if (m.type !== 'created') throw new Error(`unexpected ${m.type}`);
    return (this.info = m.info);
  }

  async run(ms: number): Promise<Chunk> {
    const m = await this.request({ type: 'run', ms });
    if (m.type !== 'ran') throw new Error(`unexpected ${m.type}`);
    return m.chunk;
  }

  async weights(projection: string): Promise<{ pre: Uint32Array; post: Uint32Array; weights: Float32Array }> {
    const m = await this.request({ type: 'weights', projection });
    if (m.type !== 'weights') throw new Error(`unexpected ${m.type}`);
    return m;
  }

  dispose(): void {
    this.worker.terminate();
    for (const w of this.waiting.splice(0)) w.reject(new SimError('other', 'disposed'));
  }
}

/** Wall-clock pacing of a live run: chunks of simulated time sized to take about `targetMs`. */
export class Player {
  playing = false;
  private chunkMs: number;
  private loop: Promise<void> = Promise.resolve();

  /**
   * @param onChunk receives each chunk as it arrives (draw it on the next frame)
   * @param firstChunkMs simulated ms of the first chunk; later ones adapt
   */
  constructor(
    private readonly client: SimClient,
    private readonly onChunk: (c: Chunk) => void | Promise<void>,
    private readonly onError: (e: Error) => void,
    firstChunkMs = 5,
    private readonly targetMs = 60,
  ) {
    this.chunkMs = firstChunkMs;
  }

  /** Advance by one chunk of `ms` (default: the current chunk size) and deliver it. */
  async step(ms = this.chunkMs): Promise<void> {
    const t0 = performance.now();
    const chunk = await this.client.run(ms);
    const wall = performance.now() - t0;
    const dt = this.client.info?.dt ?? 0.1;
    // Aim each chunk at ~targetMs of wall time; grow or shrink by at most 2× at a time.
    const next = ms * Math.min(2, Math.max(0.5, this.targetMs / Math.max(1, wall)));
    this.chunkMs = Math.max(dt, Math.min(1000, Math.round(next / dt) * dt));
    await this.onChunk(chunk);
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.loop = (async () => {
      try {
        while (this.playing) await this.step();
      } catch (e) {
        this.playing = false;
        this.onError(e as Error);
      }
    })();
  }

  /** Stop after the chunk in flight. */
  async pause(): Promise<void> {
    this.playing = false;
    await this.loop;
  }
}

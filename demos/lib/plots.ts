/**
 * Small canvas plots for the demos, drawn for a figure: white ground, black axes with ticks
 * and units, populations in the Okabe–Ito colour-blind-safe palette. Data arrive in chunks
 * (`add`); `draw` runs on animation frames and only repaints what changed.
 */

/** Okabe & Ito (2008): distinguishable with any colour vision. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const FONT = '12px system-ui, sans-serif';
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Round steps for axis ticks: 1, 2, 5 × 10^k covering `span` in about `count` steps. */
export function niceStep(span: number, count = 5): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** Frames by canvas: a plot that replaces another on the same canvas takes over its frame. */
const frames = new Map<HTMLCanvasElement, Frame>();
let resizes: ResizeObserver | null = null;

/** Refit every frame when devicePixelRatio changes (zoom, a move to another screen), then watch the new ratio. */
function watchPixelRatio(): void {
  matchMedia(`(resolution: ${devicePixelRatio}dppx)`).addEventListener(
    'change',
    () => {
      for (const f of frames.values()) f.fit();
      watchPixelRatio();
    },
    { once: true },
  );
}

/**
 * The plot area inside a canvas, and the axes around it. Coordinates are CSS pixels: the
 * canvas takes its size from CSS, its backing store is that size × devicePixelRatio (sharp on
 * HiDPI screens), and when either changes the store is reallocated, which blanks it, so the
 * plot's `onResize` repaints.
 */
export class Frame {
  readonly ctx: CanvasRenderingContext2D;
  readonly left = 92;
  readonly right = 24;
  readonly top = 10;
  readonly bottom = 34;
  /** The canvas's CSS size. */
  canvasWidth = 0;
  canvasHeight = 0;
  private pixelRatio = 0;
  onResize: () => void = () => {};

  /** The frame of `canvas`, fitted to its current size, with no resize listener yet. */
  static of(canvas: HTMLCanvasElement): Frame {
    let frame = frames.get(canvas);
    if (!frame) {
      frame = new Frame(canvas);
      frames.set(canvas, frame);
      if (!resizes) {
        resizes = new ResizeObserver((entries) => entries.forEach((e) => frames.get(e.target as HTMLCanvasElement)?.fit()));
        watchPixelRatio();
      }
      resizes.observe(canvas);
    }
    frame.onResize = () => {};
    frame.fit();
    return frame;
  }

  private constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  }

  /** Match the backing store to the CSS size × devicePixelRatio; repaint if it changed. */
  fit(): void {
    const ratio = devicePixelRatio || 1;
    const width = Math.max(1, this.canvas.clientWidth),
      height = Math.max(1, this.canvas.clientHeight);
    if (width === this.canvasWidth && height === this.canvasHeight && ratio === this.pixelRatio) return;
    [this.canvasWidth, this.canvasHeight, this.pixelRatio] = [width, height, ratio];
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.onResize();
  }

  get width(): number {
    return Math.max(1, this.canvasWidth - this.left - this.right);
  }

  get height(): number {
    return Math.max(1, this.canvasHeight - this.top - this.bottom);
  }

  clear(): void {
    this.ctx.fillStyle = '#fff';
    this.ctx.fillRect(0, 0, this.canvasWidth, this.canvasHeight);
  }

  /** Axes box, x ticks over [x0, x1] and y ticks over [y0, y1] with labels. */
  axes(x0: number, x1: number, xLabel: string, y0: number, y1: number, yLabel: string, yTicks = true): void {
    const { ctx, left, top, width, height } = this;
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 1;
    ctx.strokeRect(left - 0.5, top - 0.5, width + 1, height + 1);
    ctx.fillStyle = '#000';
    ctx.font = FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xs = niceStep(x1 - x0, Math.max(2, Math.floor(width / 90)));
    for (let v = Math.ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs) {
      const x = left + ((v - x0) / (x1 - x0)) * width;
      ctx.fillRect(Math.round(x), top + height, 1, 4);
      ctx.fillText(fmt(v), x, top + height + 6);
    }
    ctx.fillText(xLabel, left + width / 2, top + height + 20);
    if (yTicks && y1 > y0) {
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      const ys = niceStep(y1 - y0, Math.max(2, Math.floor(height / 40)));
      for (let v = Math.ceil(y0 / ys) * ys; v <= y1 + 1e-9; v += ys) {
        const y = top + height - ((v - y0) / (y1 - y0)) * height;
        ctx.fillRect(left - 5, Math.round(y), 4, 1);
        ctx.fillText(fmt(v), left - 7, y);
      }
    }
    if (!yLabel) return;
    ctx.save();
    ctx.translate(12, top + height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(yLabel, 0, 0);
    ctx.restore();
  }
}

export interface RasterPopulation {
  name: string;
  size: number;
  /** Global index of the first neuron. */
  offset: number;
}

/**
 * A spike raster of the last `windowMs` (from t = 0 until the window fills, then scrolling):
 * time × neuron, one pixel column per `windowMs / width` ms. Each population gets a band of
 * rows in proportion to its size, at least `MIN_BAND_PX` high so a single output neuron stays
 * visible; a band with more neurons than pixel rows shows every k-th neuron (labelled), so
 * single spikes stay visible at any size. Spikes are kept in a ring of columns: adding a chunk
 * costs its spikes, a frame one pass over the pixels. The grid keeps the plot area's CSS size
 * at construction and is scaled, unsmoothed, onto the canvas (HiDPI, or a resized canvas).
 */
export class RasterPlot {
  private readonly frame: Frame;
  private readonly bands: { first: number; rows: number; stride: number; top: number; height: number }[];
  private readonly rows: number;
  private readonly rowTop: Float64Array;
  private readonly rowBottom: Float64Array;
  /** Grid size: time columns × pixel rows. */
  private readonly columns: number;
  private readonly gridHeight: number;
  private readonly cells: Uint8Array;
  private readonly image: ImageData;
  /** The grid's image, to scale onto the canvas. */
  private readonly sprite: OffscreenCanvasRenderingContext2D;
  private readonly colors: number[][];
  private readonly popIndex = new Map<string, number>();
  /** Absolute column index of the newest column. */
  private head = -1;
  private dirty = true;
  /** Spikes drawn so far (tests read it). */
  drawn = 0;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly populations: RasterPopulation[],
    readonly windowMs = 1000,
  ) {
    this.frame = Frame.of(canvas);
    this.columns = this.frame.width;
    const h = (this.gridHeight = this.frame.height);
    const total = populations.reduce((a, p) => a + p.size, 0);
    // Band heights: proportional, with a floor, renormalised to the plot height.
    const raw = populations.map((p) => Math.max(MIN_BAND_PX, (p.size / total) * h));
    const scale = h / raw.reduce((a, x) => a + x, 0);
    let top = 0,
      first = 0;
    this.bands = populations.map((p, k) => {
      const height = raw[k] * scale;
      const rows = Math.max(1, Math.min(p.size, Math.floor(height)));
      const band = { first, rows, stride: Math.ceil(p.size / rows), top, height };
      top += height;
      first += rows;
      return band;
    });
    this.rows = first;
    this.rowTop = new Float64Array(this.rows);
    this.rowBottom = new Float64Array(this.rows);
    for (const b of this.bands) {
      for (let r = 0; r < b.rows; r++) {
        this.rowTop[b.first + r] = Math.floor(b.top + (r * b.height) / b.rows);
        this.rowBottom[b.first + r] = Math.max(this.rowTop[b.first + r] + 1, Math.floor(b.top + ((r + 1) * b.height) / b.rows));
      }
    }
    this.cells = new Uint8Array(this.columns * this.rows);
    this.image = new ImageData(this.columns, h);
    this.sprite = new OffscreenCanvas(this.columns, h).getContext('2d')!;
    this.colors = populations.map((_, k) => rgb(PALETTE[k % PALETTE.length]));
    populations.forEach((p, k) => this.popIndex.set(p.name, k));
    this.frame.onResize = () => this.paint();
  }

  private get msPerColumn(): number {
    return this.windowMs / this.columns;
  }

  /** Advance the clock to `timeMs` (the end of the simulated time), clearing the columns that scroll in. */
  private advance(timeMs: number): void {
    const col = Math.ceil(timeMs / this.msPerColumn - 1e-9) - 1;
    const w = this.columns;
    for (let c = Math.max(this.head + 1, col - w + 1); c <= col; c++) this.cells.fill(0, (c % w) * this.rows, ((c % w) + 1) * this.rows);
    this.head = Math.max(this.head, col);
  }

  /** Spikes of one chunk, per population (times ms, local ids), up to `timeMs`; other populations are ignored. */
  add(spikes: Record<string, { times: Float64Array; ids: Uint32Array }>, timeMs: number): void {
    this.advance(timeMs);
    const w = this.columns;
    const oldest = this.head - w + 1;
    for (const [name, s] of Object.entries(spikes)) {
      const k = this.popIndex.get(name);
      if (k === undefined) continue;
      const band = this.bands[k];
      for (let i = 0; i < s.ids.length; i++) {
        const id = s.ids[i];
        if (id % band.stride !== 0) continue;
        const col = Math.floor(s.times[i] / this.msPerColumn);
        if (col < oldest || col > this.head) continue;
        this.cells[(col % w) * this.rows + band.first + id / band.stride] = k + 1;
        this.drawn++;
      }
    }
    this.dirty = true;
  }

  clear(): void {
    this.cells.fill(0);
    this.head = -1;
    this.drawn = 0;
    this.dirty = true;
  }

  /** Repaint if spikes arrived since the last frame. */
  draw(): void {
    if (this.dirty) this.paint();
  }

  private paint(): void {
    this.dirty = false;
    const f = this.frame;
    const { columns: w, gridHeight: h } = this;
    const px = this.image.data;
    px.fill(255);
    // The window starts at t = 0 until it fills, then scrolls with the newest column at the right.
    const first = Math.max(0, this.head - w + 1);
    for (let x = 0; x < w; x++) {
      const col = first + x;
      if (col > this.head) break;
      const base = (col % w) * this.rows;
      for (let r = 0; r < this.rows; r++) {
        const k = this.cells[base + r];
        if (!k) continue;
        const [cr, cg, cb] = this.colors[k - 1];
        for (let y = this.rowTop[r]; y < this.rowBottom[r] && y < h; y++) {
          const o = (y * w + x) * 4;
          px[o] = cr;
          px[o + 1] = cg;
          px[o + 2] = cb;
        }
      }
    }
    f.clear();
    this.sprite.putImageData(this.image, 0, 0);
    f.ctx.imageSmoothingEnabled = false;
    f.ctx.drawImage(this.sprite.canvas, f.left, f.top, f.width, f.height);
    const t0 = first * this.msPerColumn;
    f.axes(t0, t0 + this.windowMs, 'time (ms)', 0, 0, '', false);
    // Population bands and names on the left edge (neuron 0 at the top of its band).
    const ctx = f.ctx;
    const yScale = f.height / h;
    ctx.font = FONT;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    this.populations.forEach((p, k) => {
      const b = this.bands[k];
      const top = f.top + b.top * yScale,
        height = b.height * yScale;
      ctx.fillStyle = PALETTE[k % PALETTE.length];
      ctx.fillRect(f.left - 6, top, 4, Math.max(1, height - 1));
      if (height >= 10) ctx.fillText(b.stride > 1 ? `${p.name} (1 in ${b.stride})` : p.name, f.left - 9, top + height / 2);
    });
  }
}

/** Smallest band of a population in the raster, px. */
const MIN_BAND_PX = 12;

/**
 * The names and colours of a canvas's series in a row just above it: outside the canvas, so
 * the legend never covers data however the lines run. A plot that replaces another on the
 * same canvas replaces its legend.
 */
function showLegend(canvas: HTMLCanvasElement, series: { name: string; color: string }[]): void {
  const id = `${canvas.id}-legend`;
  let legend = document.getElementById(id);
  if (!legend) {
    legend = Object.assign(document.createElement('div'), { id, className: 'legend' });
    canvas.before(legend);
  }
  legend.replaceChildren(
    ...series.map(({ name, color }) => {
      const item = document.createElement('span');
      item.style.setProperty('--color', color);
      item.textContent = name;
      return item;
    }),
  );
}

/**
 * Lines over the same scrolling window: population rates (from spike counts in bins) or
 * sampled state (membrane traces), with a legend above the canvas.
 */
export class SeriesPlot {
  private readonly frame: Frame;
  private readonly series: { name: string; color: string; t: number[]; v: number[] }[];
  private nowMs = 0;
  private dirty = true;

  constructor(
    canvas: HTMLCanvasElement,
    names: string[],
    private readonly yLabel: string,
    readonly windowMs = 1000,
    private readonly xLabel = 'time (ms)',
    colors = PALETTE,
  ) {
    this.frame = Frame.of(canvas);
    this.series = names.map((name, k) => ({ name, color: colors[k % colors.length], t: [], v: [] }));
    showLegend(canvas, this.series);
    this.frame.onResize = () => this.paint();
  }

  /** Append samples (time ms, value) to series k. */
  add(k: number, times: ArrayLike<number>, values: ArrayLike<number>, stride = 1, offset = 0): void {
    const s = this.series[k];
    for (let i = 0; i < times.length; i++) {
      s.t.push(times[i]);
      s.v.push(values[i * stride + offset]);
    }
    this.dirty = true;
  }

  setTime(timeMs: number): void {
    this.nowMs = Math.max(this.nowMs, timeMs);
    const t0 = this.nowMs - this.windowMs;
    for (const s of this.series) {
      let drop = 0;
      while (drop < s.t.length && s.t[drop] < t0) drop++;
      if (drop) {
        s.t.splice(0, drop);
        s.v.splice(0, drop);
      }
    }
    this.dirty = true;
  }

  clear(): void {
    for (const s of this.series) s.t.length = s.v.length = 0;
    this.nowMs = 0;
    this.dirty = true;
  }

  /** Repaint if samples arrived since the last frame. */
  draw(): void {
    if (this.dirty) this.paint();
  }

  private paint(): void {
    this.dirty = false;
    const f = this.frame;
    f.clear();
    const t1 = Math.max(this.windowMs, this.nowMs),
      t0 = t1 - this.windowMs;
    let lo = Infinity,
      hi = -Infinity;
    for (const s of this.series) for (const v of s.v) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 1, lo + 1] : [0, 1];
    const step = niceStep(hi - lo, 4);
    [lo, hi] = [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
    const { ctx, left, top, width, height } = f;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.25;
      ctx.beginPath();
      for (let i = 0; i < s.t.length; i++) {
        const x = left + ((s.t[i] - t0) / (t1 - t0)) * width,
          y = top + height - ((s.v[i] - lo) / (hi - lo)) * height;
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      }
      ctx.stroke();
    }
    ctx.restore();
    f.axes(t0, t1, this.xLabel, lo, hi, this.yLabel);
  }
}

/**
 * Population rates over time: spikes counted in `binMs` bins, divided by the neurons (pass
 * the recorded count as `size`) and the bin width (Hz), one line per population.
 */
export class RatePlot {
  readonly plot: SeriesPlot;
  private readonly counts: Map<number, number>[];

  constructor(
    canvas: HTMLCanvasElement,
    private readonly populations: { name: string; size: number }[],
    windowMs = 1000,
    private readonly binMs = 5,
  ) {
    this.plot = new SeriesPlot(
      canvas,
      populations.map((p) => p.name),
      'rate (Hz)',
      windowMs,
    );
    this.counts = populations.map(() => new Map());
  }

  add(spikes: Record<string, { times: Float64Array }>, fromMs: number, toMs: number): void {
    this.populations.forEach((p, k) => {
      const s = spikes[p.name];
      if (!s) return;
      for (const t of s.times) {
        const b = Math.floor(t / this.binMs);
        this.counts[k].set(b, (this.counts[k].get(b) ?? 0) + 1);
      }
      // Bins completed in this chunk become points.
      const first = Math.floor(fromMs / this.binMs),
        last = Math.floor(toMs / this.binMs);
      const times: number[] = [],
        rates: number[] = [];
      for (let b = first; b < last; b++) {
        times.push((b + 0.5) * this.binMs);
        rates.push((this.counts[k].get(b) ?? 0) / p.size / (this.binMs / 1000));
        this.counts[k].delete(b);
      }
      this.plot.add(k, times, rates);
    });
    this.plot.setTime(toMs);
  }

  clear(): void {
    for (const c of this.counts) c.clear();
    this.plot.clear();
  }

  draw(): void {
    this.plot.draw();
  }
}

/** A histogram of values over [lo, hi] (fractions per bin). */
export class HistogramPlot {
  private readonly frame: Frame;
  /** The last data drawn, repainted when the canvas resizes. */
  private last: { fractions: number[]; lo: number; hi: number } | null = null;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly xLabel: string,
    private readonly color = PALETTE[0],
  ) {
    this.frame = Frame.of(canvas);
    this.frame.onResize = () => this.paint();
  }

  draw(fractions: number[], lo: number, hi: number): void {
    this.last = { fractions, lo, hi };
    this.paint();
  }

  private paint(): void {
    if (!this.last) return;
    const { fractions, lo, hi } = this.last;
    const f = this.frame;
    f.clear();
    const highest = Math.max(...fractions, 0.01),
      step = niceStep(highest, 4);
    const top = step * Math.ceil(highest / step);
    const { ctx, left, width, height } = f;
    const w = width / fractions.length;
    ctx.fillStyle = this.color;
    fractions.forEach((x, k) => {
      const h = (x / top) * height;
      ctx.fillRect(left + k * w + 1, f.top + height - h, Math.max(1, w - 2), h);
    });
    f.axes(lo, hi, this.xLabel, 0, top, 'fraction of synapses');
  }
}

/** Viridis, sampled: perceptually uniform, prints in grey. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'].map(rgb);

function viridis(x: number): number[] {
  const t = Math.min(1, Math.max(0, x)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t)),
    f = t - i;
  return VIRIDIS[i].map((c, j) => Math.round(c + f * (VIRIDIS[i + 1][j] - c)));
}

/**
 * A weight matrix as an image (pre × post, down-sampled by averaging into the plot's pixels;
 * cells without a synapse stay white), with a colour bar for [lo, hi].
 */
export class MatrixPlot {
  private readonly frame: Frame;
  /** The last data drawn, repainted when the canvas resizes. */
  private last: Parameters<MatrixPlot['draw']> | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.frame = Frame.of(canvas);
    this.frame.onResize = () => this.paint();
  }

  /** `rows × cols` cells; the synapses' cells and values given as parallel arrays. */
  draw(
    rows: number,
    cols: number,
    row: ArrayLike<number>,
    col: ArrayLike<number>,
    values: ArrayLike<number>,
    lo: number,
    hi: number,
    xLabel: string,
    yLabel: string,
  ): void {
    this.last = [rows, cols, row, col, values, lo, hi, xLabel, yLabel];
    this.paint();
  }

  private paint(): void {
    if (!this.last) return;
    const [rows, cols, row, col, values, lo, hi, xLabel, yLabel] = this.last;
    const f = this.frame;
    f.clear();
    const barWidth = 36;
    const w = Math.max(1, Math.min(f.width - barWidth, cols)),
      h = Math.max(1, Math.min(f.height, rows));
    const sum = new Float64Array(w * h),
      n = new Uint32Array(w * h);
    for (let s = 0; s < values.length; s++) {
      const k = Math.floor((row[s] * h) / rows) * w + Math.floor((col[s] * w) / cols);
      sum[k] += values[s];
      n[k]++;
    }
    const image = f.ctx.createImageData(w, h);
    for (let k = 0; k < w * h; k++) {
      const [r, g, b] = n[k] ? viridis((sum[k] / n[k] - lo) / (hi - lo || 1)) : [255, 255, 255];
      image.data.set([r, g, b, 255], 4 * k);
    }
    // Scale the cell image up to the plot area.
    const tmp = new OffscreenCanvas(w, h);
    tmp.getContext('2d')!.putImageData(image, 0, 0);
    const plotW = f.width - barWidth;
    f.ctx.imageSmoothingEnabled = false;
    f.ctx.drawImage(tmp, f.left, f.top, plotW, f.height);
    const ctx = f.ctx;
    ctx.strokeStyle = '#000';
    ctx.strokeRect(f.left - 0.5, f.top - 0.5, plotW + 1, f.height + 1);
    ctx.fillStyle = '#000';
    ctx.font = FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(`${xLabel} (0–${cols - 1})`, f.left + plotW / 2, f.top + f.height + 8);
    ctx.save();
    ctx.translate(12, f.top + f.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(`${yLabel} (0–${rows - 1})`, 0, 0);
    ctx.restore();
    // Colour bar.
    const bx = f.left + plotW + 10;
    for (let y = 0; y < f.height; y++) {
      const [r, g, b] = viridis(1 - y / f.height);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(bx, f.top + y, 10, 1);
    }
    ctx.textAlign = 'left';
    ctx.fillStyle = '#000';
    ctx.fillText(fmt(hi), bx + 12, f.top);
    ctx.textBaseline = 'bottom';
    ctx.fillText(fmt(lo), bx + 12, f.top + f.height);
  }
}

/**
 * The benchmark report: the JSON document, a plain-text table and an SVG plot. Pure: no I/O,
 * no dependencies.
 */
import type { AdapterFloor } from './floor.ts';
import type { BenchBackend, BenchRow } from './matrix.ts';

export const BENCH_SCHEMA = 'spikegpu-bench/1';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  osRelease: string;
  node: string;
  /** `git rev-parse HEAD` of the checkout, when there is one. */
  commit: string | null;
  brian2: string | null;
}

export interface AdapterInfo {
  description: string;
  isSoftware: boolean;
  hasTimestampQuery: boolean;
}

export interface BenchSettings {
  repeats: number;
  backends: BenchBackend[];
  cpuMaxNeurons: number;
  warmupMs: number | null;
  /** webgpu fused-path option the run used. */
  fused: boolean | 'auto';
}

/** The document written to `<outDir>/<date>-<adapter>.json` (default outDir `bench-results`). */
export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  /** ISO 8601 time the run started. */
  date: string;
  /** The WebGPU adapter, null when webgpu was not run. */
  adapter: AdapterInfo | null;
  machine: MachineInfo;
  settings: BenchSettings;
  /** The adapter's floor (null without webgpu). */
  floor: AdapterFloor | null;
  /** Whole-run caveats (skipped backends, software adapter, ...). */
  notes: string[];
  points: BenchRow[];
  /** Wall time of the whole benchmark, ms. */
  totalMs: number;
}

export function makeReport(parts: Omit<BenchReport, 'schema'>): BenchReport {
  return { schema: BENCH_SCHEMA, ...parts };
}

// ---------------------------------------------------------------------------------------------
// Number formatting
// ---------------------------------------------------------------------------------------------

/** 3 significant digits, SI-style suffixes for large numbers: 1.23k, 45.6M, 7.89G. */
export function fmtSi(x: number | null | undefined, unit = ''): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  const [div, suffix] = a >= 1e12 ? [1e12, 'T'] : a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${trim3(x / div)}${suffix}${unit}`;
}

function trim3(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const fmtNum = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : trim3(Number(x.toPrecision(digits)));
const fmtMs = (ms: number | null) => (ms === null ? '—' : ms >= 1000 ? `${trim3(ms / 1000)} s` : `${trim3(ms)} ms`);

function pad(cells: string[][], right: boolean[]): string[] {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => [...r[c]].length)));
  return cells.map((r) =>
    r
      .map((s, c) => (right[c] ? s.padStart(widths[c] + (s.length - [...s].length)) : s.padEnd(widths[c] + (s.length - [...s].length))))
      .join('  ')
      .trimEnd(),
  );
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

export const TABLE_COLUMNS = [
  'network',
  'n',
  'backend',
  'sim',
  'wall (median)',
  'RTF',
  'ticks/s',
  'events/s',
  'build',
  'B/syn',
  'B/neuron',
  'peak RSS',
  '÷ Brian2',
  '÷ bound',
] as const;

/**
 * The report as a plain-text table, one row per point and backend, with the adapter, its
 * floor and every note (skips, caps, estimates) after it.
 */
export function formatTable(report: BenchReport): string {
  const head = [...TABLE_COLUMNS];
  // The label without its size: the network with its regime or plasticity variant.
  const name = (r: BenchRow) => r.label.replace(/ n=\d+/, '');
  const body = report.points.map((r) => {
    if (r.status !== 'ok') return [name(r), String(r.neurons), backendLabel(r), `${r.durationMs} ms`, r.status, '', '', '', '', '', '', '', '', ''];
    return [
      name(r),
      String(r.neurons),
      backendLabel(r),
      `${r.durationMs} ms`,
      fmtMs(r.wallMs),
      fmtNum(r.realTimeFactor),
      fmtSi(r.ticksPerS),
      `${fmtSi(r.eventsPerS)}${r.eventsEstimated ? '*' : ''}`,
      fmtMs(r.buildMs),
      fmtNum(r.bytesPerSynapse),
      fmtNum(r.bytesPerNeuron),
      r.peakRssBytes === null ? '' : `${(r.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
      fmtNum(r.vsBrian2),
      fmtNum(r.actualOverBound),
    ];
  });
  const right = head.map((_, c) => c === 1 || c >= 3);
  const lines = pad([head, head.map((h) => '-'.repeat([...h].length)), ...body], right);
  const out: string[] = [];
  out.push(`spikegpu bench — ${report.date}`);
  out.push(`adapter: ${report.adapter ? report.adapter.description : 'none (webgpu not run)'}`);
  const m = report.machine;
  out.push(
    `machine: ${m.cpu}, ${m.cores} cores, ${fmtSi(m.memoryBytes, 'B')}, ${m.platform}/${m.arch}, node ${m.node}${m.brian2 ? `, Brian2 ${m.brian2}` : ''}${m.commit ? `, commit ${m.commit.slice(0, 10)}` : ''}`,
  );
  if (report.floor) {
    const f = report.floor;
    out.push(
      `floor: dispatch ${fmtNum(f.dispatchUs.value)} µs, streaming ${fmtSi(f.streamBytesPerS.value, 'B/s')}, scattered i32 atomicAdd ${fmtSi(f.atomicAddsPerS.value, '/s')} (median of ${f.config.repeats})`,
    );
    if (f.streamCurve.length > 1)
      out.push(`streaming by working set: ${f.streamCurve.map((p) => `${fmtSi(p.footprintBytes, 'B')} ${fmtSi(p.bytesPerS.value, 'B/s')}`).join(', ')}`);
  }
  out.push(
    `${report.settings.repeats} timed repeats per point (median); sim = simulated time per repeat; RTF = wall ÷ simulated time; ÷ Brian2 = wall ÷ Brian2 cpp_standalone run phase; ÷ bound = wall ÷ the floor-based lower bound`,
  );
  out.push('');
  out.push(...lines);
  const foot: string[] = [];
  if (report.points.some((r) => r.eventsEstimated)) foot.push('* events estimated as spikes × synapses ÷ neurons (Brian2 does not count them)');
  // Rows sharing a note are listed together.
  const byNote = new Map<string, string[]>();
  for (const r of report.points) {
    if (!r.note) continue;
    const key = `${backendLabel(r)}: ${r.status === 'ok' ? '' : `${r.status}: `}${r.note}`;
    byNote.set(key, [...(byNote.get(key) ?? []), r.label]);
  }
  for (const [key, labels] of byNote) foot.push(`${labels.join(', ')} ${key}`);
  for (const n of report.notes) foot.push(n);
  if (foot.length) out.push('', ...foot.map((s) => `- ${s}`));
  const split = report.points.filter((r) => r.phases);
  if (split.length) {
    out.push('', 'GPU time by phase (timestamp queries; one extra run per point with per-tick passes, so not fused):');
    for (const r of split) {
      const p = r.phases!;
      const pct = (x: number) => `${((100 * x) / p.wallMs).toFixed(0)} %`;
      const plasticity = p.plasticityMs ?? 0;
      const other = Math.max(0, p.wallMs - p.propagateMs - plasticity - p.neuronsMs);
      out.push(
        `- ${r.label}: propagation ${fmtMs(p.propagateMs)} (${pct(p.propagateMs)}), ${plasticity ? `plasticity ${fmtMs(plasticity)} (${pct(plasticity)}), ` : ''}neurons ${fmtMs(p.neuronsMs)} (${pct(p.neuronsMs)}), other (submission, copies, readback, host) ${fmtMs(other)} (${pct(other)}) of ${fmtMs(p.wallMs)} wall`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function backendLabel(r: BenchRow): string {
  if (r.backend === 'brian2' && r.device === 'numpy') return 'brian2 (numpy)';
  if (r.backend === 'webgpu' && r.fused) return 'webgpu (fused)';
  return r.backend;
}

// ---------------------------------------------------------------------------------------------
// SVG plot
// ---------------------------------------------------------------------------------------------

export const BACKEND_COLORS: Record<BenchBackend, string> = { webgpu: '#1f77b4', cpu: '#d62728', brian2: '#2ca02c' };
const BACKEND_NAMES: Record<BenchBackend, string> = { webgpu: 'spikegpu webgpu', cpu: 'spikegpu cpu reference', brian2: 'Brian2 cpp_standalone' };
/** Marker shapes for networks other than the swept one. */
const SHAPES = ['square', 'triangle', 'diamond', 'cross'] as const;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const num = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * Log-scale axis over [lo, hi] padded by 0.08 decade each side (so points do not sit on the
 * frame), at least one decade wide: ticks at decades (major) and 2…9 × decades (minor);
 * 2× and 5× are labelled too when fewer than three decades are in range.
 */
function logAxis(lo: number, hi: number) {
  let L = Math.log10(lo) - 0.08;
  let H = Math.log10(hi) + 0.08;
  if (H - L < 1) {
    const mid = (L + H) / 2;
    L = mid - 0.5;
    H = mid + 0.5;
  }
  const inRange = (v: number) => Math.log10(v) >= L - 1e-9 && Math.log10(v) <= H + 1e-9;
  const major: number[] = [];
  const minor: number[] = [];
  for (let e = Math.floor(L); e <= Math.floor(H); e++) {
    if (inRange(10 ** e)) major.push(10 ** e);
    for (let m = 2; m <= 9; m++) if (inRange(m * 10 ** e)) minor.push(m * 10 ** e);
  }
  const labelled = major.length >= 3 ? major : [...major, ...minor.filter((v) => [2, 5].includes(Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9))))];
  return { lo: 10 ** L, hi: 10 ** H, major, minor, labelled: labelled.sort((x, y) => x - y) };
}

/** Plain decimal label: 0.001, 0.5, 20, 4000, 200 000 (thin-space thousands). */
export function tickLabel(v: number): string {
  if (v >= 1)
    return Math.round(v)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
  return Number(v.toPrecision(1)).toString();
}

export interface SvgOptions {
  width?: number;
  height?: number;
}

/**
 * Wall-clock time per simulated second (= real-time factor) against the number of neurons,
 * log-log. One polyline per backend through the points of the swept network (the network
 * with the most sizes, `cuba` by default), the other networks as marker-only points in the
 * backend's colour (open markers: webgpu on the fused path), a dashed line for the webgpu
 * lower bound and a dotted real-time line.
 * Wall time is normalised per simulated second so that points simulated for different
 * durations are comparable.
 */
export function renderSvg(report: BenchReport, options: SvgOptions = {}): string {
  const W = options.width ?? 760,
    H = options.height ?? 500;
  const m = { left: 84, right: 200, top: 48, bottom: 64 };
  const pw = W - m.left - m.right,
    ph = H - m.top - m.bottom;
  const ok = report.points.filter((r) => r.status === 'ok' && r.realTimeFactor !== null && r.realTimeFactor > 0 && r.neurons > 0);
  const networks = [...new Set(report.points.map((r) => r.network))];
  const sizesOf = (net: string) => new Set(report.points.filter((r) => r.network === net).map((r) => r.neurons)).size;
  const swept = networks.reduce<string | null>((best, n) => (best === null || sizesOf(n) > sizesOf(best) ? n : best), null);
  const others = networks.filter((n) => n !== swept);
  const backends = [...new Set(report.points.map((r) => r.backend))];

  const boundRows = ok.filter((r) => r.backend === 'webgpu' && r.network === swept && r.bound && r.bound.totalMs > 0);
  const boundY = (r: BenchRow) => r.bound!.totalMs / r.durationMs;
  const ys = [...ok.map((r) => r.realTimeFactor!), ...boundRows.map(boundY), 1];
  const xs = ok.length ? ok.map((r) => r.neurons) : report.points.map((r) => r.neurons).filter((n) => n > 0);
  const xa = logAxis(Math.min(...(xs.length ? xs : [1000])), Math.max(...(xs.length ? xs : [100000])));
  const ya = logAxis(Math.min(...ys), Math.max(...ys));
  const X = (v: number) => m.left + ((Math.log10(v) - Math.log10(xa.lo)) / (Math.log10(xa.hi) - Math.log10(xa.lo))) * pw;
  const Y = (v: number) => m.top + ph - ((Math.log10(v) - Math.log10(ya.lo)) / (Math.log10(ya.hi) - Math.log10(ya.lo))) * ph;

  const el: string[] = [];
  const title = `Wall time per simulated second vs network size${swept ? ` (${swept}${others.length ? `; markers: ${others.join(', ')}` : ''})` : ''}`;
  el.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  el.push(`<title>${escapeXml(title)}</title>`);
  el.push(
    `<desc>${escapeXml(`spikegpu bench ${report.date}; adapter: ${report.adapter?.description ?? 'none'}; ${report.settings.repeats} repeats, median; machine: ${report.machine.cpu}, ${report.machine.cores} cores`)}</desc>`,
  );
  el.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  el.push(`<text x="${num(m.left + pw / 2)}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  el.push(
    `<text x="${num(m.left + pw / 2)}" y="38" text-anchor="middle" font-size="11" fill="#555">${escapeXml(`${report.adapter?.description ?? 'no WebGPU adapter'} · ${report.date.slice(0, 10)} · median of ${report.settings.repeats}`)}</text>`,
  );

  // Grid and ticks.
  el.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  for (const v of xa.minor) el.push(`<line x1="${num(X(v))}" y1="${m.top}" x2="${num(X(v))}" y2="${m.top + ph}" stroke="#f3f3f3"/>`);
  for (const v of ya.minor) el.push(`<line x1="${m.left}" y1="${num(Y(v))}" x2="${m.left + pw}" y2="${num(Y(v))}" stroke="#f3f3f3"/>`);
  for (const v of xa.major) el.push(`<line x1="${num(X(v))}" y1="${m.top}" x2="${num(X(v))}" y2="${m.top + ph}"/>`);
  for (const v of ya.major) el.push(`<line x1="${m.left}" y1="${num(Y(v))}" x2="${m.left + pw}" y2="${num(Y(v))}"/>`);
  el.push('</g>');
  el.push(`<g class="axes" stroke="black" stroke-width="1" fill="none"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/>`);
  for (const v of xa.major) el.push(`<line x1="${num(X(v))}" y1="${m.top + ph}" x2="${num(X(v))}" y2="${m.top + ph + 6}"/>`);
  for (const v of xa.minor) el.push(`<line x1="${num(X(v))}" y1="${m.top + ph}" x2="${num(X(v))}" y2="${m.top + ph + 3}"/>`);
  for (const v of ya.major) el.push(`<line x1="${m.left - 6}" y1="${num(Y(v))}" x2="${m.left}" y2="${num(Y(v))}"/>`);
  for (const v of ya.minor) el.push(`<line x1="${m.left - 3}" y1="${num(Y(v))}" x2="${m.left}" y2="${num(Y(v))}"/>`);
  el.push('</g>');
  el.push('<g class="tick-labels" fill="black">');
  for (const v of xa.labelled) el.push(`<text x="${num(X(v))}" y="${m.top + ph + 20}" text-anchor="middle">${escapeXml(tickLabel(v))}</text>`);
  for (const v of ya.labelled) el.push(`<text x="${m.left - 9}" y="${num(Y(v) + 4)}" text-anchor="end">${escapeXml(tickLabel(v))}</text>`);
  el.push('</g>');
  el.push(`<text class="axis-label" x="${num(m.left + pw / 2)}" y="${H - 18}" text-anchor="middle" font-size="13">Network size (neurons)</text>`);
  el.push(
    `<text class="axis-label" transform="translate(22 ${num(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13">Wall-clock time per simulated second (s)</text>`,
  );

  // Real time.
  if (1 >= ya.lo && 1 <= ya.hi) {
    el.push(`<line class="real-time" x1="${m.left}" y1="${num(Y(1))}" x2="${m.left + pw}" y2="${num(Y(1))}" stroke="#888" stroke-dasharray="2 3"/>`);
    el.push(`<text x="${m.left + pw - 4}" y="${num(Y(1) - 4)}" text-anchor="end" font-size="10" fill="#666">real time</text>`);
  }

  // One polyline per backend (the swept network), markers on every point.
  for (const b of backends) {
    const pts = ok.filter((r) => r.backend === b && r.network === swept).sort((p, q) => p.neurons - q.neurons);
    const color = BACKEND_COLORS[b];
    el.push(
      `<polyline class="series" data-backend="${b}" fill="none" stroke="${color}" stroke-width="2" points="${pts.map((r) => `${num(X(r.neurons))},${num(Y(r.realTimeFactor!))}`).join(' ')}"/>`,
    );
    for (const r of pts) {
      const paint = r.fused ? `fill="white" stroke="${color}" stroke-width="1.5"` : `fill="${color}"`;
      el.push(
        `<circle cx="${num(X(r.neurons))}" cy="${num(Y(r.realTimeFactor!))}" r="3.5" ${paint}><title>${escapeXml(`${r.label} ${backendLabel(r)}: ${fmtMs(r.wallMs)} per ${r.durationMs} ms`)}</title></circle>`,
      );
    }
    others.forEach((net, i) => {
      for (const r of ok.filter((p) => p.backend === b && p.network === net))
        el.push(
          marker(
            SHAPES[i % SHAPES.length],
            X(r.neurons),
            Y(r.realTimeFactor!),
            color,
            `${r.label} ${backendLabel(r)}: ${fmtMs(r.wallMs)} per ${r.durationMs} ms`,
            r.fused === true,
          ),
        );
    });
  }
  if (boundRows.length) {
    const pts = [...boundRows].sort((p, q) => p.neurons - q.neurons);
    el.push(
      `<polyline class="bound" fill="none" stroke="${BACKEND_COLORS.webgpu}" stroke-width="1.5" stroke-dasharray="6 4" points="${pts.map((r) => `${num(X(r.neurons))},${num(Y(boundY(r)))}`).join(' ')}"/>`,
    );
  }

  // Legend.
  const lx = m.left + pw + 16;
  let ly = m.top + 8;
  el.push('<g class="legend" font-size="11">');
  for (const b of backends) {
    el.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${BACKEND_COLORS[b]}" stroke-width="2"/><circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="${BACKEND_COLORS[b]}"/>`,
    );
    el.push(`<text x="${lx + 28}" y="${ly + 4}">${escapeXml(BACKEND_NAMES[b])}</text>`);
    ly += 18;
  }
  if (boundRows.length) {
    el.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${BACKEND_COLORS.webgpu}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    el.push(`<text x="${lx + 28}" y="${ly + 4}">webgpu lower bound</text>`);
    ly += 18;
  }
  if (swept) {
    ly += 6;
    el.push(`<circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="#444"/><text x="${lx + 28}" y="${ly + 4}">${escapeXml(`${swept} (lines)`)}</text>`);
    ly += 18;
  }
  others.forEach((net, i) => {
    el.push(marker(SHAPES[i % SHAPES.length], lx + 11, ly, '#444', net));
    el.push(`<text x="${lx + 28}" y="${ly + 4}">${escapeXml(net)}</text>`);
    ly += 18;
  });
  if (ok.some((r) => r.fused)) {
    ly += 6;
    el.push(
      `<circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="white" stroke="#444" stroke-width="1.5"/><text x="${lx + 28}" y="${ly + 4}">open: webgpu fused path</text>`,
    );
    ly += 18;
  }
  el.push('</g>');
  el.push('</svg>');
  return `${el.join('\n')}\n`;
}

function marker(shape: (typeof SHAPES)[number], x: number, y: number, color: string, tip: string, open = false): string {
  const t = `<title>${escapeXml(tip)}</title>`;
  const s = 4;
  const paint = open ? `fill="white" stroke="${color}" stroke-width="1.5"` : `fill="${color}"`;
  switch (shape) {
    case 'square':
      return `<rect x="${num(x - s)}" y="${num(y - s)}" width="${2 * s}" height="${2 * s}" ${paint}>${t}</rect>`;
    case 'triangle':
      return `<polygon points="${num(x)},${num(y - s - 1)} ${num(x + s + 1)},${num(y + s)} ${num(x - s - 1)},${num(y + s)}" ${paint}>${t}</polygon>`;
    case 'diamond':
      return `<polygon points="${num(x)},${num(y - s - 1)} ${num(x + s + 1)},${num(y)} ${num(x)},${num(y + s + 1)} ${num(x - s - 1)},${num(y)}" ${paint}>${t}</polygon>`;
    default:
      return `<path d="M${num(x - s)},${num(y - s)}L${num(x + s)},${num(y + s)}M${num(x - s)},${num(y + s)}L${num(x + s)},${num(y - s)}" stroke="${color}" stroke-width="${open ? 1 : 2}">${t}</path>`;
  }
}

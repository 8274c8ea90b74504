/**
 * Memory planned before anything is allocated (pure, no GPU, no connectivity drawn): from a
 * spec, the neurons and the (expected) synapses of each projection, the bytes of every GPU
 * buffer (from the same layout functions as the compiled buffer plan, `bufferPlan` in
 * `compiled.ts`) and an estimate of host memory during the build; then what does not fit:
 * u32 ids, the largest typed array, the device's per-binding limit, a GPU memory budget,
 * host memory. `Simulator.create` refuses such a network with a `MemoryPlanError` before
 * compiling; `spikegpu run --dry-run` prints the plan.
 */
import { rowsCanBeDrawnOnDevice } from '../compile/compile.ts';
import { formMaxDelayTicks } from '../compile/synapseDraws.ts';
import { LogMeta } from '../kernels/common.ts';
import { synapseSharding } from '../kernels/propagate.ts';
import { maxBindingBytes } from '../gpu/buffers.ts';
import { windowTicks } from '../gpu/readback.ts';
import { at, SpecError } from '../netspec/errors.ts';
import type { ConnectSpec, NetworkSpec, ProjectionSpec, Value } from '../netspec/types.ts';
import { projectionName, validateSpec } from '../netspec/validateSpec.ts';
import {
  bufferPlan,
  delayTicks,
  groupColumns,
  plasticBufferLayout,
  populationLayout,
  recordIds,
  ruleShape,
  spikeHistorySlots,
  type BufferPlan,
  type NetworkShape,
  type PlasticShape,
} from '../compile/compiled.ts';
import { spikeSourceCapacity } from '../models/spikeSource.ts';
import { plasticityRuleOf } from '../models/index.ts';
import { MAX_POISSON_LAMBDA, poissonCdfTable, poissonInputLambda, poissonTableMaxK } from '../compile/poissonTable.ts';

/** Neuron ids, synapse indices and buffer indices are u32. */
export const MAX_U32 = 2 ** 32 - 1;
/** Elements of the largest typed array V8 allocates (Node 20; `new Float32Array(2 ** 32 + 1)` throws). */
export const MAX_ARRAY_ELEMENTS = 2 ** 32;

/**
 * Host bytes the build allocates (`compile.ts`, `connectivity.ts`), per synapse and per
 * neuron. A projection's synapses are held until the rows are filled: the drawn pairs (one
 * side run-length encoded by the rules that generate in order, both sides by the others), the
 * f64 weights and u32 delays given as per-synapse lists (drawn ones go straight into the rows),
 * then the 8 B rows; a procedural projection keeps only its row lengths, and so do stored
 * ones whose rows the WebGPU backend draws on the device (`rowsCanBeDrawnOnDevice`); a plastic
 * projection keeps its pairs expanded, f64 weights, delays and its 24 B row/column layout.
 * Measured (peak RSS, Node 20, `compileNetwork` alone and `Simulator.create`, SwiftShader):
 * brunel n = 25 000–50 000 12.3 B per synapse (model 12), allToAll with uniform weights 20.7
 * (model 20), plastic allToAll 43.8 (model 48), a 4 M-neuron LIF population 172 B per neuron
 * (model 176); the WebGPU backend then adds 2.0–2.5× the GPU bytes. brunel n = 100 000 on
 * SwiftShader: 3.40 GiB peak RSS measured, 3.36 GiB planned (+ Node's own ≈ 80 MiB). Update
 * these when the build changes what it allocates.
 */
export const HOST_BYTES = {
  /** Pairs of rules that generate runs (all but list and fixedTotal without multapses): the other side of each run. */
  pairRun: 4,
  /** Pairs of list and fixedTotal without multapses: both sides. */
  pairBoth: 8,
  /** Weights given per synapse (f64); plastic projections always. */
  weight: 8,
  /** Delays given per synapse (u32 ticks); plastic projections always. */
  delay: 4,
  /** Static rows: target and weight. */
  rows: 8,
  /** Plastic layout: post id, f32 weight, row pre and delay, column synapse and pre/delay. */
  plasticLayout: 24,
  /** Plastic projections of run-encoded rules expand their pairs (both sides). */
  plasticExpandedPairs: 8,
  /** Per neuron and kernel column: the f32 column and the f64 values it is filled from. */
  neuronColumn: 12,
  /** Per neuron: row starts and their fill cursor. */
  neuron: 8,
  /** Per ring channel: the Σ|w| bound (f64) and the in-degree (u32) of the fixed-point scales. */
  channel: 12,
  /**
   * WebGPU backend: each byte of the network's buffers twice while they are created (Dawn's
   * upload copy of `mappedAtCreation` data, and on a software adapter the device memory
   * itself; 2.0–2.5× measured on SwiftShader); the readback logs once.
   */
  gpuUploadFactor: 2,
  /**
   * The static synapse arrays are uploaded in bounded chunks, so only the device memory
   * counts (on a software adapter): brunel n=100000 measured 2.44 GiB peak, against 3.37 GiB
   * when they were mapped at creation.
   */
  chunkedUploadFactor: 1,
} as const;

/** Whether a rule generates its pairs grouped by one side (connectivity.ts's runs). */
function isRunRule(rule: ConnectSpec): boolean {
  if (rule.rule === 'fixedTotal') return rule.allowMultiple !== false;
  return rule.rule !== 'list';
}

/** Host bytes per synapse of a projection while the network is built (see `HOST_BYTES`). */
export function hostBytesPerSynapse(pr: Pick<ProjectionSpec, 'connect' | 'weight' | 'delay' | 'plasticity'>): number {
  const run = isRunRule(pr.connect);
  const pairs = run ? HOST_BYTES.pairRun : HOST_BYTES.pairBoth;
  if (pr.plasticity) return pairs + HOST_BYTES.weight + HOST_BYTES.delay + HOST_BYTES.plasticLayout + (run ? HOST_BYTES.plasticExpandedPairs : 0);
  // Drawn weights and delays go straight into the rows; only per-synapse lists are held.
  const weights = Array.isArray(pr.weight) ? HOST_BYTES.weight : 0;
  const delays = Array.isArray(pr.delay) ? HOST_BYTES.delay : 0;
  return pairs + weights + delays + HOST_BYTES.rows;
}

/** Row lengths a procedural projection keeps (one per source for a fixed total split into rows). */
function proceduralRowWords(rule: ConnectSpec, nPre: number): number {
  return rule.rule === 'fixedTotal' ? nPre : 0;
}

/** Bytes of the distinct-pair set fixedTotal with `allowMultiple: false` draws with (as `connectivity.ts`'s PairSet). */
function pairSetBytes(rule: ConnectSpec, nPre: number, nPost: number): number {
  if (rule.rule !== 'fixedTotal' || rule.allowMultiple !== false) return 0;
  const total = nPre * nPost;
  if (total <= 2 ** 32 && total <= Math.max(2 ** 26, 64 * rule.n)) return 4 * Math.ceil(total / 32);
  return 8 * 2 ** Math.ceil(Math.log2(Math.max(16, 2 * rule.n)));
}

/** What a network must fit: each field is optional, and a check without its limit is skipped. */
export interface MemoryLimits {
  /**
   * The WebGPU device's (or adapter's) limits (`device.limits`): every buffer bound whole must
   * fit `min(maxStorageBufferBindingSize, maxBufferSize)`; static synapses are split into
   * shards of that size, as many as `maxStorageBuffersPerShaderStage` allows.
   */
  device?: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxStorageBuffersPerShaderStage?: number };
  /** GPU memory the buffers may take, bytes (WebGPU does not report device memory: a budget you give). */
  gpuMemoryBytes?: number;
  /** Host memory, bytes (`Simulator.create` passes `os.totalmem()` in Node). */
  hostMemoryBytes?: number;
  /** Where the network runs: 'webgpu' (default) counts the GPU upload in host memory, 'cpu' the reference's arrays. */
  backend?: 'webgpu' | 'cpu';
  /** WebGPU ticks per submission (sizes the spike and state logs). Default 100. */
  ticksPerSubmit?: number;
}

/** A GPU buffer of the plan: the compiled plan's buffers, plus the readback logs (role `logs`). */
export interface PlannedBuffer {
  name: string;
  role: BufferPlan['role'] | 'logs';
  bytes: number;
}

export interface PlannedPopulation {
  name: string;
  size: number;
  model: string;
  /** Index of its merged neuron group (the order of `bufferPlan`'s params/state buffers). */
  group: number;
}

export interface PlannedProjection {
  name: string;
  index: number;
  pre: string;
  post: string;
  rule: ConnectSpec['rule'];
  /** Synapses: exact, or the expectation (rounded) for fixedProbability with 0 < p < 1. */
  synapses: number;
  /** Whether `synapses` is exact. */
  exact: boolean;
  plastic: boolean;
  /** Largest delay, ticks (≥ 1). */
  /** Largest delay any synapse can draw (the ring is sized for it), ticks. */
  maxDelayTicks: number;
  /** Procedural storage: rows regenerated per spike, no per-synapse buffers. */
  procedural: boolean;
  /** Host bytes its synapses take while the network is built (`hostBytesPerSynapse`, plus any distinct-pair set). */
  hostBytes: number;
}

/** Why a network does not fit. */
export interface MemoryProblem {
  kind: 'ids' | 'arrayLength' | 'binding' | 'gpuMemory' | 'hostMemory';
  /**
   * JSON path of the population or projection responsible (`populations.E`, `projections[0]`);
   * '' for whole-network totals (GPU and host memory), whose message names the largest part.
   */
  path: string;
  /** What does not fit, with the numbers. */
  problem: string;
  needed: number;
  limit: number;
}

export interface MemoryPlan {
  network: string;
  dt: number;
  neurons: number;
  /** All synapses (static and plastic): exact where every rule fixes its count. */
  synapses: number;
  /** Whether `synapses` is exact (no fixedProbability with 0 < p < 1). */
  synapsesExact: boolean;
  /** Whether every buffer size is exact too (and no delay distribution sizes the ring). */
  exact: boolean;
  populations: PlannedPopulation[];
  projections: PlannedProjection[];
  gpu: {
    /** The compiled network's buffer plan (`CompiledNetwork.buffers`), then the readback logs (role `logs`). */
    buffers: PlannedBuffer[];
    /** All of them. */
    bytes: number;
    /** The network's buffers alone (`CompiledNetwork.buffers`, `RunSummary.gpuBytes`), logs excluded. */
    networkBytes: number;
    largest: PlannedBuffer;
    /** Ticks per submission the logs are sized for. */
    ticksPerSubmit: number;
  };
  host: {
    /** Estimated peak: build plus backend. */
    bytes: number;
    /** `compileNetwork`: synapses (each projection's `hostBytes`), neuron columns, ring bounds (see `HOST_BYTES`). */
    buildBytes: number;
    /** The backend's setup: the GPU upload, or the CPU reference's ring and spike history. */
    backendBytes: number;
    backend: 'webgpu' | 'cpu';
  };
  limits: MemoryLimits;
  /** Everything that does not fit, most fundamental first; empty when the network fits. */
  problems: MemoryProblem[];
  fits: boolean;
}

/**
 * A network that cannot fit (u32 ids, typed array length, device binding limit, GPU memory
 * budget, host memory), refused before anything is allocated. A SpecError, so the CLI exits 2
 * and code catching SpecError sees it; `path` names the population or projection.
 */
export class MemoryPlanError extends SpecError {
  readonly kind: MemoryProblem['kind'];
  readonly needed: number;
  readonly limit: number;

  constructor(
    p: MemoryProblem,
    /** The whole plan (every problem in `plan.problems`). */
    readonly plan: MemoryPlan,
  ) {
    super(p.path, p.problem);
    this.name = 'MemoryPlanError';
    this.kind = p.kind;
    this.needed = p.needed;
    this.limit = p.limit;
  }
}

/** Bytes for messages: 1.5 GiB, 476.8 MiB, 12.0 KiB, 100 B. */
export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let k = 0;
  while (b >= 1024 && k < units.length - 1) {
    b /= 1024;
    k++;
  }
  return k ? `${b.toFixed(1)} ${units[k]}` : `${b} B`;
}

/** Synapses a connect rule makes between `nPre` and `nPost` neurons (as `connectivity.ts`): count and exactness. */
export function expectedSynapses(rule: ConnectSpec, nPre: number, nPost: number, samePopulation: boolean): { synapses: number; exact: boolean } {
  const allowSelf = !samePopulation || !('allowSelf' in rule) || rule.allowSelf !== false;
  const pairs = nPre * nPost - (allowSelf ? 0 : Math.min(nPre, nPost));
  switch (rule.rule) {
    case 'allToAll':
      return { synapses: pairs, exact: true };
    case 'oneToOne':
      return { synapses: nPre, exact: true };
    case 'fixedProbability':
      // Each pair independently (geometric skipping): Binomial(pairs, p).
      if (rule.p <= 0) return { synapses: 0, exact: true };
      if (rule.p >= 1) return { synapses: pairs, exact: true };
      return { synapses: Math.round(rule.p * pairs), exact: false };
    case 'fixedInDegree':
      return { synapses: rule.k * nPost, exact: true };
    case 'fixedOutDegree':
      return { synapses: rule.k * nPre, exact: true };
    case 'fixedTotal':
      return { synapses: rule.n, exact: true };
    case 'list':
      return { synapses: rule.pre.length, exact: true };
  }
}

/** The largest delay in ticks (≥ 1, as compile rounds it): exact (a form's largest draw, as synapseDraws quantises it). */
export function maxDelayTicks(delay: Value | undefined, dt: number): number {
  if (delay === undefined) return 1;
  if (Array.isArray(delay)) return delay.reduce((m, d) => Math.max(m, delayTicks(d, dt)), 1);
  return formMaxDelayTicks(delay, dt);
}

/** Neurons whose spikes are recorded (the spike log's u32 words per tick), from compile's `recordIds`. */
function recordedNeurons(spec: NetworkSpec): number {
  const ids = recordIds(spec);
  return Object.entries(spec.populations).reduce((a, [name, p]) => {
    const some = ids.get(name);
    return a + (some === null ? p.size : (some?.length ?? 0));
  }, 0);
}

/** Length of the Poisson CDF table for λ (exact up to `MAX_POISSON_LAMBDA`; beyond, a bound, for a spec compile refuses). */
function poissonTableWords(lambda: number): { words: number; exact: boolean } {
  if (lambda <= MAX_POISSON_LAMBDA) return { words: poissonCdfTable(lambda).length, exact: true };
  return { words: poissonTableMaxK(lambda) + 1, exact: false };
}

/**
 * Plan a network's memory without building it: neurons, synapses per projection (exact for
 * allToAll, oneToOne, fixedInDegree, fixedOutDegree, fixedTotal and list; the expectation
 * for fixedProbability), the GPU buffers (`bufferPlan`, the compiled network's own layout,
 * plus the readback logs), an estimate of host memory (`HOST_BYTES`), and what does not fit
 * `limits`. Runs in milliseconds whatever the network's size.
 * @throws SpecError for an invalid document (it validates first).
 * @example
 *   const plan = planMemory(builtinNetwork('brunel', { n: 100_000 }), { hostMemoryBytes: os.totalmem() });
 *   plan.synapses; // 125000000
 *   plan.gpu.bytes; // ≈ 1.02e9
 *   if (!plan.fits) console.error(plan.problems[0].problem);
 */
export function planMemory(doc: unknown, limits: MemoryLimits = {}): MemoryPlan {
  const spec = validateSpec(doc);
  const dt = spec.dt;
  const backend = limits.backend ?? 'webgpu';
  let exact = true;

  // Populations → groups, in order of first appearance (as compile merges them).
  const entries = Object.entries(spec.populations).map(([name, p]) => ({ name, spec: p, layout: populationLayout(p) }));
  const keys = [...new Set(entries.map((e) => e.layout.key))];
  const groups = keys.map((key) => {
    const members = entries.filter((e) => e.layout.key === key);
    const columns = groupColumns(members[0].layout);
    return {
      members,
      model: members[0].layout.model.name,
      size: members.reduce((a, m) => a + m.spec.size, 0),
      receptors: members[0].layout.receptors.length,
      paramColumns: columns.params.length + columns.u32Params.length,
      stateColumns: columns.state.length,
    };
  });
  const populations: PlannedPopulation[] = entries.map((e) => ({
    name: e.name,
    size: e.spec.size,
    model: e.layout.model.name,
    group: keys.indexOf(e.layout.key),
  }));
  const neurons = populations.reduce((a, p) => a + p.size, 0);
  const channelCount = groups.reduce((a, g) => a + g.receptors * g.size, 0);

  // Tables: spike-source events and Poisson CDFs.
  let tableWords = 0;
  const tableWordsOf = new Map<string, number>();
  for (const e of entries) {
    let words =
      e.spec.model === 'spikeSource'
        ? // Its capacity: at least its events (validated), so their de-duplicated ticks fit.
          spikeSourceCapacity(e.spec)
        : (e.spec.rateTable?.rates.length ?? 0) * e.spec.size;
    if (!e.layout.model.isSource)
      for (const pi of e.spec.poissonInput ?? []) {
        const t = poissonTableWords(poissonInputLambda(pi.count, pi.rate, dt));
        words += t.words;
        exact &&= t.exact;
      }
    tableWordsOf.set(e.name, words);
    tableWords += words;
  }

  // Projections: synapses and largest delay, without drawing them.
  const rowsOnDevice = backend === 'webgpu' && rowsCanBeDrawnOnDevice(spec);
  const projections: PlannedProjection[] = (spec.projections ?? []).map((pr: ProjectionSpec, index) => {
    const nPre = spec.populations[pr.pre].size,
      nPost = spec.populations[pr.post].size;
    const { synapses, exact: countExact } = expectedSynapses(pr.connect, nPre, nPost, pr.pre === pr.post);
    const procedural = pr.storage === 'procedural';
    // Rows a device draws (compileNetwork's rowsOnDevice) cost the host their row lengths only, as procedural ones.
    const drawnElsewhere = procedural || (rowsOnDevice && !pr.plasticity);
    return {
      name: projectionName(pr, index),
      index,
      pre: pr.pre,
      post: pr.post,
      rule: pr.connect.rule,
      synapses,
      exact: countExact,
      plastic: pr.plasticity !== undefined,
      procedural,
      maxDelayTicks: maxDelayTicks(pr.delay, dt),
      hostBytes: drawnElsewhere ? proceduralRowWords(pr.connect, nPre) * 4 : synapses * hostBytesPerSynapse(pr) + pairSetBytes(pr.connect, nPre, nPost),
    };
  });
  const synapsesExact = projections.every((p) => p.exact);
  exact &&= synapsesExact;
  const synapses = projections.reduce((a, p) => a + p.synapses, 0);
  const staticSynapses = projections.filter((p) => !p.plastic && !p.procedural).reduce((a, p) => a + p.synapses, 0);
  const procedural = (spec.projections ?? []).filter((pr) => pr.storage === 'procedural');
  const maxDelay = projections.reduce((m, p) => (p.synapses > 0 ? Math.max(m, p.maxDelayTicks) : m), 1);
  const plastic: PlasticShape[] = projections
    .filter((p) => p.plastic)
    .map((p) => ({
      name: p.name,
      preSize: spec.populations[p.pre].size,
      postSize: spec.populations[p.post].size,
      maxDelay: p.synapses > 0 ? p.maxDelayTicks : 1,
      synapses: p.synapses,
      ...ruleShape(plasticityRuleOf(spec.projections![p.index].plasticity!, spec.dt)),
    }));
  const shape: NetworkShape = {
    neuronCount: neurons,
    channelCount,
    delaySlots: maxDelay + 1,
    spikeSlots: spikeHistorySlots(plastic.map((p) => p.maxDelay)),
    staticSynapses,
    tableWords: Math.max(1, tableWords),
    proceduralProjections: procedural.length,
    proceduralRowWords: procedural.reduce((a, pr) => a + proceduralRowWords(pr.connect, spec.populations[pr.pre].size), 0),
    groups: groups.map((g) => ({ model: g.model, size: g.size, paramColumns: g.paramColumns, stateColumns: g.stateColumns })),
    plastic,
  };

  // Readback logs, sized as the GPU backend sizes them.
  const recorded = Math.max(1, recordedNeurons(spec));
  const stateSlots = (spec.record?.state ?? []).reduce((a, r) => a + (r.ids ? r.ids.length : spec.populations[r.pop].size), 0);
  const ticks = windowTicks(limits.ticksPerSubmit, (recorded + stateSlots) * 4);
  const staging = (LogMeta.offsets + ticks + 1) * 4 + ticks * (recorded + stateSlots) * 4;
  const buffers: PlannedBuffer[] = [
    ...bufferPlan(shape),
    { name: 'spike log', role: 'logs', bytes: ticks * recorded * 4 },
    { name: 'state log', role: 'logs', bytes: ticks * stateSlots * 4 },
    { name: 'readback staging 1', role: 'logs', bytes: staging },
    { name: 'readback staging 2', role: 'logs', bytes: staging },
  ];
  const gpuBytes = buffers.reduce((a, b) => a + b.bytes, 0);
  const largest = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));

  // Host: the build, then the backend.
  const columnWords = groups.reduce((a, g) => a + g.size * (g.paramColumns + g.stateColumns), 0);
  const buildBytes =
    projections.reduce((a, p) => a + p.hostBytes, 0) + HOST_BYTES.neuronColumn * columnWords + HOST_BYTES.neuron * neurons + HOST_BYTES.channel * channelCount;
  const bytesOf = (role: PlannedBuffer['role']) => buffers.filter((b) => b.role === role).reduce((a, b) => a + b.bytes, 0);
  const plasticTraces = plastic.reduce((a, p) => a + plasticBufferLayout(p).preTrace.bytes + plasticBufferLayout(p).postTrace.bytes, 0);
  const logBytes = bytesOf('logs');
  const backendBytes =
    backend === 'webgpu'
      ? HOST_BYTES.gpuUploadFactor * (gpuBytes - logBytes - bytesOf('synapses')) + HOST_BYTES.chunkedUploadFactor * bytesOf('synapses') + logBytes
      : bytesOf('ring') + bytesOf('tickSpikes') + plasticTraces;

  const plan: MemoryPlan = {
    network: spec.name ?? 'network',
    dt,
    neurons,
    synapses,
    synapsesExact,
    exact,
    populations,
    projections,
    gpu: { buffers, bytes: gpuBytes, networkBytes: gpuBytes - logBytes, largest, ticksPerSubmit: ticks },
    host: { bytes: buildBytes + backendBytes, buildBytes, backendBytes, backend },
    limits,
    problems: [],
    fits: true,
  };
  // What each buffer belongs to, in `bufferPlan`'s order: 6 network-wide buffers (8 with procedural rows), params and state per group, plastic buffers, logs.
  const owners: Owner[] = [
    ...Array.from({ length: procedural.length ? 8 : 6 }, (): Owner => ({ kind: 'network' })),
    ...groups.map((g): Owner => ({ kind: 'group', members: g.members.map((m) => m.name) })),
    ...groups.map((g): Owner => ({ kind: 'group', members: g.members.map((m) => m.name) })),
    ...projections
      .filter((p) => p.plastic)
      .flatMap((p, k) => Object.keys(plasticBufferLayout(plastic[k])).map((): Owner => ({ kind: 'plastic', projection: p }))),
  ];
  while (owners.length < buffers.length) owners.push({ kind: 'network' });
  plan.problems = findProblems(plan, spec, owners, tableWordsOf);
  plan.fits = plan.problems.length === 0;
  return plan;
}

/** Throw the plan's first problem, if it has one. @throws MemoryPlanError */
export function checkMemoryPlan(plan: MemoryPlan): void {
  if (plan.problems.length) throw new MemoryPlanError(plan.problems[0], plan);
}

const popPath = (name: string) => at('populations', name);
const projPath = (p: PlannedProjection) => at('projections', p.index);
/** "projection EE: " for a named projection (its path already says `projections[i]`). */
const projLabel = (p: PlannedProjection) => (p.name === projPath(p) ? '' : `projection ${p.name}: `);
const largestBy = <T>(items: T[], size: (x: T) => number): T | undefined =>
  items.reduce<T | undefined>((a, x) => (a === undefined || size(x) > size(a) ? x : a), undefined);

/** What a planned buffer belongs to. */
type Owner = { kind: 'network' } | { kind: 'group'; members: string[] } | { kind: 'plastic'; projection: PlannedProjection };

function findProblems(plan: MemoryPlan, spec: NetworkSpec, owners: Owner[], tableWordsOf: Map<string, number>): MemoryProblem[] {
  const problems: MemoryProblem[] = [];
  const { populations, projections, limits } = plan;
  const sizeOf = (name: string) => spec.populations[name].size;
  const biggestPop = (names: string[]) => largestBy(names, sizeOf) ?? '';
  const staticProjections = projections.filter((p) => !p.plastic);

  // ids are u32
  for (const p of populations)
    if (p.size > MAX_U32)
      problems.push({
        kind: 'ids',
        path: popPath(p.name),
        problem: `${p.size} neurons, but neuron ids are u32: a network holds at most ${MAX_U32}`,
        needed: p.size,
        limit: MAX_U32,
      });
  if (!problems.length && plan.neurons > MAX_U32) {
    const big = biggestPop(populations.map((p) => p.name));
    problems.push({
      kind: 'ids',
      path: 'populations',
      problem: `${plan.neurons} neurons in all (largest: ${big}, ${sizeOf(big)}), but neuron ids are u32: a network holds at most ${MAX_U32}`,
      needed: plan.neurons,
      limit: MAX_U32,
    });
  }
  for (const p of projections)
    if (p.synapses > MAX_U32) {
      const pre = sizeOf(p.pre),
        post = sizeOf(p.post);
      problems.push({
        kind: 'ids',
        path: projPath(p),
        problem: `${projLabel(p)}${p.rule} from ${p.pre} (${pre}) to ${p.post} (${post}) makes ${p.exact ? '' : 'about '}${p.synapses} synapses, but synapse indices are u32: at most ${MAX_U32}`,
        needed: p.synapses,
        limit: MAX_U32,
      });
    }
  const staticTotal = staticProjections.reduce((a, p) => a + p.synapses, 0);
  if (staticTotal > MAX_U32 && staticProjections.every((p) => p.synapses <= MAX_U32)) {
    const big = largestBy(staticProjections, (p) => p.synapses)!;
    problems.push({
      kind: 'ids',
      path: 'projections',
      problem: `${staticTotal} static synapses in all (largest: ${big.name}, ${big.synapses}), but synapse indices are u32: at most ${MAX_U32}`,
      needed: staticTotal,
      limit: MAX_U32,
    });
  }
  if (problems.length) return problems; // every size below is out of range anyway

  // Who a buffer belongs to, for messages.
  const owner = (b: PlannedBuffer, k: number): { path: string; label: string } => {
    const what = `the ${b.name} buffer`;
    const o = owners[k];
    if (o.kind === 'plastic') return { path: projPath(o.projection), label: `${projLabel(o.projection)}${what}` };
    if (o.kind === 'group') return { path: popPath(biggestPop(o.members)), label: `${what} (${o.members.join(', ')})` };
    if (b.role === 'synapses') {
      const big = largestBy(staticProjections, (p) => p.synapses)!;
      return { path: projPath(big), label: `${projLabel(big)}${what} (largest part: ${big.synapses} synapses)` };
    }
    if (b.role === 'tables') return { path: popPath(largestBy([...tableWordsOf.keys()], (n) => tableWordsOf.get(n)!)!), label: what };
    if (b.role === 'logs') return { path: 'record', label: what };
    return { path: popPath(biggestPop(populations.map((p) => p.name))), label: what };
  };

  plan.gpu.buffers.forEach((b, k) => {
    if (b.bytes / 4 > MAX_ARRAY_ELEMENTS) {
      const o = owner(b, k);
      problems.push({
        kind: 'arrayLength',
        path: o.path,
        problem: `${o.label} holds ${b.bytes / 4} values, beyond the largest typed array (and u32 index) of ${MAX_ARRAY_ELEMENTS}`,
        needed: b.bytes / 4,
        limit: MAX_ARRAY_ELEMENTS,
      });
    }
  });

  if (limits.device && limits.backend !== 'cpu') {
    const maxBinding = maxBindingBytes(limits.device);
    plan.gpu.buffers.forEach((b, k) => {
      if (b.role === 'synapses' || b.bytes <= maxBinding) return;
      const o = owner(b, k);
      problems.push({
        kind: 'binding',
        path: o.path,
        problem: `${o.label} needs ${formatBytes(b.bytes)}, but this adapter binds at most ${formatBytes(maxBinding)} per buffer; only static synapses are split into shards, so for this buffer the per-binding limit is a hard limit today: reduce the network`,
        needed: b.bytes,
        limit: maxBinding,
      });
    });
    const maxStorage = limits.device.maxStorageBuffersPerShaderStage;
    const synapseBytes = plan.gpu.buffers[0].bytes;
    if (maxStorage !== undefined && synapseBytes > 0) {
      const { shards, shardLength, storageBindings: bindings } = synapseSharding(synapseBytes / 4, limits.device);
      if (bindings > maxStorage) {
        const o = owner(plan.gpu.buffers[0], 0);
        problems.push({
          kind: 'binding',
          path: o.path,
          problem: `${staticTotal} static synapses need ${shards} shards of ${formatBytes(4 * shardLength)} per array, ${bindings} storage bindings in propagation, but this adapter allows ${maxStorage}; reduce the network`,
          needed: bindings,
          limit: maxStorage,
        });
      }
    }
  }

  // Whole-network totals: the message names the largest part.
  const biggestProjection = largestBy(projections, (p) => p.synapses);
  const biggest = biggestPop(populations.map((p) => p.name));
  const mainPart =
    biggestProjection && biggestProjection.synapses > 0
      ? `largest projection ${biggestProjection.name}${projLabel(biggestProjection) ? ` (${projPath(biggestProjection)})` : ''}, ${biggestProjection.synapses} synapses`
      : `largest population ${biggest}, ${sizeOf(biggest)} neurons`;
  if (limits.gpuMemoryBytes !== undefined && limits.backend !== 'cpu' && plan.gpu.bytes > limits.gpuMemoryBytes)
    problems.push({
      kind: 'gpuMemory',
      path: '',
      problem: `the network's GPU buffers need ${formatBytes(plan.gpu.bytes)} (${plan.synapses} synapses, ${mainPart}; largest buffer ${plan.gpu.largest.name}, ${formatBytes(plan.gpu.largest.bytes)}), beyond the GPU memory budget of ${formatBytes(limits.gpuMemoryBytes)}`,
      needed: plan.gpu.bytes,
      limit: limits.gpuMemoryBytes,
    });
  if (limits.hostMemoryBytes !== undefined && plan.host.bytes > limits.hostMemoryBytes)
    problems.push({
      kind: 'hostMemory',
      path: '',
      problem: `building the network needs about ${formatBytes(plan.host.bytes)} of host memory (${plan.synapses} synapses, ${mainPart}; ${formatBytes(plan.host.buildBytes)} to compile, ${formatBytes(plan.host.backendBytes)} for the ${plan.host.backend} backend), beyond the ${formatBytes(limits.hostMemoryBytes)} available`,
      needed: plan.host.bytes,
      limit: limits.hostMemoryBytes,
    });
  return problems;
}

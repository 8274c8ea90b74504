import { describe, expect, it } from 'vitest';
import { adapterSlug, BENCH_DEFAULTS, benchPoints } from '../../tools/bench/index.ts';
import {
  bandwidthFor,
  BYTES_PER_EVENT,
  BYTES_PER_SPIKE,
  dispatchesPerRun,
  dispatchesPerTick,
  lowerBound,
  memoryPerElement,
  tickBytes,
} from '../../tools/bench/bound.ts';
import { median, type AdapterFloor } from '../../tools/bench/floor.ts';
import { plasticityCosts, pointSpec, type BenchBackend, type BenchRow } from '../../tools/bench/matrix.ts';
import { BENCH_SCHEMA, escapeXml, formatTable, makeReport, renderSvg, TABLE_COLUMNS, tickLabel, type BenchReport } from '../../tools/bench/report.ts';
import { compileNetwork } from '../../src/compile/compile.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';

/** Two LIF populations with two current receptors each (one merged group) and a Poisson source (a second group). */
function smallSpec(): NetworkSpec {
  const receptors = { exc: { kind: 'current' as const, tau: 5 }, inh: { kind: 'current' as const, tau: 10 } };
  return {
    version: 1,
    dt: 0.1,
    seed: 3,
    populations: {
      E: { size: 40, model: 'lif', params: { receptors } },
      I: { size: 10, model: 'lif', params: { receptors } },
      P: { size: 5, model: 'poisson', params: { rate: 10 } },
    },
    projections: [
      { pre: 'E', post: 'I', connect: { rule: 'allToAll' }, weight: 1, receptor: 'exc' },
      { pre: 'I', post: 'E', connect: { rule: 'fixedInDegree', k: 3 }, weight: -2, delay: 0.5, receptor: 'inh' },
      { pre: 'P', post: 'E', connect: { rule: 'fixedOutDegree', k: 2 }, weight: 0.5, receptor: 'exc' },
    ],
    record: {},
  };
}

describe('lower bound (bound.ts)', () => {
  const net = compileNetwork(smallSpec());

  it('counts dispatches per tick: propagate + one per group + end tick', () => {
    expect(net.groups.length).toBe(2);
    expect(dispatchesPerTick(net)).toBe(4);
  });

  it('counts bytes per tick from the columns, the ring slot, spikes and events', () => {
    const counts = { ticks: 100, spikes: 50, synapticEvents: 4000 };
    const b = tickBytes(net, counts);
    const lif = net.groups.find((g) => g.model.name === 'lif')!;
    const src = net.groups.find((g) => g.model.name === 'poisson')!;
    const cols = (g: typeof lif) => g.columns.params.length + g.columns.u32Params.length;
    expect(lif.size).toBe(50);
    expect(b.neuronParams).toBe(4 * (cols(lif) * 50 + cols(src) * 5));
    expect(b.neuronState).toBe(2 * 4 * (lif.columns.state.length * 50 + src.columns.state.length * 5));
    expect(b.ringSlot).toBe(2 * 4 * 2 * 50); // two receptors of 50 neurons, read and cleared; the source has none
    expect(b.spikes).toBe((50 / 100) * BYTES_PER_SPIKE);
    expect(b.synapses).toBe((4000 / 100) * BYTES_PER_EVENT);
    expect(b.total).toBeCloseTo(b.neuronParams + b.neuronState + b.ringSlot + b.spikes + b.synapses, 9);
  });

  it('adds dispatch, bandwidth and atomic terms', () => {
    const counts = { ticks: 100, spikes: 50, synapticEvents: 4000 };
    const lb = lowerBound(net, counts, { dispatchUs: 10, streamBytesPerS: 1e9, atomicAddsPerS: 1e6 });
    expect(lb.dispatchMs).toBeCloseTo((100 * 4 * 10) / 1000, 12); // 4 ms
    expect(lb.atomicMs).toBeCloseTo((4000 / 1e6) * 1000, 12); // 4 ms
    expect(lb.bandwidthMs).toBeCloseTo(((100 * tickBytes(net, counts).total) / 1e9) * 1000, 12); // no curve: one rate for all bytes
    expect(lb.neuronBytesPerS).toBe(1e9);
    expect(lb.totalMs).toBeCloseTo(lb.dispatchMs + lb.bandwidthMs + lb.atomicMs, 12);
    expect(lb.spikesPerTick).toBe(0.5);
    expect(lb.eventsPerTick).toBe(40);
    // Twice the events: only the event-dependent parts grow.
    const lb2 = lowerBound(net, { ...counts, synapticEvents: 8000 }, { dispatchUs: 10, streamBytesPerS: 1e9, atomicAddsPerS: 1e6 });
    expect(lb2.dispatchMs).toBe(lb.dispatchMs);
    expect(lb2.atomicMs).toBeCloseTo(2 * lb.atomicMs, 12);
    expect(lb2.bandwidthMs - lb.bandwidthMs).toBeCloseTo(((4000 * BYTES_PER_EVENT) / 1e9) * 1000, 12);
  });

  it('counts one dispatch per window on the fused path', () => {
    const counts = { ticks: 250, spikes: 50, synapticEvents: 4000 };
    const floor = { dispatchUs: 10, streamBytesPerS: 1e9, atomicAddsPerS: 1e6 };
    expect(dispatchesPerRun(net, 250)).toBe(1000);
    expect(dispatchesPerRun(net, 250, { fused: true, ticksPerSubmit: 100 })).toBe(3);
    const fused = lowerBound(net, counts, floor, { fused: true, ticksPerSubmit: 100 });
    const perTick = lowerBound(net, counts, floor);
    expect(fused.fused).toBe(true);
    expect(fused.dispatchMs).toBeCloseTo((3 * 10) / 1000, 12);
    expect(fused.dispatchesPerTick).toBeCloseTo(3 / 250, 12);
    expect(perTick.dispatchMs).toBeCloseTo((1000 * 10) / 1000, 12);
    expect(fused.bandwidthMs).toBe(perTick.bandwidthMs);
    expect(fused.atomicMs).toBe(perTick.atomicMs);
  });

  it('charges each part of the bytes the streaming rate of its working set', () => {
    const counts = { ticks: 100, spikes: 50, synapticEvents: 4000 };
    const b = tickBytes(net, counts);
    const sizeOf = (name: string) => net.buffers.find((x) => x.name === name)!.bytes;
    expect(b.synapseWorkingSet).toBe(sizeOf('synapse rows') + sizeOf('synapse targets') + sizeOf('synapse weights'));
    expect(b.neuronWorkingSet).toBe(b.neuronParams + b.neuronState / 2 + sizeOf('input ring') + sizeOf('tick spikes'));
    // A curve: 4 GB/s up to 1 kB working sets, 2 GB/s at 1 MB, 1 GB/s beyond (DRAM).
    const streamCurve = [
      { footprintBytes: 1e3, bytesPerS: 4e9 },
      { footprintBytes: 1e6, bytesPerS: 2e9 },
      { footprintBytes: 1e8, bytesPerS: 1e9 },
    ];
    const floor = { dispatchUs: 10, streamBytesPerS: 1e9, atomicAddsPerS: 1e6, streamCurve };
    expect(bandwidthFor(10, floor)).toBe(4e9); // below every point: the smallest
    expect(bandwidthFor(5e5, floor)).toBe(4e9); // fits the 1 kB point, not the 1 MB one
    expect(bandwidthFor(2e6, floor)).toBe(4e9); // the fastest point that fits
    expect(
      bandwidthFor(2e6, {
        ...floor,
        streamCurve: [
          { footprintBytes: 1e6, bytesPerS: 2e9 },
          { footprintBytes: 1e8, bytesPerS: 1e9 },
        ],
      }),
    ).toBe(2e9);
    expect(bandwidthFor(1e9, { ...floor, streamCurve: [{ footprintBytes: 1e8, bytesPerS: 1e9 }] })).toBe(1e9);
    expect(bandwidthFor(1e9, { ...floor, streamCurve: [] })).toBe(1e9);
    const lb = lowerBound(net, counts, floor);
    const neuronBytes = b.neuronParams + b.neuronState + b.ringSlot + b.spikes;
    expect(lb.neuronBytesPerS).toBe(bandwidthFor(b.neuronWorkingSet, floor));
    expect(lb.synapseBytesPerS).toBe(bandwidthFor(b.synapseWorkingSet, floor));
    expect(lb.bandwidthMs).toBeCloseTo(100 * (neuronBytes / lb.neuronBytesPerS + b.synapses / lb.synapseBytesPerS) * 1000, 9);
  });

  it('splits GPU memory into 8 B per synapse and the rest per neuron', () => {
    const mem = memoryPerElement(net);
    expect(mem.bytesPerSynapse).toBe(8);
    expect(mem.totalBytes).toBe(net.buffers.reduce((a, b) => a + b.bytes, 0));
    expect(mem.bytesPerNeuron! * net.neuronCount + 8 * net.synapseCount).toBeCloseTo(mem.totalBytes, 6);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('bench points', () => {
  it('plastic networks run twice, with STDP and with the same weights frozen; fixed-size networks take their size from the spec', () => {
    const pts = benchPoints(['song2000', 'polychronization']);
    expect(pts.map((p) => p.label)).toEqual([
      'song2000 n=1000 (stdp)',
      'song2000 n=1000 (static)',
      'polychronization n=2000 (stdp)',
      'polychronization n=2000 (static)',
    ]);
    expect(pts[0].options).toEqual({ n: 1000 });
    expect(pts[2].options).toEqual({});
    const stdp = pointSpec(pts[2]),
      frozen = pointSpec(pts[3]);
    expect(stdp.projections!.filter((p) => p.plasticity).map((p) => p.name)).toEqual(['EE', 'EI']);
    expect(frozen.projections!.some((p) => p.plasticity)).toBe(false);
    expect(frozen.projections!.map((p) => p.weight)).toEqual(stdp.projections!.map((p) => p.weight));
    expect(stdp.record).toEqual({});
  });

  it('reports the cost of plasticity as the ratio of the two runs', () => {
    const mk = (label: string, backend: 'webgpu' | 'cpu', wallMs: number) =>
      ({ label, backend, wallMs, status: 'ok', durationMs: 1000 }) as unknown as BenchRow;
    const lines = plasticityCosts([
      mk('song2000 n=1000 (stdp)', 'webgpu', 3000),
      mk('song2000 n=1000 (static)', 'webgpu', 1000),
      mk('song2000 n=1000 (stdp)', 'cpu', 500),
      mk('cuba n=4000', 'webgpu', 10),
    ]);
    expect(lines).toEqual([
      'cost of plasticity, song2000 n=1000 webgpu: ×3.00 wall time (STDP 3.00 s, same network with frozen weights 1.00 s, per 1000 ms simulated)',
    ]);
  });

  it('defaults: cuba scaled from 4000 to 200 000, brunel regime C at 12 500, izhikevich2003 at 1000', () => {
    const pts = benchPoints(['cuba', 'brunel', 'izhikevich2003']);
    expect(pts.filter((p) => p.network === 'cuba').map((p) => p.n)).toEqual(BENCH_DEFAULTS.cuba.sizes);
    expect(Math.max(...BENCH_DEFAULTS.cuba.sizes!)).toBeGreaterThanOrEqual(200_000);
    const brunel = pts.find((p) => p.network === 'brunel')!;
    expect(brunel.n).toBe(12500);
    expect(brunel.options.regime).toBe('C');
    expect(brunel.label).toBe('brunel C n=12500');
    expect(pts.find((p) => p.network === 'izhikevich2003')!.n).toBe(1000);
  });

  it('sizes and duration apply to every network; bad input throws before anything runs', () => {
    const pts = benchPoints(['cuba', 'izhikevich2003'], [100, 200], 5);
    expect(pts.map((p) => `${p.network}:${p.n}:${p.durationMs}`)).toEqual(['cuba:100:5', 'cuba:200:5', 'izhikevich2003:100:5', 'izhikevich2003:200:5']);
    expect(() => benchPoints(['cubaa'])).toThrow(SpecError);
    expect(() => benchPoints(['cuba'], [10])).toThrow(SpecError); // below the network's minimum n
    expect(() => benchPoints(['cuba'], [1.5])).toThrow(SpecError);
  });

  it('adapter names make safe file names', () => {
    expect(adapterSlug('SwiftShader driver 5.0.0 (google) [software]')).toBe('swiftshader-driver-5-0-0-google-software');
    expect(adapterSlug(null)).toBe('no-gpu');
  });
});

// ---------------------------------------------------------------------------------------------
// Report: a synthetic report (no GPU)
// ---------------------------------------------------------------------------------------------

function row(network: string, n: number, backend: BenchBackend, wallMs: number | null, extra: Partial<BenchRow> = {}): BenchRow {
  const durationMs = network === 'izhikevich2003' ? 1000 : 100;
  const dt = network === 'izhikevich2003' ? 1 : 0.1;
  const ticks = durationMs / dt;
  const events = n * 10;
  return {
    network,
    label: `${network} n=${n}`,
    options: { n },
    neurons: n,
    synapses: n * 80,
    backend,
    device: backend === 'webgpu' ? 'Test GPU' : backend === 'cpu' ? 'cpu (reference)' : 'cpp_standalone',
    fused: backend === 'webgpu' ? n <= 4000 : null,
    status: wallMs === null ? 'skipped' : 'ok',
    note: wallMs === null ? 'cpu reference capped at n ≤ 50000' : null,
    dt,
    durationMs,
    ticks,
    warmupMs: 20,
    repeats: 3,
    wallMs,
    wallMsSamples: wallMs === null ? [] : [wallMs * 0.9, wallMs, wallMs * 1.2],
    realTimeFactor: wallMs === null ? null : wallMs / durationMs,
    ticksPerS: wallMs === null ? null : ticks / (wallMs / 1000),
    spikes: n,
    synapticEvents: events,
    eventsEstimated: backend === 'brian2',
    eventsPerS: wallMs === null ? null : events / (wallMs / 1000),
    buildMs: 123,
    gpuBytes: backend === 'webgpu' ? n * 700 : null,
    bytesPerSynapse: backend === 'webgpu' ? 8 : null,
    bytesPerNeuron: backend === 'webgpu' ? 60 : null,
    peakRssBytes: backend === 'brian2' ? null : 1.5 * 2 ** 30,
    vsBrian2: null,
    bound: null,
    phases: null,
    actualOverBound: null,
    ...extra,
  };
}

function syntheticReport(): BenchReport {
  const points: BenchRow[] = [];
  for (const n of [4000, 20000, 50000, 200000]) {
    const b2 = n / 100;
    const bound = {
      ticks: 1000,
      fused: n <= 4000,
      dispatchesPerTick: n <= 4000 ? 0.01 : 3,
      spikesPerTick: 1,
      eventsPerTick: 80,
      bytesPerTick: { neuronParams: 1, neuronState: 1, ringSlot: 1, spikes: 1, synapses: 1, total: 5, neuronWorkingSet: 3, synapseWorkingSet: 2 },
      neuronBytesPerS: 1e9,
      synapseBytesPerS: 1e9,
      dispatchMs: n / 1000,
      bandwidthMs: n / 2000,
      atomicMs: 1,
      totalMs: n / 1000 + n / 2000 + 1,
    };
    points.push(
      row('cuba', n, 'webgpu', n / 10, {
        vsBrian2: n / 10 / b2,
        bound,
        actualOverBound: n / 10 / bound.totalMs,
        phases: { propagateMs: n / 100, plasticityMs: 0, neuronsMs: n / 20, wallMs: n / 10 },
      }),
    );
    points.push(row('cuba', n, 'cpu', n > 50000 ? null : n / 5, n > 50000 ? {} : { vsBrian2: n / 5 / b2 }));
    points.push(row('cuba', n, 'brian2', b2));
  }
  points.push(row('brunel', 12500, 'webgpu', 4000, { label: 'brunel C n=12500' }));
  points.push(row('brunel', 12500, 'cpu', 2000, { label: 'brunel C n=12500' }));
  points.push(row('brunel', 12500, 'brian2', 600, { label: 'brunel C n=12500' }));
  points.push(row('izhikevich2003', 1000, 'webgpu', 2000));
  points.push(row('izhikevich2003', 1000, 'cpu', 300));
  points.push(row('izhikevich2003', 1000, 'brian2', 80, { device: 'numpy', note: 'numpy port of net.m (tools/validation/brian2/run.py), not Brian2' }));
  const fig = (value: number, unit: string) => ({ value, best: value, samples: [value, value, value], unit, counts: [8, 64] as [number, number] });
  const floor: AdapterFloor = {
    dispatchUs: fig(12, 'µs'),
    streamBytesPerS: fig(8e8, 'B/s'),
    atomicAddsPerS: fig(5e7, 'adds/s'),
    encodeUsPerDispatch: 2,
    streamCurve: [
      { bufferBytes: 2 ** 20, footprintBytes: 2 ** 21, bytesPerS: fig(3e9, 'B/s') },
      { bufferBytes: 2 ** 26, footprintBytes: 2 ** 27, bytesPerS: fig(8e8, 'B/s') },
    ],
    config: { repeats: 3, targetMs: 150, streamBufferBytes: 2 ** 26, atomicSlots: 2 ** 20, atomicsPerDispatch: 2 ** 20 },
    measureMs: 5000,
  };
  return makeReport({
    date: '2025-01-31T12:00:00.000Z',
    adapter: { description: 'Test GPU <1> & co', isSoftware: true, hasTimestampQuery: false },
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryBytes: 8e9,
      platform: 'linux',
      arch: 'x64',
      osRelease: '6.1',
      node: 'v20.0.0',
      commit: 'abcdef0123456789',
      brian2: '2.5.1',
    },
    settings: { repeats: 3, backends: ['webgpu', 'cpu', 'brian2'], cpuMaxNeurons: 50000, warmupMs: null, fused: 'auto' },
    floor,
    notes: ['software adapter: only ratios mean anything'],
    points,
    totalMs: 1234,
  });
}

describe('report: JSON document', () => {
  it('has the schema, adapter, machine, floor and one entry per point and backend, and survives JSON', () => {
    const rep = syntheticReport();
    const back = JSON.parse(JSON.stringify(rep)) as BenchReport;
    expect(back).toEqual(rep);
    expect(back.schema).toBe(BENCH_SCHEMA);
    expect(Object.keys(back).sort()).toEqual(['adapter', 'date', 'floor', 'machine', 'notes', 'points', 'schema', 'settings', 'totalMs']);
    expect(back.points).toHaveLength(18);
    for (const p of back.points) {
      for (const k of [
        'network',
        'label',
        'neurons',
        'backend',
        'status',
        'durationMs',
        'wallMs',
        'wallMsSamples',
        'realTimeFactor',
        'ticksPerS',
        'eventsPerS',
        'buildMs',
        'bytesPerSynapse',
        'bytesPerNeuron',
        'vsBrian2',
        'bound',
        'actualOverBound',
      ]) {
        expect(p).toHaveProperty(k);
      }
    }
    expect(back.floor!.dispatchUs.value).toBe(12);
    expect(new Date(back.date).toISOString()).toBe(back.date);
  });
});

describe('report: table', () => {
  const table = formatTable(syntheticReport());
  const lines = table.split('\n');

  it('has every column and one line per point and backend', () => {
    const header = lines.find((l) => l.startsWith('network'))!;
    for (const c of TABLE_COLUMNS) expect(header).toContain(c);
    const rows = lines.filter((l) => /^(cuba|brunel|izhikevich2003)\s/.test(l));
    expect(rows).toHaveLength(18);
    expect(rows.filter((l) => /\swebgpu\s/.test(l))).toHaveLength(6);
  });

  it('shows values, ratios, skips and the notes', () => {
    const web4000 = lines.find((l) => /^cuba\s+4000\s+webgpu \(fused\)/.test(l))!;
    expect(lines.find((l) => /^cuba\s+20000\s+webgpu\s/.test(l))).toBeDefined();
    expect(web4000).toContain('400 ms'); // wall
    expect(web4000).toContain('4.00'); // RTF 400 / 100
    expect(web4000).toContain('10.0'); // ÷ Brian2: 400 / 40
    expect(web4000).toMatch(/\s8\.00\s+60\.0\s+1\.50 GiB\s/); // B/syn, B/neuron, peak RSS
    expect(lines.find((l) => /^cuba\s+200000\s+cpu/.test(l))).toContain('skipped');
    expect(table).toContain('cpu reference capped at n ≤ 50000');
    expect(lines.find((l) => /^izhikevich2003\s+1000\s+brian2 \(numpy\)/.test(l))).toBeDefined();
    expect(table).toContain('* events estimated');
    expect(table).toContain('adapter: Test GPU <1> & co');
    expect(table).toMatch(/floor: dispatch 12\.0 µs, streaming 800MB\/s, scattered i32 atomicAdd 50\.0M\/s/);
    expect(table).toContain('streaming by working set: 2.10MB 3.00GB/s, 134MB 800MB/s');
    expect(table).toContain('software adapter: only ratios mean anything');
  });

  it('aligns columns', () => {
    const header = lines.find((l) => l.startsWith('network'))!;
    const rule = lines[lines.indexOf(header) + 1];
    expect(rule.startsWith('-------')).toBe(true);
    const wallEnd = header.indexOf('wall (median)') + 'wall (median)'.length;
    for (const l of lines.filter((x) => /^cuba\s+\d+\s+webgpu/.test(x))) {
      expect(l[wallEnd - 1]).toMatch(/[s]/); // right-aligned: the value ends where the header does
      expect(l[wallEnd]).toBe(' ');
    }
  });
});

/** A small XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function checkXml(xml: string): { tags: { name: string; attrs: Record<string, string>; text: string }[] } {
  const stack: string[] = [];
  const tags: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let rest = xml.trim();
  expect(rest.startsWith('<svg')).toBe(true);
  const tagRe = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/;
  let roots = 0;
  while (rest.length) {
    if (rest.startsWith('<')) {
      const m = tagRe.exec(rest);
      if (!m) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
      const [all, close, name, attrText, selfClose] = m;
      if (close) {
        expect(stack.pop()).toBe(name);
      } else {
        if (!stack.length) roots++;
        const attrs: Record<string, string> = {};
        for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
          expect(attrs[a[1]]).toBeUndefined();
          attrs[a[1]] = a[2];
        }
        const end = rest.indexOf('<', all.length);
        tags.push({ name, attrs, text: selfClose ? '' : rest.slice(all.length, end === -1 ? undefined : end) });
        if (!selfClose) stack.push(name);
      }
      rest = rest.slice(all.length);
    } else {
      const end = rest.indexOf('<');
      const text = end === -1 ? rest : rest.slice(0, end);
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      expect(text).not.toContain('>');
      rest = end === -1 ? '' : rest.slice(end);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return { tags };
}

describe('report: SVG plot', () => {
  const svg = renderSvg(syntheticReport());
  const { tags } = checkXml(svg);

  it('is well-formed XML with an svg root in the SVG namespace', () => {
    expect(tags[0].name).toBe('svg');
    expect(tags[0].attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg).toContain('Test GPU &lt;1&gt; &amp; co');
  });

  it('draws one line per backend, and the lower bound', () => {
    const series = tags.filter((t) => t.name === 'polyline' && t.attrs.class === 'series');
    expect(series.map((t) => t.attrs['data-backend']).sort()).toEqual(['brian2', 'cpu', 'webgpu']);
    const pointsOf = (b: string) =>
      series
        .find((t) => t.attrs['data-backend'] === b)!
        .attrs.points.trim()
        .split(/\s+/);
    expect(pointsOf('webgpu')).toHaveLength(4); // the cuba sweep
    expect(pointsOf('cpu')).toHaveLength(3); // 200 000 skipped
    for (const p of pointsOf('webgpu')) expect(p).toMatch(/^-?[\d.]+,-?[\d.]+$/);
    // Increasing n → increasing x.
    const x = pointsOf('webgpu').map((p) => Number(p.split(',')[0]));
    expect([...x].sort((a, b) => a - b)).toEqual(x);
    expect(tags.filter((t) => t.name === 'polyline' && t.attrs.class === 'bound')).toHaveLength(1);
    // The fused point (cuba 4000 on webgpu) is an open marker.
    const open = tags.filter((t) => t.name === 'circle' && t.attrs.fill === 'white' && t.attrs.stroke === '#1f77b4');
    expect(open).toHaveLength(1);
  });

  it('has axis labels, log tick labels, a title and a legend with every backend', () => {
    const texts = tags.filter((t) => t.name === 'text').map((t) => t.text);
    expect(texts).toContain('Network size (neurons)');
    expect(texts).toContain('Wall-clock time per simulated second (s)');
    expect(tags.filter((t) => t.name === 'text' && t.attrs.class === 'axis-label')).toHaveLength(2);
    expect(texts).toContain(tickLabel(1000));
    expect(texts).toContain(tickLabel(100000));
    expect(texts).toContain('1');
    expect(tags.some((t) => t.name === 'title' && t.text.includes('Wall time per simulated second vs network size'))).toBe(true);
    for (const name of ['spikegpu webgpu', 'spikegpu cpu reference', 'Brian2 cpp_standalone', 'brunel', 'izhikevich2003']) expect(texts).toContain(name);
  });

  it('handles a report with nothing measured', () => {
    const rep = syntheticReport();
    rep.points = rep.points.map((p) => ({ ...p, status: 'skipped' as const, wallMs: null, realTimeFactor: null }));
    checkXml(renderSvg(rep));
  });

  it('tick labels and escaping', () => {
    expect(tickLabel(200000)).toBe('200\u2009000');
    expect(tickLabel(0.01)).toBe('0.01');
    expect(tickLabel(5)).toBe('5');
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});

describe('phase split in the table', () => {
  it('lists each profiled point with its shares of the wall time', async () => {
    const { formatTable } = await import('../../tools/bench/report.ts');
    const report = syntheticReport();
    const text = formatTable(report);
    expect(text).toContain('GPU time by phase');
    expect(text).toMatch(
      /- cuba n=4000: propagation \S+ ms \(10 %\), neurons \S+ ms \(50 %\), other \(submission, copies, readback, host\) \S+ ms \(40 %\) of \S+ ms wall/,
    );
  });
});

describe('bench points of a network sized by scale', () => {
  it('microcircuit runs at scales 0.1, 0.25, 0.5 and 1, stored and procedural, labelled with scale and neurons; --sizes (neurons) leaves it alone', () => {
    const pts = benchPoints(['microcircuit'], [4000]);
    expect(pts.map((p) => p.label)).toEqual([
      'microcircuit scale=0.1 n=7718',
      'microcircuit scale=0.1 procedural n=7718',
      'microcircuit scale=0.25 n=19294',
      'microcircuit scale=0.25 procedural n=19294',
      'microcircuit scale=0.5 n=38587',
      'microcircuit scale=0.5 procedural n=38587',
      'microcircuit scale=1 n=77169',
      'microcircuit scale=1 procedural n=77169',
    ]);
    expect(pts.slice(0, 2).map((p) => p.options)).toEqual([
      { connectivity: 'stored', scale: 0.1 },
      { connectivity: 'procedural', scale: 0.1 },
    ]);
  });
});

/**
 * CSV files per RFC 4180: spike and weight files for populations and projections whose names
 * hold commas, quotes and line breaks, read back by a strict RFC 4180 parser here and by
 * Python's csv module, must give back the same names and numbers.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { f32 } from '../../src/equations/f32.ts';
import { csvRow, shortestF32, spikesCsv, spikesCsvChunks, spikesJsonChunks, weightsCsv, weightsCsvChunks, weightsJsonChunks } from '../../src/results/files.ts';
import type { ProjectionWeights } from '../../src/sim/simulator.ts';
import type { PopulationSpikes } from '../../src/sim/spikeRecorder.ts';

const PYTHON = '/usr/bin/python3';

/** Names that break naive CSV: separators, quotes, every kind of line break, blanks, non-ASCII. */
const AWKWARD_NAMES = ['E, layer "2/3"', 'plain', '"quoted"', 'two\nlines', 'crlf\r\ninside', 'lone\rcr', 'trailing,', ' spaced ', 'ünïcode ✓', '', '""'];

/**
 * A strict RFC 4180 parser: records end in CRLF or LF (the RFC's CRLF, and what these files
 * use); a quote inside a quoted field must be doubled, and none may appear in an unquoted one.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] !== '"') field += text[i];
        else if (text[i + 1] === '"') field += text[i++];
        else break;
      }
      i++; // the closing quote
    } else {
      for (; i < text.length && !',\r\n'.includes(text[i]); i++) {
        if (text[i] === '"') throw new Error(`quote in an unquoted field at ${i}`);
        field += text[i];
      }
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (i === text.length || text[i] === '\n' || text.startsWith('\r\n', i)) {
      i += text[i] === '\n' ? 1 : text[i] === '\r' ? 2 : 0;
      records.push(record);
      record = [];
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} after a field at ${i}`);
  }
  return records;
}

/** Python's csv.reader on `text`, in strict mode, bytes as they are (newline='' keeps CRs). */
function parseCsvWithPython(text: string): string[][] {
  const script =
    "import csv, io, json, sys; json.dump(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True)), sys.stdout)";
  const run = spawnSync(PYTHON, ['-c', script], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Spikes for each awkward name: times (ms) as a tick count times dt would give them. */
function awkwardSpikes(): Record<string, PopulationSpikes> {
  return Object.fromEntries(AWKWARD_NAMES.map((name, k) => [name, { times: Float64Array.of(0, 3 * 0.1, 12.5 + k), ids: Uint32Array.of(k, 0, 4_000_000_000) }]));
}

function awkwardWeights(): ProjectionWeights[] {
  return AWKWARD_NAMES.map((projection, k) => ({
    projection,
    pre: Uint32Array.of(0, k, 1),
    post: Uint32Array.of(k + 1, 7, 0),
    delayMs: Float64Array.of(0.1, 3 * 0.1, 12.5),
    weights: Float32Array.of(0.5, 0.1, -2.25e-7),
  }));
}

/** The rows a spikes file must read back as: names intact, times as printed (0.3, not 0.30000000000000004). */
const expectedSpikeRows = (): string[][] => [
  ['population', 'time_ms', 'id'],
  ...AWKWARD_NAMES.flatMap((name, k) => [
    [name, '0', String(k)],
    [name, '0.3', '0'],
    [name, String(12.5 + k), '4000000000'],
  ]),
];

const expectedWeightRows = (): string[][] => [
  ['projection', 'pre', 'post', 'delay_ms', 'weight'],
  ...AWKWARD_NAMES.flatMap((name, k) => [
    [name, '0', String(k + 1), '0.1', '0.5'],
    [name, String(k), '7', '0.3', '0.1'],
    [name, '1', '0', '12.5', '-2.25e-7'],
  ]),
];

describe('csvRow', () => {
  it('quotes a field only when it holds a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvRow(['E, layer "2/3"', 0.1, 7])).toBe('"E, layer ""2/3""",0.1,7\n');
    expect(csvRow(['plain', ' spaced ', '', -1.5e-7])).toBe('plain, spaced ,,-1.5e-7\n');
    expect(csvRow(['a\nb', 'c\rd', 'e"f'])).toBe('"a\nb","c\rd","e""f"\n');
  });
});

describe('spike and weight CSV files read back exactly', () => {
  it('spikes, by an RFC 4180 parser', () => {
    const text = spikesCsv(awkwardSpikes());
    expect(text.endsWith('\n')).toBe(true);
    expect(parseCsv(text)).toEqual(expectedSpikeRows());
  });

  it('weights, by an RFC 4180 parser, each weight the same f32', () => {
    const projections = awkwardWeights();
    const rows = parseCsv(weightsCsv(projections));
    expect(rows).toEqual(expectedWeightRows());
    const weights = rows.slice(1).map((r) => f32(Number(r[4])));
    expect(weights).toEqual(projections.flatMap((p) => Array.from(p.weights)));
  });

  it('plain names are not quoted (files without awkward names are unchanged)', () => {
    expect(spikesCsv({ E: { times: Float64Array.of(0.1), ids: Uint32Array.of(3) } })).toBe('population,time_ms,id\nE,0.1,3\n');
    expect(
      weightsCsv([{ projection: 'ff', pre: Uint32Array.of(0), post: Uint32Array.of(2), delayMs: Float64Array.of(0.1), weights: Float32Array.of(0.5) }]),
    ).toBe('projection,pre,post,delay_ms,weight\nff,0,2,0.1,0.5\n');
  });

  it("spikes and weights, by Python's csv module", () => {
    expect(parseCsvWithPython(spikesCsv(awkwardSpikes()))).toEqual(expectedSpikeRows());
    expect(parseCsvWithPython(weightsCsv(awkwardWeights()))).toEqual(expectedWeightRows());
  });

  it('the parser here is strict: it rejects what naive writers produce', () => {
    expect(() => parseCsv('E, layer "2/3",0,1\n')).toThrow('quote in an unquoted field');
    expect(() => parseCsv('"E" x,0,1\n')).toThrow('unexpected');
    expect(() => parseCsv('"E,0,1\n')).toThrow('unterminated');
  });
});

describe('spike files in chunks', () => {
  const big = 150_000;
  // fromEntries makes `__proto__` an own key, as a spec's population name would be.
  const spikes: Record<string, PopulationSpikes> = Object.fromEntries([
    ['E', { times: Float64Array.from({ length: big }, (_, k) => k * 0.1), ids: Uint32Array.from({ length: big }, (_, k) => k % 997) }],
    ['__proto__', { times: Float64Array.of(0.30000000000000004), ids: Uint32Array.of(3) }],
    ['a "quoted", name', { times: new Float64Array(0), ids: new Uint32Array(0) }],
  ]);
  const state = [{ pop: 'E', var: 'v', ids: Uint32Array.of(0, 5), times: Float64Array.of(0, 0.1, 0.2), values: Float32Array.of(-65, -64, NaN, -63, -62, -61) }];

  it('JSON reads back with every population (also __proto__), every spike and the state', () => {
    const chunks = [...spikesJsonChunks(0.1, spikes, state)];
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(2_000_000);
    const back = JSON.parse(chunks.join('')) as { dt: number; populations: Record<string, { times: number[]; ids: number[] }>; state: unknown[] };
    expect(back.dt).toBe(0.1);
    expect(Object.keys(back.populations)).toEqual(['E', '__proto__', 'a "quoted", name']);
    expect(back.populations.E.ids).toEqual(Array.from(spikes.E.ids));
    expect(back.populations.E.times[big - 1]).toBe(Math.round((big - 1) * 0.1 * 1e6) / 1e6);
    expect(Object.getOwnPropertyDescriptor(back.populations, '__proto__')!.value).toEqual({ times: [0.3], ids: [3] });
    expect(back.state).toEqual([
      {
        pop: 'E',
        var: 'v',
        ids: [0, 5],
        times: [0, 0.1, 0.2],
        values: [
          [-65, -64],
          [null, -63],
          [-62, -61],
        ],
      },
    ]);
  });

  it('CSV holds every spike, in chunks', () => {
    const chunks = [...spikesCsvChunks(spikes)];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('').split('\n').length).toBe(1 + big + 1 + 1);
  });
});

describe('weight files in chunks', () => {
  const projection = (name: string, n: number) => ({
    projection: name,
    pre: Uint32Array.from({ length: n }, (_, i) => i % 97),
    post: Uint32Array.from({ length: n }, (_, i) => i % 13),
    delayMs: Float64Array.from({ length: n }, (_, i) => (1 + (i % 3)) * 0.1),
    weights: Float32Array.from({ length: n }, (_, i) => f32(i / 7)),
  });

  it('JSON: the bytes JSON.stringify gives for the same object, history and completeness included', () => {
    const a = {
      ...projection('E, "2/3"', 300),
      history: { times: Float64Array.of(0, 0.30000000000000004), weights: [Float32Array.of(0.1, 0.2), Float32Array.of(f32(1 / 3), 0)] },
    };
    const b = projection('plain', 5);
    const text = [...weightsJsonChunks(0.1, 1000.0000000001, [a, b], false)].join('');
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    const plain = (p: ReturnType<typeof projection>) => ({
      pre: Array.from(p.pre),
      post: Array.from(p.post),
      delayMs: Array.from(p.delayMs, round),
      weights: Array.from(p.weights, shortestF32),
    });
    expect(text).toBe(
      JSON.stringify({
        dt: 0.1,
        timeMs: 1000,
        complete: false,
        projections: {
          [a.projection]: {
            ...plain(a),
            history: {
              times: [0, 0.3],
              weights: [
                [0.1, 0.2],
                [0.33333334, 0],
              ],
            },
          },
          plain: plain(b),
        },
      }),
    );
  });

  it('a large projection comes in bounded chunks, JSON and CSV', () => {
    const big = projection('big', 300_000);
    for (const chunks of [weightsJsonChunks(0.1, 10, [big]), weightsCsvChunks([big])]) {
      let longest = 0,
        rows = 0;
      for (const c of chunks) {
        longest = Math.max(longest, c.length);
        rows += c.split('\n').length - 1;
      }
      expect(longest).toBeLessThan(2 ** 21);
      expect(rows === 0 || rows === 300_001).toBe(true);
    }
  });
});

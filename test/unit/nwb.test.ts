/**
 * NWB 2.x spike files (`spikegpu run --out x.nwb`, `spikesNwb`), read back by h5py (Debian's
 * python3-h5py): NWB's required root structure, the units table, and per population the same
 * spikes as `--out x.json`. (pynwb is not in Debian, so it is not used here.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { spikesNwb } from '../../src/results/nwb.ts';
import { cli } from '../helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = '/usr/bin/python3';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-nwb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Checks an NWB file with h5py against the JSON spike file of the same run (argv: nwb, json)
 * and prints what it found; any departure from NWB's required layout is an assertion error.
 */
const CHECK_NWB = String.raw`
import datetime, json, sys, uuid
import h5py, numpy

f = h5py.File(sys.argv[1], "r")
reference = json.load(open(sys.argv[2]))["populations"]
text = lambda value: value.decode() if isinstance(value, bytes) else str(value)
object_ids = []

def typed(obj, namespace, neurodata_type):
    assert text(obj.attrs["namespace"]) == namespace, (obj.name, obj.attrs.get("namespace"))
    assert text(obj.attrs["neurodata_type"]) == neurodata_type, (obj.name, obj.attrs.get("neurodata_type"))
    object_ids.append(str(uuid.UUID(text(obj.attrs["object_id"]))))

def isodatetime(value):
    parsed = datetime.datetime.fromisoformat(text(value).replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, value
    return parsed

# The root: NWBFile's attributes, required datasets and groups.
typed(f, "core", "NWBFile")
assert text(f.attrs["nwb_version"]).startswith("2."), f.attrs["nwb_version"]
uuid.UUID(text(f["identifier"][()]))
assert "spikegpu" in text(f["session_description"][()])
start = isodatetime(f["session_start_time"][()])
assert isodatetime(f["timestamps_reference_time"][()]) == start
created = f["file_create_date"]
assert created.ndim == 1 and created.shape[0] >= 1 and h5py.check_string_dtype(created.dtype)
isodatetime(created[0])
for group in ["acquisition", "analysis", "processing", "stimulus", "stimulus/presentation", "stimulus/templates", "general"]:
    assert isinstance(f[group], h5py.Group), group

# The run: the spec whole, spikegpu's version and the seed.
spec = json.loads(text(f["general/source_script"][()]))
notes = f["general/notes"]
info = {
    "spec": spec,
    "file_name": text(f["general/source_script"].attrs["file_name"]),
    "notes": text(notes[()]),
    "version": text(notes.attrs["spikegpu_version"]),
    "seed": int(notes.attrs["seed"]),
    "duration_ms": float(notes.attrs["duration_ms"]),
    "complete": int(notes.attrs["complete"]),
}

# The units table: a DynamicTable with a ragged spike_times column.
units = f["units"]
typed(units, "core", "Units")
assert [text(c) for c in units.attrs["colnames"]] == ["spike_times", "population", "local_id"], units.attrs["colnames"]
assert text(units.attrs["description"])
typed(units["id"], "hdmf-common", "ElementIdentifiers")
for column in ["spike_times", "population", "local_id"]:
    typed(units[column], "hdmf-common", "VectorData")
    assert text(units[column].attrs["description"]), column
typed(units["spike_times_index"], "hdmf-common", "VectorIndex")
target = units["spike_times_index"].attrs["target"]
assert isinstance(target, h5py.Reference) and f[target].name == "/units/spike_times", target
assert units["spike_times"].dtype == numpy.float64 and units["spike_times_index"].dtype.kind == "u"
assert len(set(object_ids)) == len(object_ids), "object ids must be unique"

n = units["id"].shape[0]
assert units["id"][:].tolist() == list(range(n))
index = units["spike_times_index"][:]
times = units["spike_times"][:]
populations = [text(p) for p in units["population"][:]]
local_ids = units["local_id"][:].tolist()
assert len(index) == len(populations) == len(local_ids) == n and (n == 0 or index[-1] == len(times))

# Per unit, the spikes of the JSON file (ms there, s here), in time order.
found = {}
for row in range(n):
    begin = index[row - 1] if row else 0
    found.setdefault(populations[row], {})[local_ids[row]] = times[begin:index[row]]
counts = {}
for name, p in reference.items():
    expected = {}
    for t, i in zip(p["times"], p["ids"]):
        expected.setdefault(i, []).append(t)
    units_of = found.get(name, {})
    for i, ts in expected.items():
        assert i in units_of, (name, i, "spiked but has no unit")
        assert numpy.allclose(units_of[i] * 1000, ts, rtol=0, atol=1e-9), (name, i)
        assert numpy.all(numpy.diff(units_of[i]) >= 0), (name, i, "not in time order")
    assert all(len(ts) == 0 for i, ts in units_of.items() if i not in expected), (name, "spikes the JSON lacks")
    counts[name] = int(sum(len(ts) for ts in units_of.values()))
info["units"] = {name: sorted(ids) for name, ids in ((name, list(u)) for name, u in found.items())}
info["counts"] = counts
print(json.dumps(info))
`;

/** What CHECK_NWB reports. */
interface NwbCheck {
  spec: Record<string, unknown> & { seed: number };
  file_name: string;
  notes: string;
  version: string;
  seed: number;
  duration_ms: number;
  complete: number;
  units: Record<string, number[]>;
  counts: Record<string, number>;
}

function checkNwb(nwb: string, json: string): NwbCheck {
  const py = spawnSync(PYTHON, ['-c', CHECK_NWB, nwb, json], { encoding: 'utf8' });
  expect(py.status, `h5py must be importable by ${PYTHON} (Debian: python3-h5py); the check says: ${py.stderr}`).toBe(0);
  return JSON.parse(py.stdout) as NwbCheck;
}

/** Run `target` once per output file, in parallel; all must succeed. */
async function runTo(target: string, extra: string[], outs: string[]): Promise<void> {
  const results = await Promise.all(outs.map((out) => cli('run', target, ...extra, '--backend', 'cpu', '--out', out)));
  for (const r of results) expect(r.code, r.stderr).toBe(0);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('spikegpu run --out x.nwb', () => {
  it('cuba: NWB 2.x structure, one unit per neuron, the JSON file’s spikes per population', async () => {
    const nwb = join(tmp, 'cuba.nwb');
    const json = join(tmp, 'cuba.json');
    await runTo('cuba', ['--set', 'n=1000', '--duration', '200', '--seed', '7'], [nwb, json]);
    const check = checkNwb(nwb, json);
    const reference = JSON.parse(readFileSync(json, 'utf8')).populations;
    expect(check.counts).toEqual({ E: reference.E.ids.length, I: reference.I.ids.length });
    expect(check.counts.E + check.counts.I).toBeGreaterThan(100);
    expect(check.units).toEqual({ E: range(800), I: range(200) });
    expect(check.spec).toEqual({ ...builtinNetwork('cuba', { n: 1000 }), seed: 7 });
    expect(check).toMatchObject({ file_name: 'cuba.json', version: VERSION, seed: 7, duration_ms: 200, complete: 1 });
    expect(check.notes).toContain(`spikegpu ${VERSION}`);
    expect(check.notes).toContain('seed 7');
  });

  it('units are the recorded neurons only, spike times exact to the tick', async () => {
    const spec = {
      version: 1,
      name: 'sources',
      dt: 0.1,
      seed: 3,
      populations: {
        S: { size: 5, model: 'spikeSource', times: [0.2, 1.5, 1.5, 3.0, 9.9], ids: [4, 1, 4, 4, 0] },
        Hidden: { size: 3, model: 'poisson', params: { rate: 100 } },
        T: { size: 4, model: 'spikeSource', times: [2.5], ids: [2] },
      },
      record: { spikes: [{ pop: 'S', ids: [4, 1, 2] }, 'T'] },
    };
    const specPath = join(tmp, 'sources.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const nwb = join(tmp, 'sources.nwb');
    const json = join(tmp, 'sources.json.out.json');
    await runTo(specPath, ['--duration', '10'], [nwb, json]);
    const check = checkNwb(nwb, json);
    expect(check.units).toEqual({ S: [1, 2, 4], T: [0, 1, 2, 3] });
    expect(check.counts).toEqual({ S: 4, Hidden: 0, T: 1 });
    expect(check.file_name).toBe('sources.json');
    expect(check.seed).toBe(3);
    // Exact values: times are ms rounded to the tick, then / 1000.
    const py = spawnSync(
      PYTHON,
      ['-c', 'import sys, h5py; u = h5py.File(sys.argv[1])["units"]; print(u["spike_times"][:].tolist(), u["spike_times_index"][:].tolist())', nwb],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(py.stdout.trim()).toBe('[0.0015, 0.0002, 0.0015, 0.003, 0.0025] [1, 1, 4, 4, 4, 5, 5]');
  });
});

describe('spikesNwb (in memory, as the editor downloads it)', () => {
  const spec = validateSpec({
    version: 1,
    dt: 0.1,
    populations: { A: { size: 3, model: 'poisson', params: { rate: 10 } }, B: { size: 2, model: 'poisson', params: { rate: 10 } } },
  });
  const spikes = {
    A: { times: Float64Array.from([0.1, 0.30000000000000004, 0.5]), ids: Uint32Array.from([2, 0, 2]) },
    B: { times: new Float64Array(0), ids: new Uint32Array(0) },
  };

  it('is an HDF5 file that h5py reads as the same spikes', async () => {
    const bytes = await spikesNwb({ spikes, spec, seed: 11, version: VERSION, durationMs: 1, complete: false });
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]); // HDF5's signature
    const nwb = join(tmp, 'memory.nwb');
    const json = join(tmp, 'memory.json');
    writeFileSync(nwb, bytes);
    writeFileSync(json, JSON.stringify({ populations: { A: { times: [0.1, 0.3, 0.5], ids: [2, 0, 2] }, B: { times: [], ids: [] } } }));
    const check = checkNwb(nwb, json);
    expect(check.units).toEqual({ A: [0, 1, 2], B: [0, 1] });
    expect(check.counts).toEqual({ A: 3, B: 0 });
    expect(check).toMatchObject({ seed: 11, complete: 0, file_name: 'network.json' });
    expect(check.notes).toContain('stopped before the end');
  });

  it('refuses spikes of a neuron that is not recorded, or of a population the spec lacks', async () => {
    const partial = validateSpec({ ...spec, record: { spikes: [{ pop: 'A', ids: [0] }] } });
    await expect(spikesNwb({ spikes, spec: partial, seed: 1, version: VERSION, durationMs: 1 })).rejects.toThrow(
      'population A: a spike of neuron 2, which is not recorded',
    );
    await expect(spikesNwb({ spikes: { ...spikes, C: spikes.B }, spec, seed: 1, version: VERSION, durationMs: 1 })).rejects.toThrow(
      'spikes of population "C", which the spec does not have',
    );
  });
});

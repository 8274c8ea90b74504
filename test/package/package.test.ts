/**
 * The package as a user gets it: `npm pack`, the tarball installed into a new project, then
 * used the four ways users use it — plain Node ESM, a strict NodeNext TypeScript consumer, a
 * Vite browser bundle (which must not contain Dawn), and the installed `spikegpu` command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinNetwork, Simulator } from '../../src/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const work = mkdtempSync(join(tmpdir(), 'spikegpu-package-'));
const consumer = join(work, 'consumer');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Result> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

const npm = (args: string[], cwd: string) => exec(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd);
const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
const expectOk = (r: Result) => expect(r.code, `exit ${r.code}\n${r.stderr}\n${r.stdout}`).toBe(0);

let tarball = '';

beforeAll(async () => {
  const packed = await npm(['pack', '--json', '--pack-destination', work], ROOT);
  expectOk(packed);
  tarball = join(work, JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0].filename);
  write(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  expectOk(await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer));
}, 600_000);

describe('the packed tarball', () => {
  it('holds the compiled library, its types, the CLI, the Brian2 scripts and the digits data, and no sources or tests', () => {
    const installed = join(consumer, 'node_modules', 'spikegpu');
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/index.js.map',
      'dist/cli/spikegpu.js',
      'bin/spikegpu.js',
      'tools/validation/brian2/run.py',
      'schema/spec-v1.json',
      'data/digits.csv.gz',
      'data/README.md',
      'LICENSE',
      'README.md',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    for (const absent of ['src', 'test', 'demos', 'dist/demos']) expect(existsSync(join(installed, absent)), absent).toBe(false);
  });

  it('plain Node imports it and simulates 100 ms, with the spikes of the sources', async () => {
    write(
      join(consumer, 'simulate.mjs'),
      `import { Simulator, builtinNetwork } from 'spikegpu';
const sim = await Simulator.create(builtinNetwork('cuba', { n: 400 }));
await sim.run(100);
const s = sim.summary();
sim.dispose();
console.log(JSON.stringify({ backend: s.backend, durationMs: s.durationMs, neurons: s.neurons, spikes: s.spikes }));
`,
    );
    const r = await exec(process.execPath, ['simulate.mjs'], consumer);
    expectOk(r);
    const got = JSON.parse(r.stdout);
    // The test environment has an adapter (SwiftShader at least), so auto picks WebGPU.
    expect(got).toMatchObject({ backend: 'webgpu', durationMs: 100, neurons: 400 });
    const reference = await Simulator.create(builtinNetwork('cuba', { n: 400 }), { backend: 'cpu' });
    await reference.run(100);
    expect(got.spikes).toBeGreaterThan(0);
    expect(got.spikes).toBe(reference.summary().spikes);
    reference.dispose();
  });

  it('a strict NodeNext TypeScript consumer type-checks against its declarations', async () => {
    write(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.ts'],
      }),
    );
    write(
      join(consumer, 'consumer.ts'),
      `import { Simulator, SpecError, builtinNetwork, validateSpec, type NetworkSpec, type RunSummary } from 'spikegpu';
const spec: NetworkSpec = builtinNetwork('cuba', { n: 400 });
validateSpec({ ...spec, $schema: './node_modules/spikegpu/schema/spec-v1.json' });
const sim = await Simulator.create(spec, { backend: 'cpu', ticksPerSubmit: 50 });
await sim.run(10);
const summary: RunSummary = sim.summary();
const rateHz: number = summary.populations.E.rateHz;
const times: Float64Array | number[] = sim.spikes('E').times;
console.log(rateHz, times.length, new SpecError('dt', 'x').message);
// @ts-expect-error the backend names are typed, so the declarations are not 'any'
await Simulator.create(spec, { backend: 'cuda' });
`,
    );
    const r = await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer);
    expect(r.stdout + r.stderr).toBe('');
    expectOk(r);
  });

  it('a Vite consumer builds a browser bundle without Dawn', async () => {
    write(join(consumer, 'index.html'), '<!doctype html><html><body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>\n');
    write(
      join(consumer, 'main.js'),
      `import { Simulator, builtinNetwork } from 'spikegpu';
const sim = await Simulator.create(builtinNetwork('cuba', { n: 400 }));
await sim.run(100);
document.getElementById('out').textContent = JSON.stringify(sim.summary());
`,
    );
    const r = await exec(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', 'web'], consumer);
    expectOk(r);
    const assets = join(consumer, 'web', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const bundle = js.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    expect(bundle).toContain('propagate'); // the kernels are in it
    for (const dawn of ['dawn.node', 'createRequire', 'deviceDestroyUnmapsBuffers']) expect(bundle).not.toContain(dawn);
    const bytes = js.reduce((sum, f) => sum + statSync(join(assets, f)).size, 0);
    expect(bytes).toBeLessThan(1 << 20);
  });

  it('the installed spikegpu command runs and reports its version', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'spikegpu');
    const version = await exec(bin, ['--version'], consumer);
    expectOk(version);
    expect(version.stdout.trim()).toBe(VERSION);
    const run = await exec(bin, ['run', 'cuba', '--set', 'n=400', '--duration', '50', '--json'], consumer);
    expectOk(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ network: 'cuba', neurons: 400, durationMs: 50 });
    // learn reads the digits from the package's data/.
    const learn = await exec(bin, ['learn', 'digits', '--backend', 'cpu', '--neurons', '4', '--train-images', '5', '--test-images', '5', '--json'], consumer);
    expectOk(learn);
    expect(JSON.parse(learn.stdout)).toMatchObject({ dataset: 'digits', neurons: 4, trainImages: 5, testImages: 5 });
  });

  it('the installed spikegpu validate finds its Brian2 scripts and compares', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'spikegpu');
    const r = await exec(bin, ['validate', '--networks', 'cuba', '--seeds', '2', '--duration', '200', '--backend', 'cpu', '--json'], consumer);
    expectOk(r);
    const report = JSON.parse(r.stdout);
    expect(JSON.stringify(report)).toContain('cuba');
  });
});

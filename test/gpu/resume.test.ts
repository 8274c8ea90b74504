/**
 * `spikegpu run --checkpoint` killed with SIGKILL at a random moment after its first checkpoint
 * and continued with `spikegpu run --resume` writes the same bytes as a run never stopped:
 * cuba, a plastic network (weights too) and a network with noise, on both backends.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-resume-'));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the CLI; with `killWhen`, SIGKILL it `delayMs` after `killWhen` (a file) appears.
 */
function spikegpu(args: string[], killWhen?: { file: string; delayMs: number }): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/spikegpu.ts', ...args], { cwd: ROOT });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = killWhen
      ? setInterval(() => {
          if (!existsSync(killWhen.file)) return;
          clearInterval(poll);
          setTimeout(() => child.kill('SIGKILL'), killWhen.delayMs);
        }, 5)
      : undefined;
    child.on('close', (code, signal) => {
      clearInterval(poll);
      done({ code, signal, stdout, stderr });
    });
  });
}

const cases: { name: string; args: string[]; outputs: string[] }[] = [
  { name: 'cuba', args: ['run', 'cuba', '--set', 'n=1000', '--duration', '1500'], outputs: ['spikes.json'] },
  { name: 'polychronization (plastic)', args: ['run', 'polychronization', '--duration', '2000'], outputs: ['spikes.csv', 'weights.json'] },
  { name: 'izhikevich2003 (noise)', args: ['run', 'izhikevich2003', '--duration', '3000'], outputs: ['spikes.json'] },
];

describe('killed with SIGKILL and resumed from the last checkpoint: the same bytes as a run never stopped', () => {
  for (const backend of ['cpu', 'webgpu'])
    for (const c of cases)
      it(`${c.name} on ${backend}`, async () => {
        const dir = mkdtempSync(join(tmp, `${c.name.split(' ')[0]}-${backend}-`));
        const outputs = (prefix: string) => c.outputs.flatMap((f) => [f.startsWith('weights') ? '--weights-out' : '--out', join(dir, `${prefix}-${f}`)]);
        const whole = await spikegpu([...c.args, '--backend', backend, ...outputs('whole')]);
        expect(whole.code, whole.stderr).toBe(0);

        const checkpoint = join(dir, 'run.ckpt');
        const delayMs = Math.floor(Math.random() * 150);
        const killed = await spikegpu([...c.args, '--backend', backend, ...outputs('resumed'), '--checkpoint', checkpoint, '--checkpoint-every', '100'], {
          file: checkpoint,
          delayMs,
        });
        expect(killed.signal, `not killed ${delayMs} ms after its first checkpoint: ${killed.stderr}`).toBe('SIGKILL');
        for (const f of c.outputs) expect(existsSync(join(dir, `resumed-${f}`))).toBe(false);

        const resumed = await spikegpu(['run', '--resume', checkpoint]);
        expect(resumed.code, resumed.stderr).toBe(0);
        for (const f of c.outputs) expect(readFileSync(join(dir, `resumed-${f}`)).equals(readFileSync(join(dir, `whole-${f}`))), `${f} differs`).toBe(true);
      });
});

describe('spikegpu run --resume', () => {
  it('after SIGINT: exit 130, a checkpoint, and a resume on the other backend gives the same bytes', async () => {
    const dir = mkdtempSync(join(tmp, 'sigint-'));
    const args = ['run', 'cuba', '--set', 'n=1000', '--duration', '4000', '--backend', 'webgpu'];
    const whole = await spikegpu([...args, '--out', join(dir, 'whole.csv')]);
    expect(whole.code, whole.stderr).toBe(0);
    const checkpoint = join(dir, 'run.ckpt');
    const stopped = await new Promise<Exit>((done) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'cli/spikegpu.ts', ...args, '--out', join(dir, 'resumed.csv'), '--checkpoint', checkpoint, '--checkpoint-every', '200'],
        {
          cwd: ROOT,
        },
      );
      let stdout = '',
        stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // Its first checkpoint is written after its signal handlers are in place.
      const poll = setInterval(() => {
        if (!existsSync(checkpoint)) return;
        clearInterval(poll);
        child.kill('SIGINT');
      }, 5);
      child.on('close', (code, signal) => {
        clearInterval(poll);
        done({ code, signal, stdout, stderr });
      });
    });
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stdout).toContain(`go on with: spikegpu run --resume ${checkpoint}`);
    const resumed = await spikegpu(['run', '--resume', checkpoint, '--backend', 'cpu']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'resumed.csv')).equals(readFileSync(join(dir, 'whole.csv')))).toBe(true);
  });

  it('refuses options that would change the run, and files that are not its checkpoints (exit 2, one line)', async () => {
    const dir = mkdtempSync(join(tmp, 'refuse-'));
    const checkpoint = join(dir, 'run.ckpt');
    expect((await spikegpu(['run', 'cuba', '--set', 'n=400', '--duration', '20', '--backend', 'cpu', '--checkpoint', checkpoint])).code).toBe(0);
    const refusals: [string[], RegExp][] = [
      [['--seed', '2'], /^spikegpu: --seed cannot change a resumed run/],
      [['--out', join(dir, 'x.json')], /^spikegpu: --out cannot change a resumed run/],
      [['cuba'], /^spikegpu: --resume continues the network saved in the checkpoint/],
      [['--duration', '10'], /^spikegpu: --duration 10 ms: the checkpoint is already at 20 ms/],
      [['--duration', '1e12'], /^spikegpu: --duration: duration 1000000000000 ms is too long/],
    ];
    for (const [extra, message] of refusals) {
      const r = await spikegpu(['run', '--resume', checkpoint, '--backend', 'cpu', ...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const notCheckpoint = await spikegpu(['run', '--resume', join(ROOT, 'package.json')]);
    expect(notCheckpoint.code).toBe(2);
    expect(notCheckpoint.stderr).toMatch(/package\.json": not a spikegpu checkpoint/);
    const missing = await spikegpu(['run', '--resume', join(dir, 'none.ckpt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read it \(ENOENT\)/);
    const longer = await spikegpu(['run', '--resume', checkpoint, '--backend', 'cpu', '--duration', '40', '--json']);
    expect(longer.code, longer.stderr).toBe(0);
    expect(JSON.parse(longer.stdout)).toMatchObject({ durationMs: 40, complete: true });
  });
});

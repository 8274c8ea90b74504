/**
 * Interrupted runs keep their results: the first SIGINT or SIGTERM stops `spikegpu run` at the
 * end of the current window and writes every output for the time simulated (JSON says
 * `"complete": false`), exit 130 or 143; a second signal exits at once (tested in process:
 * two signals sent together may arrive as one).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stopOnSignal } from '../../cli/shared.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-interrupt-'));

/** Start a long CPU run; once it reports progress (its handlers are in place), send `signals`. */
function interrupted(out: string, signals: NodeJS.Signals[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/spikegpu.ts', 'run', 'cuba', '--backend', 'cpu', '--duration', '600000', '--out', out], {
      cwd: ROOT,
    });
    let stdout = '',
      stderr = '',
      sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /ms simulated/.test(stderr)) {
        sent = true;
        for (const s of signals) child.kill(s);
      }
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('an interrupted run keeps its results', () => {
  it('SIGINT: exit 130, the spikes of the time simulated, marked incomplete', async () => {
    const out = join(tmp, 'int.json');
    const r = await interrupted(out, ['SIGINT']);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('spikegpu: SIGINT: stopping at the end of this window to write what was simulated (SIGINT again quits at once)\n');
    const file = JSON.parse(readFileSync(out, 'utf8')) as {
      complete: boolean;
      durationMs: number;
      populations: Record<string, { times: number[]; ids: number[] }>;
    };
    expect(file.complete).toBe(false);
    expect(file.durationMs).toBeGreaterThan(0);
    expect(file.durationMs).toBeLessThan(600000);
    const last = Math.max(...file.populations.E.times);
    expect(last).toBeLessThan(file.durationMs);
    expect(last).toBeGreaterThan(file.durationMs - 100);
    expect(r.stdout).toMatch(new RegExp(`stopped by SIGINT after ${file.durationMs} of 600000 ms: the outputs cover the time simulated`));
  });

  it('SIGTERM: exit 143, CSV written', async () => {
    const out = join(tmp, 'term.csv');
    const r = await interrupted(out, ['SIGTERM']);
    expect(r.code).toBe(143);
    expect(readFileSync(out, 'utf8').split('\n').length).toBeGreaterThan(100);
  });

  it('a second signal exits at once (the handler, driven in process)', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const interrupt = stopOnSignal();
    try {
      process.emit('SIGTERM');
      expect(interrupt.signal.aborted).toBe(true);
      expect(interrupt.received).toBe('SIGTERM');
      expect(exit).not.toHaveBeenCalled();
      expect(() => process.emit('SIGINT')).toThrow('exit 130');
    } finally {
      interrupt.release();
      exit.mockRestore();
      write.mockRestore();
    }
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinNetwork, NoAdapterError, Simulator } from '../../src/index.ts';
import { hasVulkanDriver } from '../../src/gpu/device.ts';

/** A file system holding only `files` (full paths), for the loader's folder scan. */
function fakeFs(files: string[]) {
  return {
    readdirSync(dir: string): string[] {
      const inside = files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1));
      if (inside.length === 0) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: 'ENOENT' });
      return inside;
    },
  };
}

describe('hasVulkanDriver (whether Dawn can find any Vulkan driver on Linux)', () => {
  it('is false with no manifest anywhere and no loader variables: the CPU fallback without loading Dawn', () => {
    expect(hasVulkanDriver(fakeFs([]), { HOME: '/root' })).toBe(false);
    expect(hasVulkanDriver(fakeFs(['/usr/share/vulkan/icd.d/README']), {})).toBe(false);
  });

  it('finds manifests in the loader standard folders', () => {
    for (const path of [
      '/etc/vulkan/icd.d/nvidia_icd.json',
      '/usr/share/vulkan/icd.d/radeon_icd.x86_64.json',
      '/usr/local/share/vulkan/icd.d/x.json',
      '/etc/xdg/vulkan/icd.d/y.json',
      '/root/.local/share/vulkan/icd.d/z.json',
    ]) {
      expect(hasVulkanDriver(fakeFs([path]), { HOME: '/root' }), path).toBe(true);
    }
  });

  it('follows XDG_CONFIG_DIRS and XDG_DATA_DIRS instead of their defaults', () => {
    const fs = fakeFs(['/opt/gpu/share/vulkan/icd.d/v.json']);
    expect(hasVulkanDriver(fs, {})).toBe(false);
    expect(hasVulkanDriver(fs, { XDG_DATA_DIRS: '/opt/gpu/share:/usr/share' })).toBe(true);
    expect(hasVulkanDriver(fakeFs(['/usr/share/vulkan/icd.d/v.json']), { XDG_DATA_DIRS: '/opt/gpu/share' })).toBe(false);
  });

  it('trusts a driver named by the loader variables', () => {
    for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'])
      expect(hasVulkanDriver(fakeFs([]), { [name]: '/x/icd.json' }), name).toBe(true);
  });
});

describe('Simulator.create backend choice without an adapter (SPIKEGPU_ADAPTER=none)', () => {
  const spec = () => builtinNetwork('cuba', { n: 100 });
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.SPIKEGPU_ADAPTER;
    process.env.SPIKEGPU_ADAPTER = 'none';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SPIKEGPU_ADAPTER;
    else process.env.SPIKEGPU_ADAPTER = saved;
  });

  it('auto (the default) runs on the CPU reference and says why', async () => {
    const sim = await Simulator.create(spec());
    await sim.run(20);
    expect(sim.backendName).toBe('cpu');
    expect(sim.summary().backend).toBe('cpu');
    expect(sim.summary().spikes).toBeGreaterThan(0);
    expect(sim.fallback).toMatch(/^no WebGPU adapter found: WebGPU is turned off \(SPIKEGPU_ADAPTER=none\)$/);
    sim.dispose();
  });

  it('an explicit cpu is no fallback', async () => {
    const sim = await Simulator.create(spec(), { backend: 'cpu' });
    expect(sim.fallback).toBeNull();
    sim.dispose();
  });

  it('an explicit webgpu fails with NoAdapterError', async () => {
    await expect(Simulator.create(spec(), { backend: 'webgpu' })).rejects.toBeInstanceOf(NoAdapterError);
  });

  it('an unknown backend is a TypeError naming the choices', async () => {
    await expect(Simulator.create(spec(), { backend: 'cuda' as never })).rejects.toThrow(/backend must be 'auto', 'webgpu' or 'cpu', got "cuda"/);
  });
});

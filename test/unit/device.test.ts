import { describe, expect, it } from 'vitest';
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

/// <reference types="@webgpu/types" preserve="true" />
/**
 * WebGPU device acquisition in a browser (`navigator.gpu`) or in Node (the `webgpu` package,
 * Dawn). Asks for the adapter's own buffer limits rather than the small defaults, so large
 * networks fit where the hardware allows.
 */

/** A device plus what to say about it. Keep it referenced while the device is in use. */
export interface GpuContext {
  device: GPUDevice;
  /** Human-readable adapter description, e.g. "swiftshader (Google) [software]". */
  adapter: string;
  /** True for a software rasteriser (SwiftShader): correct, but not GPU speed. */
  isSoftware: boolean;
  hasTimestampQuery: boolean;
  /** Destroys the device (and releases the Node GPU instance). */
  release(): void;
  /** Why the device cannot be used any more (released, or lost), or null while it can. */
  readonly unusable: string | null;
}

export class NoAdapterError extends Error {
  constructor(detail: string) {
    super(`no WebGPU adapter found: ${detail}`);
    this.name = 'NoAdapterError';
  }
}

/** Limits worth raising to what the adapter offers. */
const RAISED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension'] as const;

function describeAdapter(adapter: GPUAdapter): { text: string; software: boolean } {
  const info = adapter.info;
  const name = [info.description, info.device, info.architecture].find((s) => s) || 'unknown adapter';
  const software =
    /swiftshader|llvmpipe|lavapipe|software|cpu/i.test(`${name} ${info.vendor} ${info.architecture}`) ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { text: `${name}${info.vendor ? ` (${info.vendor})` : ''}${software ? ' [software]' : ''}`, software };
}

async function deviceFrom(gpu: GPU, missing: string): Promise<GpuContext> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterError(missing);
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED_LIMITS) requiredLimits[k] = adapter.limits[k];
  const hasTimestampQuery = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: hasTimestampQuery ? ['timestamp-query'] : [] });
  const { text, software } = describeAdapter(adapter);
  let unusable: string | null = null;
  void device.lost.then((info) => (unusable ??= `the device was lost${info.message ? `: ${info.message}` : ''}`));
  return {
    device,
    adapter: text,
    isSoftware: software,
    hasTimestampQuery,
    release() {
      unusable = 'it was released (GpuContext.release)';
      device.destroy();
    },
    get unusable() {
      return unusable;
    },
  };
}

/**
 * Every Dawn instance created, kept for the life of the process: one that is garbage-collected
 * (even after its device was released) can abort the process.
 */
const dawnInstances: GPU[] = [];

/** Debian's Chromium ships SwiftShader's Vulkan driver here; Dawn can use it where no GPU is. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const NO_DRIVER = `no GPU driver, and SwiftShader is missing (on Debian: apt-get install chromium libvulkan1; chromium ships ${SWIFTSHADER_ICD})`;
const NO_HARDWARE_DRIVER = 'no GPU driver found (SPIKEGPU_ADAPTER=hardware leaves SwiftShader out)';

/**
 * Whether the Vulkan loader can find any driver on Linux: one named by the loader's
 * environment variables, or a manifest in its standard folders.
 */
export function hasVulkanDriver(fs: { readdirSync(dir: string): string[] }, env: Record<string, string | undefined>): boolean {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return true;
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const home = env.HOME ? [`${env.HOME}/.local/share`] : [];
  const folders = [...configDirs, '/etc', ...dataDirs, ...home].map((d) => `${d}/vulkan/icd.d`);
  return folders.some((dir) => {
    try {
      return fs.readdirSync(dir).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/** Import a Node-only module without letting a browser bundler try to resolve it. */
const nodeImport = (specifier: string) => import(/* @vite-ignore */ specifier);

async function nodeGpu(): Promise<GpuContext> {
  const fs: typeof import('node:fs') = await nodeImport('node:fs');
  const env = process.env;
  if (env.SPIKEGPU_ADAPTER === 'none') throw new NoAdapterError('WebGPU is turned off (SPIKEGPU_ADAPTER=none)');
  if (!env.XDG_RUNTIME_DIR) {
    // Dawn warns when it is unset; a private directory silences a harmless message.
    const dir = `/tmp/spikegpu-xdg-${process.getuid?.() ?? 0}`;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  // Without GPU device nodes, go straight to SwiftShader (software) if it is installed;
  // SPIKEGPU_ADAPTER=software forces it (none: no adapter at all, as on a machine without
  // one), VK_ICD_FILENAMES set by the user wins.
  const hasGpuNode = ['/dev/dri', '/dev/nvidia0', '/dev/dxg'].some((p) => fs.existsSync(p));
  const wantSoftware = env.SPIKEGPU_ADAPTER === 'software' || (!hasGpuNode && env.SPIKEGPU_ADAPTER !== 'hardware');
  const swiftshader = fs.existsSync(SWIFTSHADER_ICD);
  if (!env.VK_ICD_FILENAMES && wantSoftware && swiftshader) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // With no Vulkan driver at all, Dawn would only print native warnings and find nothing:
  // say so in one error instead (the CPU fallback's message) without loading it.
  if (process.platform === 'linux' && !hasVulkanDriver(fs, env)) throw new NoAdapterError(swiftshader ? NO_HARDWARE_DRIVER : NO_DRIVER);
  const webgpu: typeof import('webgpu') = await nodeImport('webgpu');
  Object.assign(globalThis, webgpu.globals);
  const attempt = async () => {
    const gpu = webgpu.create([]) as unknown as GPU;
    dawnInstances.push(gpu);
    return deviceFrom(gpu, 'Dawn found no usable Vulkan adapter');
  };
  try {
    return await attempt();
  } catch (e) {
    if (!(e instanceof NoAdapterError) || env.VK_ICD_FILENAMES || !swiftshader) {
      if (e instanceof NoAdapterError && !swiftshader) throw new NoAdapterError(NO_DRIVER);
      throw e;
    }
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    return attempt();
  }
}

/**
 * A WebGPU device for this environment: `navigator.gpu` in a browser, Dawn in Node
 * (falling back to SwiftShader when there is no GPU).
 * @example const gpu = await acquireDevice(); ... gpu.release();
 */
export async function acquireDevice(): Promise<GpuContext> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return deviceFrom(nav.gpu, 'this browser exposes WebGPU but offered no adapter');
  if (typeof process !== 'undefined' && process.versions?.node) return nodeGpu();
  throw new NoAdapterError('this browser does not support WebGPU (navigator.gpu is missing)');
}

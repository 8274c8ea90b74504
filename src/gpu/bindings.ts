/**
 * A kernel's bindings, described once: a table of (name, access, WGSL type) from which the
 * WGSL declarations, the bind-group layout and the bind group itself are all derived. Buffers
 * are bound by name, so a kernel and the host cannot disagree on an order, and a missing or
 * extra buffer is an error naming the kernel and the binding before anything is dispatched.
 *
 * @example
 *   const TABLE = [
 *     { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
 *     { name: 'rule', access: 'uniform', type: 'Rule' },
 *   ] as const satisfies BindingTable;
 *   const code = `${bindingsWgsl(TABLE)} ...`;                     // @group(0) @binding(0) var<storage, read_write> ctrl: …
 *   const layout = device.createBindGroupLayout({ entries: layoutEntries(TABLE) });
 *   device.createBindGroup({ layout, entries: bindGroupEntries('my kernel', TABLE, { ctrl, rule }) });
 */

/** Storage read-only, storage read-write, or a uniform buffer. */
export type BindingAccess = 'read' | 'read_write' | 'uniform';

export interface Binding {
  /** The WGSL variable name, and the key of the buffer bound to it. */
  readonly name: string;
  readonly access: BindingAccess;
  /** The WGSL type, e.g. `array<atomic<i32>>` or a struct name. */
  readonly type: string;
}

/** A kernel's bindings in binding order (group 0, binding = index). */
export type BindingTable = readonly Binding[];

/** The buffers of a table, by binding name. */
export type BoundBuffers<T extends BindingTable> = { [K in T[number]['name']]: GPUBuffer };

/** WGSL declarations of every binding in the table. */
export function bindingsWgsl(table: BindingTable): string {
  return table
    .map(({ name, access, type }, i) => `@group(0) @binding(${i}) var<${access === 'uniform' ? 'uniform' : `storage, ${access}`}> ${name}: ${type};`)
    .join('\n');
}

/** `GPUShaderStage.COMPUTE`, which Node only defines once Dawn is loaded. */
const COMPUTE_STAGE = 0x4;

/** Entries of the table's bind-group layout (compute stage). */
export function layoutEntries(table: BindingTable): GPUBindGroupLayoutEntry[] {
  const type = { read: 'read-only-storage', read_write: 'storage', uniform: 'uniform' } as const;
  return table.map(({ access }, binding) => ({ binding, visibility: COMPUTE_STAGE, buffer: { type: type[access] } }));
}

/** Storage bindings in a table (adapters limit them per shader stage). */
export const storageBindingCount = (table: BindingTable): number => table.filter((b) => b.access !== 'uniform').length;

/**
 * Bind-group entries: each binding gets the buffer of its name.
 * @throws naming the kernel and the binding when a buffer is missing or one is not in the table.
 */
export function bindGroupEntries(kernel: string, table: BindingTable, buffers: Record<string, GPUBuffer>): GPUBindGroupEntry[] {
  const names = new Set(table.map((b) => b.name));
  const extra = Object.keys(buffers).filter((k) => !names.has(k));
  if (extra.length) throw new Error(`${kernel}: buffers ${extra.join(', ')} are not bindings of this kernel (${[...names].join(', ')})`);
  return table.map(({ name }, binding) => {
    const buffer = buffers[name];
    if (!buffer) throw new Error(`${kernel}: no buffer for binding ${binding} (${name})`);
    return { binding, resource: { buffer } };
  });
}

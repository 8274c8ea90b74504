/** Kernel bindings described once: the WGSL, the layout and the bind group all come from the table. */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { bindGroupEntries, bindingsWgsl, layoutEntries, storageBindingCount, type BindingTable } from '../../src/gpu/bindings.ts';
import { END_TICK_BINDINGS, endTickWgsl } from '../../src/kernels/endTick.ts';
import { FUSED_BINDINGS, FUSED_STORAGE_BINDINGS, fusedTicksWgsl } from '../../src/kernels/fusedTicks.ts';
import { NEURON_BINDINGS, neuronKernelWgsl } from '../../src/kernels/neuronKernel.ts';
import { PLASTICITY_BINDINGS, plasticArriveWgsl, plasticDecayWgsl, plasticSpikesWgsl } from '../../src/kernels/plasticity.ts';
import { propagateBindings, propagateWgsl, synapseAccessWgsl } from '../../src/kernels/propagate.ts';
import { SAMPLE_STATE_BINDINGS, sampleStateWgsl } from '../../src/kernels/sampleState.ts';
import { builtinNetwork } from '../../src/networks/index.ts';

const TABLE = [
  { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
  { name: 'rows', access: 'read', type: 'array<u32>' },
  { name: 'rule', access: 'uniform', type: 'Rule' },
] as const satisfies BindingTable;

/** Every `@binding` declaration in a WGSL source, in order: [index, address space, name, type]. */
function declared(code: string): [number, string, string, string][] {
  return [...code.matchAll(/@group\(0\) @binding\((\d+)\) var<([^>]+)> (\w+): ([^;]+);/g)].map((m) => [Number(m[1]), m[2], m[3], m[4]]);
}

describe('binding tables', () => {
  it('give the WGSL declarations in binding order', () => {
    expect(declared(bindingsWgsl(TABLE))).toEqual([
      [0, 'storage, read_write', 'ctrl', 'array<atomic<u32>>'],
      [1, 'storage, read', 'rows', 'array<u32>'],
      [2, 'uniform', 'rule', 'Rule'],
    ]);
  });

  it('give the bind-group layout', () => {
    expect(layoutEntries(TABLE).map((e) => [e.binding, e.buffer?.type])).toEqual([
      [0, 'storage'],
      [1, 'read-only-storage'],
      [2, 'uniform'],
    ]);
    expect(storageBindingCount(TABLE)).toBe(2);
  });

  it('bind buffers by name, and name the kernel and binding when one is missing or extra', () => {
    const buffer = (label: string) => ({ label }) as unknown as GPUBuffer;
    const entries = bindGroupEntries('k', TABLE, { rule: buffer('r'), ctrl: buffer('c'), rows: buffer('w') });
    expect(entries.map((e) => [e.binding, ((e.resource as GPUBufferBinding).buffer as unknown as { label: string }).label])).toEqual([
      [0, 'c'],
      [1, 'w'],
      [2, 'r'],
    ]);
    expect(() => bindGroupEntries('my kernel', TABLE, { ctrl: buffer('c'), rule: buffer('r') })).toThrow('my kernel: no buffer for binding 1 (rows)');
    expect(() => bindGroupEntries('my kernel', TABLE, { ctrl: buffer('c'), rows: buffer('w'), rule: buffer('r'), ring: buffer('x') })).toThrow(
      'my kernel: buffers ring are not bindings of this kernel',
    );
  });
});

describe('every kernel declares exactly its table', () => {
  const net = compileNetwork(builtinNetwork('polychronization'));
  const plain = compileNetwork(builtinNetwork('cuba', { n: 400 }));
  const constants = {
    seed: 1,
    neuronCount: net.neuronCount,
    spikeSlots: net.spikeSlots,
    delaySlots: net.delaySlots,
    channelCount: net.channelCount,
    nonFiniteStride: 4,
  };
  const asDeclared = (t: BindingTable) => t.map((b, i) => [i, b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`, b.name, b.type]);
  const p = net.plastic[0];
  const cases: [string, string, BindingTable][] = [
    ['neurons', neuronKernelWgsl(net.groups[0], constants), NEURON_BINDINGS],
    ['propagate', propagateWgsl({ ...constants, channelBits: net.synapses.channelBits, sharding: { shards: 1, shardLength: 1000 } }), propagateBindings(1)],
    [
      'propagate, 3 shards',
      propagateWgsl({ ...constants, channelBits: net.synapses.channelBits, sharding: { shards: 3, shardLength: 1000 } }),
      propagateBindings(3),
    ],
    ['end tick', endTickWgsl({ spikeSlots: net.spikeSlots, arrivalTicks: 20, arrivalLanes: 1 }), END_TICK_BINDINGS],
    ['sample state', sampleStateWgsl(3, 3), SAMPLE_STATE_BINDINGS],
    ['stdp decay', plasticDecayWgsl(p, constants), PLASTICITY_BINDINGS.decay],
    ['stdp spikes', plasticSpikesWgsl(p, constants), PLASTICITY_BINDINGS.spikes],
    ['stdp arrive', plasticArriveWgsl(p, constants), PLASTICITY_BINDINGS.arrive],
    [
      'fused',
      fusedTicksWgsl(plain.groups[0], {
        ...constants,
        neuronCount: plain.neuronCount,
        channelBits: plain.synapses.channelBits,
        sharding: { shards: 1, shardLength: 1e6 },
      }),
      FUSED_BINDINGS,
    ],
  ];
  for (const [name, code, table] of cases) {
    it(name, () => expect(declared(code)).toEqual(asDeclared(table)));
  }

  it('the fused kernel needs the neuron kernel storage bindings plus the synapse rows', () => {
    expect(FUSED_STORAGE_BINDINGS).toBe(storageBindingCount(NEURON_BINDINGS) + 3);
  });
});

describe('synapse shards', () => {
  /** The accessor, run in JS: WGSL's `if (…) { return …; }` chain and u32 literals read as JS. */
  function accessor(shards: number, shardLength: number): (j: number) => [number, number] {
    const text = synapseAccessWgsl({ shards, shardLength });
    const fn = text.slice(text.indexOf('\n') + 1, text.indexOf('\n}'));
    const js = fn.replace(/(\d+)u/g, '$1').replace(/synTarget(\d+)\[([^\]]+)\]/g, '[$1, $2]');
    return new Function('j', js) as (j: number) => [number, number];
  }

  it('one shard reads the array directly', () => {
    expect(synapseAccessWgsl({ shards: 1, shardLength: 10 })).toContain('return synTarget0[j - 0u];');
    expect(accessor(1, 10)(7)).toEqual([0, 7]);
  });

  it('synapse j is element j mod shardLength of shard j div shardLength, for every j', () => {
    const at = accessor(3, 4);
    for (let j = 0; j < 11; j++) expect(at(j)).toEqual([Math.floor(j / 4), j % 4]);
  });
});

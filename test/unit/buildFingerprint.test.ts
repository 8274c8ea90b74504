/**
 * Build fingerprints: sha256 of every typed array of the CompiledNetwork (and of the raw
 * connect-rule pair lists) for several networks, against values recorded from the build code
 * before it was optimised for large networks (issue 10). Any change to the synapses, their
 * order, weights, delays, the fixed-point scales, parameters or state shows up here.
 * If a change is meant to alter the output, re-record with SPIKEGPU_PRINT_FINGERPRINTS=1.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import type { CompiledNetwork } from '../../src/compile/compiled.ts';
import { connect } from '../../src/compile/connectivity.ts';
import { expandValue } from '../../src/compile/values.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { ConnectSpec, NetworkSpec } from '../../src/netspec/types.ts';
import { CounterRng, hash4, Stream, streamId } from '../../src/rng/counterHash.ts';

function sha(data: ArrayBufferView | string): string {
  const h = createHash('sha256');
  h.update(typeof data === 'string' ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return h.digest('hex').slice(0, 24);
}

/** Name → hash of every array (and the scalars that go with them) of a compiled network. */
function fingerprint(net: CompiledNetwork): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, data: ArrayBufferView | null) => {
    out[name] = data === null ? 'null' : `${data.constructor.name}[${(data as Uint8Array).length}] ${sha(data)}`;
  };
  out.scalars = sha(JSON.stringify([net.neuronCount, net.synapseCount, net.channelCount, net.delaySlots, net.spikeSlots, net.recordedCount, net.stateSlots]));
  out.scales = sha(JSON.stringify(net.scales));
  out.populations = sha(JSON.stringify(net.populations.map((p) => [p.name, p.size, p.offset, p.group])));
  net.populations.forEach((p) => add(`populations.${p.name}.recordIds`, p.recordIds));
  net.groups.forEach((g, i) => {
    add(`groups[${i}].params`, g.params);
    add(`groups[${i}].state`, g.state);
  });
  add('synapses.rowStart', net.synapses.rowStart);
  add('synapses.target', net.synapses.target);
  add('synapses.weight', net.synapses.weight);
  out['synapses.channelBits'] = String(net.synapses.channelBits);
  net.plastic.forEach((p, i) => {
    out[`plastic[${i}].scalars`] = JSON.stringify([p.name, p.maxDelay, p.preBits, p.exponent, p.arrivalLanes, p.channelBase]);
    add(`plastic[${i}].segStart`, p.segStart);
    add(`plastic[${i}].synapsePost`, p.synapsePost);
    add(`plastic[${i}].weight`, p.weight);
    add(`plastic[${i}].colStart`, p.colStart);
    add(`plastic[${i}].colSynapse`, p.colSynapse);
    add(`plastic[${i}].colPreDelay`, p.colPreDelay);
  });
  add('tables', net.tables);
  net.stateProbes.forEach((p, i) => {
    add(`stateProbes[${i}].ids`, p.ids);
    add(`stateProbes[${i}].stateIndex`, p.stateIndex);
  });
  return out;
}

const current = { exc: { kind: 'current' as const, tau: 5 }, inh: { kind: 'current' as const, tau: 10 } };

/** Every connect rule, allowSelf / allowMultiple variants, distributions for weights and delays, a plastic projection. */
function allRulesSpec(): NetworkSpec {
  const lif = (size: number) => ({ size, model: 'lif', params: { receptors: current }, init: { v: { uniform: [-60, -50] as [number, number] } } });
  return {
    version: 1,
    name: 'all-rules',
    dt: 0.1,
    seed: 7,
    populations: {
      A: lif(300),
      B: lif(170),
      P: { size: 90, model: 'poisson', params: { rate: 8 } },
      S: { size: 4, model: 'spikeSource', times: [0.5, 1, 2], ids: [1, 3, 0] },
    },
    projections: [
      { pre: 'A', post: 'A', connect: { rule: 'allToAll', allowSelf: false }, weight: { normal: [0.2, 0.05] }, delay: { uniform: [0.1, 3] }, receptor: 'exc' },
      { pre: 'A', post: 'B', connect: { rule: 'allToAll' }, weight: { uniform: [-0.5, -0.1] }, delay: 0.7, receptor: 'inh' },
      { pre: 'B', post: 'B', connect: { rule: 'oneToOne' }, weight: 0.3, delay: { normal: [1.5, 0.5], clip: [0.1, 4] }, receptor: 'exc' },
      { pre: 'A', post: 'A', connect: { rule: 'fixedProbability', p: 0.05 }, weight: { normal: [0.1, 0.1], clip: [0, 0.3] }, delay: 1, receptor: 'exc' },
      { pre: 'B', post: 'B', connect: { rule: 'fixedProbability', p: 0.3, allowSelf: false }, weight: -0.4, delay: { uniform: [0.5, 2.5] }, receptor: 'inh' },
      { pre: 'P', post: 'A', connect: { rule: 'fixedProbability', p: 1 }, weight: 0.05, receptor: 'exc' },
      { pre: 'A', post: 'B', connect: { rule: 'fixedInDegree', k: 40 }, weight: 0.1, delay: { uniform: [0.1, 2] }, receptor: 'exc' },
      { pre: 'B', post: 'B', connect: { rule: 'fixedInDegree', k: 30, allowMultiple: false }, weight: { normal: [-0.2, 0.05] }, receptor: 'inh' },
      { pre: 'A', post: 'A', connect: { rule: 'fixedInDegree', k: 299, allowSelf: false, allowMultiple: false }, weight: 0.001, receptor: 'exc' },
      { pre: 'A', post: 'A', connect: { rule: 'fixedInDegree', k: 12, allowSelf: false }, weight: 0.01, receptor: 'inh' },
      { pre: 'B', post: 'A', connect: { rule: 'fixedOutDegree', k: 25 }, weight: -0.3, delay: 2, receptor: 'inh' },
      { pre: 'A', post: 'A', connect: { rule: 'fixedOutDegree', k: 20, allowSelf: false, allowMultiple: false }, weight: 0.02, receptor: 'exc' },
      { pre: 'B', post: 'B', connect: { rule: 'fixedOutDegree', k: 170, allowMultiple: false }, weight: 0.01, receptor: 'exc' },
      { pre: 'A', post: 'B', connect: { rule: 'fixedTotal', n: 5000 }, weight: { uniform: [0, 0.1] }, delay: { uniform: [0.1, 5] }, receptor: 'exc' },
      { pre: 'B', post: 'B', connect: { rule: 'fixedTotal', n: 3000, allowSelf: false, allowMultiple: false }, weight: -0.1, receptor: 'inh' },
      { pre: 'A', post: 'A', connect: { rule: 'fixedTotal', n: 2000, allowSelf: false }, weight: 0.05, receptor: 'exc' },
      {
        pre: 'S',
        post: 'B',
        connect: { rule: 'list', pre: [0, 1, 2, 3, 3], post: [5, 0, 5, 169, 2] },
        weight: [0.5, 0.25, 2, 1, 1],
        delay: [0.1, 0.2, 0.3, 4, 1],
        receptor: 'exc',
      },
      {
        name: 'plastic',
        pre: 'P',
        post: 'B',
        connect: { rule: 'fixedOutDegree', k: 15, allowMultiple: false },
        weight: { uniform: [0, 0.5] },
        delay: { uniform: [0.1, 2] },
        receptor: 'exc',
        plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.0105, wMin: 0, wMax: 0.5, mode: 'additive', pairing: 'all' },
      },
    ],
    record: {
      spikes: ['A', { pop: 'B', ids: [3, 1, 4] }],
      state: [{ pop: 'A', var: 'v', ids: [0, 7, 299], every: 0.5 }],
    },
  };
}

const networks: [string, () => NetworkSpec][] = [
  ['cuba n=2000', () => builtinNetwork('cuba', { n: 2000 })],
  ['coba n=1000', () => builtinNetwork('coba', { n: 1000 })],
  ['brunel n=2500 fixedInDegree A', () => builtinNetwork('brunel', { n: 2500, regime: 'A' })],
  ['brunel n=2500 fixedInDegree C', () => builtinNetwork('brunel', { n: 2500, regime: 'C' })],
  ['brunel n=2500 fixedProbability B', () => builtinNetwork('brunel', { n: 2500, regime: 'B', connect: 'fixedProbability' })],
  ['brunel n=2500 fixedProbability D', () => builtinNetwork('brunel', { n: 2500, regime: 'D', connect: 'fixedProbability', delay: 2.3 })],
  ['izhikevich2003', () => builtinNetwork('izhikevich2003')],
  ['song2000', () => builtinNetwork('song2000')],
  ['song2000 current', () => builtinNetwork('song2000', { synapse: 'current', n: 300 })],
  ['polychronization', () => builtinNetwork('polychronization')],
  ['all rules', allRulesSpec],
];

const expected: Record<string, Record<string, string>> = {
  'cuba n=2000': {
    scalars: 'dc4544c44b6d8a4f45f81da8',
    scales: '2ae266f098853f92a9800ffc',
    populations: '1635b6962c7379e619f70cab',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[26000] bf0db2d42e08475ebd607fc8',
    'groups[0].state': 'Float32Array[8000] b31f99105c21b04f969c26df',
    'synapses.rowStart': 'Uint32Array[2001] 81356dd63398238136d298f3',
    'synapses.target': 'Uint32Array[160300] 22729ab5d014ae5205628f40',
    'synapses.weight': 'Int32Array[160300] b4846aad3326dbfe22f0a72c',
    'synapses.channelBits': '31',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  'coba n=1000': {
    scalars: '10ef4cc0b008fc7e9055b810',
    scales: 'a697ebd24474650855a5994b',
    populations: 'd52fcd7c8bc15094089cc45d',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[13000] ba22bc465ce20566733f094d',
    'groups[0].state': 'Float32Array[4000] 10ffe8fd05014b1e47d51c5c',
    'synapses.rowStart': 'Uint32Array[1001] 4ad29de22ed86cbc0f9a1514',
    'synapses.target': 'Uint32Array[79943] 9e81f7d0294af5b20ca0d544',
    'synapses.weight': 'Int32Array[79943] 53739cdba9b6b2e778f0fad4',
    'synapses.channelBits': '31',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  'brunel n=2500 fixedInDegree A': {
    scalars: '64f220e04236a8e27602b666',
    scales: 'a8144edde70a61ebdfca2848',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[30000] 71084256c94799a64d683c92',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] 7d07a6c0c5c8ee542ffe665b',
    'synapses.target': 'Uint32Array[3125000] 0d748c9992af44d12f4b3ca7',
    'synapses.weight': 'Int32Array[3125000] c2aa4c1af8a12d0e2ed6f5a6',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[34] ed3475f3e5a01d240ac40b17',
  },
  'brunel n=2500 fixedInDegree C': {
    scalars: '64f220e04236a8e27602b666',
    scales: 'a55b5ee3918ae3dea0de59a6',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[30000] 71084256c94799a64d683c92',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] 7d07a6c0c5c8ee542ffe665b',
    'synapses.target': 'Uint32Array[3125000] 0d748c9992af44d12f4b3ca7',
    'synapses.weight': 'Int32Array[3125000] 5420b64a7e6df3d2ee76362f',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[34] ed3475f3e5a01d240ac40b17',
  },
  'brunel n=2500 fixedProbability B': {
    scalars: 'd89fd21b799dac67575d68ac',
    scales: '915a24d33eb079dbba83775a',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[30000] 05f6dbf64a66de73e3a18f3a',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] c2328b286bd513fda6e36770',
    'synapses.target': 'Uint32Array[3127006] eddf1c70028ebdd2c8c8c4a8',
    'synapses.weight': 'Int32Array[3127006] 7f9f2e32b725c21e5f53f183',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[46] f22bc42770229be86b060475',
  },
  'brunel n=2500 fixedProbability D': {
    scalars: '0292675df82133421df8b0d7',
    scales: 'aa8dec9f7a80ecbfda54f4d6',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[30000] 12e7c6ff261627540be842df',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] c2328b286bd513fda6e36770',
    'synapses.target': 'Uint32Array[3127006] 052f4cf0fc3cb47e87d40d26',
    'synapses.weight': 'Int32Array[3127006] 35193cfee5c31aac88665c30',
    'synapses.channelBits': '27',
    tables: 'Uint32Array[26] c8120a5c55e4af3891b5d4ab',
  },
  izhikevich2003: {
    scalars: '02b64caf7f516cb59b80f716',
    scales: '6aff6c3ba1097a5fbfc50089',
    populations: 'd52fcd7c8bc15094089cc45d',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[12000] 7f6db01ea3990aeb8d2d0932',
    'groups[0].state': 'Float32Array[2000] 63074558ba3916602ffdda00',
    'synapses.rowStart': 'Uint32Array[1001] 93814d845805889fd50cfd3c',
    'synapses.target': 'Uint32Array[1000000] 5c85dd55991ddd2813401334',
    'synapses.weight': 'Int32Array[1000000] 34803b45a8d111efdc5c6f56',
    'synapses.channelBits': '31',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  song2000: {
    scalars: '5c909f20359529431d80f17e',
    scales: '8252b5db4cde4afde92d9033',
    populations: '2bb5b288c4bfdcc9cee6e98f',
    'populations.inputs.recordIds': 'null',
    'populations.neuron.recordIds': 'null',
    'groups[0].params': 'Float32Array[2000] 12aa11a7a7cf197c12601f04',
    'groups[0].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[1].params': 'Float32Array[10] 880052460049ee96bfa99874',
    'groups[1].state': 'Float32Array[3] 00b318259603707c422046ac',
    'synapses.rowStart': 'Uint32Array[1002] 4f9e1e02c09d65ec3ed02f1a',
    'synapses.target': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.weight': 'Int32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.channelBits': '31',
    'plastic[0].scalars': '["inputs",1,31,27,1,0]',
    'plastic[0].segStart': 'Uint32Array[1001] c884b069205a09c8d28c87c7',
    'plastic[0].synapsePost': 'Uint32Array[1000] fc19b1997119425765295aea',
    'plastic[0].weight': 'Float32Array[1000] ae0eb142485c330d5ff1a007',
    'plastic[0].colStart': 'Uint32Array[2] cd8ae9c92770732eec03e967',
    'plastic[0].colSynapse': 'Uint32Array[1000] 550625f47dc1b7d1d5bda267',
    'plastic[0].colPreDelay': 'Uint32Array[1000] c417bbe573d863c597027df0',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  'song2000 current': {
    scalars: 'ee116e061c9a62a6b9d44e74',
    scales: 'c9a6bc415d511f868324529d',
    populations: '88519c30865dd9f21145cda8',
    'populations.inputs.recordIds': 'null',
    'populations.neuron.recordIds': 'null',
    'groups[0].params': 'Float32Array[600] 7e8e66ad49f99fb2e416eb0a',
    'groups[0].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[1].params': 'Float32Array[10] a5d64f645827f05eee608892',
    'groups[1].state': 'Float32Array[3] 00b318259603707c422046ac',
    'synapses.rowStart': 'Uint32Array[302] 83e89195b31736ad0c35ecc6',
    'synapses.target': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.weight': 'Int32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.channelBits': '31',
    'plastic[0].scalars': '["inputs",1,31,23,1,0]',
    'plastic[0].segStart': 'Uint32Array[301] 04a011d4d3add4ad9cd104aa',
    'plastic[0].synapsePost': 'Uint32Array[300] 655a3ef0465a9f30fddf25f4',
    'plastic[0].weight': 'Float32Array[300] 7b60eea36be59ac1aeb8dfe6',
    'plastic[0].colStart': 'Uint32Array[2] 3d089a3f01fc6754201495e7',
    'plastic[0].colSynapse': 'Uint32Array[300] 31c4d357f4440759108dcb4b',
    'plastic[0].colPreDelay': 'Uint32Array[300] 6ef167f2ba861a2d42c2fe85',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  polychronization: {
    scalars: '2cb84525db1bb55f193d0fcb',
    scales: '385f1e8f4af98e8ae1213458',
    populations: 'b872c4cff9e96c8e6b8dd505',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'populations.thalamus.recordIds': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[0].params': 'Float32Array[11000] 8e85860ec27c08cc61b122c5',
    'groups[0].state': 'Float32Array[2000] a1e8905de5ecb9514cfc09da',
    'groups[1].params': 'Float32Array[2000] 612ce9d874168b66f2c35e3b',
    'groups[1].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.rowStart': 'Uint32Array[2001] 25bc13cb20f1f4f4fddf2ab3',
    'synapses.target': 'Uint32Array[21000] e422b619a31e45f245d0ef0d',
    'synapses.weight': 'Int32Array[21000] 2c874cedf4b58b9c7164539c',
    'synapses.channelBits': '27',
    'plastic[0].scalars': '["EE",20,27,20,4,0]',
    'plastic[0].segStart': 'Uint32Array[16001] 668f1684492bacd170e8f152',
    'plastic[0].synapsePost': 'Uint32Array[63936] 3b14d5aa67c3a23f806b4939',
    'plastic[0].weight': 'Float32Array[63936] 0e8913c43bc2854e6bcb72a8',
    'plastic[0].colStart': 'Uint32Array[801] 23c323ab348783be755e62a4',
    'plastic[0].colSynapse': 'Uint32Array[63936] 01da92fd12fac3707e00ee38',
    'plastic[0].colPreDelay': 'Uint32Array[63936] 5a06208432b65ec7e5fbb828',
    'plastic[1].scalars': '["EI",20,27,20,2,800]',
    'plastic[1].segStart': 'Uint32Array[16001] 47969c6bf97eb3b243a2e77b',
    'plastic[1].synapsePost': 'Uint32Array[16064] f6652a6e9dce069cd8b8db44',
    'plastic[1].weight': 'Float32Array[16064] 4b028e7490f84c05d29a13e8',
    'plastic[1].colStart': 'Uint32Array[201] dd96c2e19a715d8187f9e03c',
    'plastic[1].colSynapse': 'Uint32Array[16064] 42128622f704a8bf24e9a233',
    'plastic[1].colPreDelay': 'Uint32Array[16064] bb9446c4d237cb41ff9fa164',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  'all rules': {
    scalars: '01a5f3a1cd53c8b3d91dc060',
    scales: '36be392e876f914cf55ae749',
    populations: '5769970ea3800c271b821e77',
    'populations.A.recordIds': 'null',
    'populations.B.recordIds': 'Uint32Array[3] 28b7693c3d769182510cf291',
    'populations.P.recordIds': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'populations.S.recordIds': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[0].params': 'Float32Array[6110] a98a7462fd2351376c06c481',
    'groups[0].state': 'Float32Array[1880] 5432f27ba37cfc8d9776298f',
    'groups[1].params': 'Float32Array[180] fe941639e8ffe350c861d08d',
    'groups[1].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[2].params': 'Float32Array[12] 2953230ddc1abbdefb7b303b',
    'groups[2].state': 'Float32Array[4] 374708fff7719dd5979ec875',
    'synapses.rowStart': 'Uint32Array[565] 19ddcf97ff7cc973162d4642',
    'synapses.target': 'Uint32Array[335270] 3ee74eff10fd5476bc5dc771',
    'synapses.weight': 'Int32Array[335270] b30f76f521b1be1bf897ff8c',
    'synapses.channelBits': '26',
    'plastic[0].scalars': '["plastic",20,27,27,2,300]',
    'plastic[0].segStart': 'Uint32Array[1801] 2947add26231f1a09965a936',
    'plastic[0].synapsePost': 'Uint32Array[1350] 00763fc1365d0bce5ddd21c1',
    'plastic[0].weight': 'Float32Array[1350] f7363bfb60368ad5d548267e',
    'plastic[0].colStart': 'Uint32Array[171] a1d6a20e5812deb9a48a585f',
    'plastic[0].colSynapse': 'Uint32Array[1350] 56d144c01ff05545bce865a5',
    'plastic[0].colPreDelay': 'Uint32Array[1350] 9ecdd2588af84419da976c8c',
    tables: 'Uint32Array[3] bbeb40728c3f28eab3dd2c3d',
    'stateProbes[0].ids': 'Uint32Array[3] 3a6be3100e42952c1f78d636',
    'stateProbes[0].stateIndex': 'Uint32Array[3] 3a6be3100e42952c1f78d636',
  },
};

describe('compiled networks are bit-identical to the recorded build', () => {
  const print = process.env.SPIKEGPU_PRINT_FINGERPRINTS === '1';
  for (const [name, spec] of networks) {
    it(name, () => {
      const f = fingerprint(compileNetwork(spec()));
      if (print) console.log(JSON.stringify({ [name]: f }, null, 1));
      expect(f).toEqual(expected[name]);
    });
  }
});

/** The raw pair lists of each connect rule (before rows merge them), with weights and delays drawn for them. */
const rules: [string, ConnectSpec, number, number, boolean][] = [
  ['allToAll self', { rule: 'allToAll' }, 40, 40, true],
  ['allToAll noself', { rule: 'allToAll', allowSelf: false }, 40, 40, true],
  ['oneToOne', { rule: 'oneToOne' }, 50, 50, false],
  ['fixedProbability 0.1', { rule: 'fixedProbability', p: 0.1 }, 500, 400, false],
  ['fixedProbability 0.1 noself', { rule: 'fixedProbability', p: 0.1, allowSelf: false }, 500, 500, true],
  ['fixedProbability 0.9', { rule: 'fixedProbability', p: 0.9 }, 100, 120, true],
  ['fixedProbability 1 noself', { rule: 'fixedProbability', p: 1, allowSelf: false }, 30, 30, true],
  ['fixedProbability 0', { rule: 'fixedProbability', p: 0 }, 30, 30, true],
  ['fixedInDegree multi', { rule: 'fixedInDegree', k: 50 }, 200, 300, false],
  ['fixedInDegree multi noself', { rule: 'fixedInDegree', k: 50, allowSelf: false }, 200, 200, true],
  ['fixedInDegree distinct', { rule: 'fixedInDegree', k: 50, allowMultiple: false }, 200, 300, false],
  ['fixedInDegree distinct noself', { rule: 'fixedInDegree', k: 50, allowSelf: false, allowMultiple: false }, 200, 200, true],
  ['fixedInDegree distinct dense', { rule: 'fixedInDegree', k: 190, allowMultiple: false }, 200, 100, false],
  ['fixedInDegree distinct full noself', { rule: 'fixedInDegree', k: 99, allowSelf: false, allowMultiple: false }, 100, 100, true],
  ['fixedInDegree distinct large n', { rule: 'fixedInDegree', k: 100, allowMultiple: false }, 80000, 50, false],
  ['fixedOutDegree multi', { rule: 'fixedOutDegree', k: 30 }, 300, 200, false],
  ['fixedOutDegree distinct noself', { rule: 'fixedOutDegree', k: 30, allowSelf: false, allowMultiple: false }, 300, 300, true],
  ['fixedOutDegree distinct full', { rule: 'fixedOutDegree', k: 60, allowMultiple: false }, 80, 60, false],
  ['fixedTotal multi', { rule: 'fixedTotal', n: 7000 }, 300, 200, false],
  ['fixedTotal multi noself', { rule: 'fixedTotal', n: 7000, allowSelf: false }, 300, 300, true],
  ['fixedTotal distinct', { rule: 'fixedTotal', n: 7000, allowMultiple: false }, 100, 100, false],
  ['fixedTotal distinct noself full', { rule: 'fixedTotal', n: 2450, allowSelf: false, allowMultiple: false }, 50, 50, true],
  ['fixedTotal distinct sparse', { rule: 'fixedTotal', n: 3000, allowMultiple: false }, 10000, 9000, false],
  ['fixedTotal distinct sparse noself', { rule: 'fixedTotal', n: 3000, allowSelf: false, allowMultiple: false }, 10000, 10000, true],
  ['fixedOutDegree distinct large n', { rule: 'fixedOutDegree', k: 100, allowMultiple: false }, 50, 80000, false],
  ['fixedProbability large', { rule: 'fixedProbability', p: 0.02 }, 3000, 2000, false],
  ['list', { rule: 'list', pre: [3, 1, 4, 1, 5, 9, 2, 6], post: [2, 7, 1, 8, 2, 8, 1, 8] }, 10, 10, false],
];

const expectedPairs: Record<string, string> = {
  'allToAll self': '1600 b0557675abb4b013cb5d1fb8 4ad526dd8a9c2bad7a6fc008 d520826368dc480e71216ef9 fa6cc858249ae5741f515b7c',
  'allToAll noself': '1560 ed535735a6a4b23850769d69 5e2649d773a621cc591ca40a 797446d6c7ced3e00abcb147 1b322ab631256bb824e65161',
  oneToOne: '50 f234d0f65ba480abeac60b2e f234d0f65ba480abeac60b2e e690db258a86216c57f9909e 14fbad5f793c41a6dc74caad',
  'fixedProbability 0.1': '19957 bed001623aa9546fbaad52aa eb11b121be3ffd35209f5313 52a52b795f5b368ce6026ba9 fceb086f1092e426414d1e44',
  'fixedProbability 0.1 noself': '24801 29a3ea7917fe232220674ca9 e6da51303db2cd87dfc6ea19 f0863e9d2139d0ead39e9704 bf66b4f397901cdefb989369',
  'fixedProbability 0.9': '10781 97331dc41e15b404b4f81b83 608cc81d4b2a6d13a2011a98 684f23c2b943715f5115a931 787764c2e4f336aa31601181',
  'fixedProbability 1 noself': '870 c98dc5d42804b5fc4bbbbabe 3da481f6d5832593b2f117ed 8ad0a94a19a05eb6fd1ee4f1 478933852ad4a0c7a431d9eb',
  'fixedProbability 0': '0 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8',
  'fixedInDegree multi': '15000 ec71aa491eba706b3b91acef adbe52cbd29f9aa509e87095 7658cd0f0d84f26a9658a892 cf8b64fd7db35b049ed974a1',
  'fixedInDegree multi noself': '10000 045231cb0d2740ecfe0625ea 8271c00cc0b95d4e484e4deb 2bee73772c89726a9443d1a8 6f3f85e8ca9956f9af92dc55',
  'fixedInDegree distinct': '15000 a7dd470f00c503a93db5591e adbe52cbd29f9aa509e87095 5e474783047e954fd846dcda 11898b75589ae86b6f81c69f',
  'fixedInDegree distinct noself': '10000 5706d7957b9cd45053db7bed 8271c00cc0b95d4e484e4deb 3cb75ce41ac0fc26747419b7 348b8357e522116056663c37',
  'fixedInDegree distinct dense': '19000 5fe9decee3884773da395b67 f892602b6519eab33ad9030a 6ba548827d5e2855e19dd27e e5ad4318ee844d4688f2c2ae',
  'fixedInDegree distinct full noself': '9900 9e2a21aaf2d0ddfc183d704e 3ce8552c1fd3c11e40b80c4c ff2f9cf49d88613ce39c5a74 b1a3829d2321c73b9e85464c',
  'fixedInDegree distinct large n': '5000 d0a4e72380b98084a25b88fa faffcb2dc66331780df50dce a26b033d8f0e9c4976b6e761 9b60132ed6d152fd1fbe06a9',
  'fixedOutDegree multi': '9000 24b47826e769a8e4cfcaefcc be42c2bb5f02c2ab4cef8956 90b1ddea761f8690958992d9 e908e2646da208114aef0a58',
  'fixedOutDegree distinct noself': '9000 24b47826e769a8e4cfcaefcc 98bebccf61021448cd94880b d2a73addbb970033e75fc65e 79178c9968c950edb77a45e6',
  'fixedOutDegree distinct full': '4800 b421c7b24093db8c114501b2 25316af8327529990b738924 5be74de8ae18dac96b62ef3c f03648bef7d9ed7aff95593a',
  'fixedTotal multi': '7000 a1b34a8bb1b5cb79007ab452 5e571d1e2e8070b9fdb88e56 8e3b9e55d0cf2dc91c869fa7 86f975951192a6413cf400e5',
  'fixedTotal multi noself': '7000 081ebd8e346ca70cb8150013 b56eaf1ca468c0aab768965d b6fe9ef4ed50e397756f1de6 d6514861b31a009cc8a2b86f',
  'fixedTotal distinct': '7000 66255f0117f1e34e5cc41dcc 1334c18ffefa15f0676004e9 62c10ff8ebc9b92d4c622ea9 0d97f7bda1a6712f2d25cfd5',
  'fixedTotal distinct noself full': '2450 4a60b5c8cd7aaafeb936b84b 37c09c5f7bc60bb15838fa1c c40ac59996ea1d918e944ba3 49aa7ef5c99e2848f3728776',
  list: '8 466637dbc16c229aaad34659 ea82eb9bd9c35d7ca1b9ef96 b65fb7586b74613e27d121a4 a45076c7e32e3c3448021b86',
  'fixedTotal distinct sparse': '3000 389d751be9f8c5edcb032069 b66ea3b19e2ae82dad2d6d53 19b51fa5b8da804f409e7254 4f62ca552e93b17a22605f2e',
  'fixedTotal distinct sparse noself': '3000 c260b0bbcb5b5cdb9d380e87 973ea5ba0de2d03b560924dd e0f08b4c313c1fef4ab7cf88 5ab7bddeea4d986b0e53619d',
  'fixedOutDegree distinct large n': '5000 faffcb2dc66331780df50dce 08a94d74eba540b2f5624a75 2fb3fdcac7f2ef5bdaddda1e be1ab37e5fcb077bd3fb8748',
  'fixedProbability large': '120384 08993c01828a1e5f036b33a2 2791018781f2fdae4c9a62ea 3e00d638ec6567073c62435a 2ec05ceb8c5598e423889bed',
};

describe('connect rules draw the recorded pairs', () => {
  const print = process.env.SPIKEGPU_PRINT_FINGERPRINTS === '1';
  rules.forEach(([name, rule, nPre, nPost, same], i) => {
    it(name, () => {
      const p = connect(rule, nPre, nPost, same, new CounterRng(3, streamId(Stream.connect, i)));
      const w = expandValue({ normal: [1, 0.5], clip: [0, 2] }, p.pre.length, new CounterRng(3, streamId(Stream.weight, i)), 'w');
      const d = expandValue({ uniform: [0.1, 3] }, p.pre.length, new CounterRng(3, streamId(Stream.delay, i)), 'd');
      const f = `${p.pre.length} ${sha(p.pre)} ${sha(p.post)} ${sha(w)} ${sha(d)}`;
      if (print) console.log(`  ${JSON.stringify(name)}: '${f}',`);
      expect(f).toBe(expectedPairs[name]);
    });
  });
});

describe('CounterRng', () => {
  it('draws hash4(seed, stream, index, counter) for counter 0, 1, 2, …', () => {
    for (const [seed, stream, index] of [
      [1, streamId(Stream.connect, 3), 0],
      [0, 0, 0],
      [0xffffffff, streamId(Stream.weight, 0xffff), 12345],
      [2 ** 40 + 3, 7, 2 ** 32 - 1],
      [-5, 1, 1000],
    ]) {
      const rng = new CounterRng(seed, stream, index);
      for (let c = 0; c < 1000; c++) expect(rng.nextU32()).toBe(hash4(seed, stream, index, c));
    }
  });
});

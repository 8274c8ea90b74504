/**
 * Build fingerprints: sha256 of every typed array of the CompiledNetwork (and of the raw
 * connect-rule pair lists) for several networks, against recorded values (re-recorded when lif became a definition in
 * equations, whose exact step with currents keeps one more host column (dt/τm) with the same spikes; when izhikevich became a
 * definition in equations, whose parameter columns are laid out differently with the same spikes; when Poisson sources gained
 * rate-table columns and spike sources reserved table capacity; before that when
 * weights, delays and multapse partners became keyed draws, for procedural synapses). Any change to the synapses, their
 * order, weights, delays, the fixed-point scales, parameters or state shows up here.
 * If a change is meant to alter the output, re-record with SPIKEGPU_PRINT_FINGERPRINTS=1.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import type { CompiledNetwork } from '../../src/compile/compiled.ts';
import { connect } from '../../src/compile/connectivity.ts';
import { drawReal } from '../../src/compile/synapseDraws.ts';
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
    scales: '61aa07d680b9f495c13210b3',
    populations: '1635b6962c7379e619f70cab',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[28000] 8491a6b16d1d6a9890b43d32',
    'groups[0].state': 'Float32Array[8000] b31f99105c21b04f969c26df',
    'synapses.rowStart': 'Uint32Array[2001] 81356dd63398238136d298f3',
    'synapses.target': 'Uint32Array[160300] 22729ab5d014ae5205628f40',
    'synapses.weight': 'Int32Array[160300] b4846aad3326dbfe22f0a72c',
    'synapses.channelBits': '31',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  'coba n=1000': {
    scalars: '10ef4cc0b008fc7e9055b810',
    scales: '8ced806ed233990a10050a58',
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
    scales: 'db2c2daec5f5ded5762cb458',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[32500] 1c91b30bda31a15724dffb78',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] 7d07a6c0c5c8ee542ffe665b',
    'synapses.target': 'Uint32Array[3125000] 0d748c9992af44d12f4b3ca7',
    'synapses.weight': 'Int32Array[3125000] c2aa4c1af8a12d0e2ed6f5a6',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[34] ed3475f3e5a01d240ac40b17',
  },
  'brunel n=2500 fixedInDegree C': {
    scalars: '64f220e04236a8e27602b666',
    scales: '406b11d1a88e76562601d86e',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[32500] 1c91b30bda31a15724dffb78',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] 7d07a6c0c5c8ee542ffe665b',
    'synapses.target': 'Uint32Array[3125000] 0d748c9992af44d12f4b3ca7',
    'synapses.weight': 'Int32Array[3125000] 5420b64a7e6df3d2ee76362f',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[34] ed3475f3e5a01d240ac40b17',
  },
  'brunel n=2500 fixedProbability B': {
    scalars: 'd89fd21b799dac67575d68ac',
    scales: 'd37827cbf89fb4302c0b5d2b',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[32500] 92fffaf65f5eb11756037ba4',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] c2328b286bd513fda6e36770',
    'synapses.target': 'Uint32Array[3127006] eddf1c70028ebdd2c8c8c4a8',
    'synapses.weight': 'Int32Array[3127006] 7f9f2e32b725c21e5f53f183',
    'synapses.channelBits': '28',
    tables: 'Uint32Array[46] f22bc42770229be86b060475',
  },
  'brunel n=2500 fixedProbability D': {
    scalars: '0292675df82133421df8b0d7',
    scales: 'fcb8dbaff4679f5ddb504d69',
    populations: '1e7f3499a2ae5a0a434fcd1f',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[32500] 75cc705ffe9e2c1449c81b6a',
    'groups[0].state': 'Float32Array[5000] 28b4f41a7f3ee6d8cc87272d',
    'synapses.rowStart': 'Uint32Array[2501] c2328b286bd513fda6e36770',
    'synapses.target': 'Uint32Array[3127006] 052f4cf0fc3cb47e87d40d26',
    'synapses.weight': 'Int32Array[3127006] 35193cfee5c31aac88665c30',
    'synapses.channelBits': '27',
    tables: 'Uint32Array[26] c8120a5c55e4af3891b5d4ab',
  },
  izhikevich2003: {
    scalars: '02b64caf7f516cb59b80f716',
    scales: '1ef39ddcfd777ec2aedbe485',
    populations: 'd52fcd7c8bc15094089cc45d',
    'populations.E.recordIds': 'null',
    'populations.I.recordIds': 'null',
    'groups[0].params': 'Float32Array[12000] c44b3432284681e7e9356b70',
    'groups[0].state': 'Float32Array[2000] 63074558ba3916602ffdda00',
    'synapses.rowStart': 'Uint32Array[1001] 93814d845805889fd50cfd3c',
    'synapses.target': 'Uint32Array[1000000] 5c85dd55991ddd2813401334',
    'synapses.weight': 'Int32Array[1000000] 076a2bed6e2588b0c50e5be2',
    'synapses.channelBits': '31',
    tables: 'Uint32Array[1] df3f619804a92fdb4057192d',
  },
  song2000: {
    scalars: '5c909f20359529431d80f17e',
    scales: '8252b5db4cde4afde92d9033',
    populations: '2bb5b288c4bfdcc9cee6e98f',
    'populations.inputs.recordIds': 'null',
    'populations.neuron.recordIds': 'null',
    'groups[0].params': 'Float32Array[6000] 8f834c903656eade9eccf6cb',
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
    'plastic[0].weight': 'Float32Array[1000] 2703f0a13343f870bf946b44',
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
    'groups[0].params': 'Float32Array[1800] 64f35aa492c7332977270ff3',
    'groups[0].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[1].params': 'Float32Array[11] ecebd5034201a1be013602ad',
    'groups[1].state': 'Float32Array[3] 00b318259603707c422046ac',
    'synapses.rowStart': 'Uint32Array[302] 83e89195b31736ad0c35ecc6',
    'synapses.target': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.weight': 'Int32Array[0] e3b0c44298fc1c149afbf4c8',
    'synapses.channelBits': '31',
    'plastic[0].scalars': '["inputs",1,31,23,1,0]',
    'plastic[0].segStart': 'Uint32Array[301] 04a011d4d3add4ad9cd104aa',
    'plastic[0].synapsePost': 'Uint32Array[300] 655a3ef0465a9f30fddf25f4',
    'plastic[0].weight': 'Float32Array[300] b930c55d98c48c643fb5c9ea',
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
    'groups[0].params': 'Float32Array[11000] 7ec9a9d5480c57ed29e3db63',
    'groups[0].state': 'Float32Array[2000] a1e8905de5ecb9514cfc09da',
    'groups[1].params': 'Float32Array[6000] 7383ba29b85d215583ebcaff',
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
    scales: '8e01b398a30ade529224be51',
    populations: '5769970ea3800c271b821e77',
    'populations.A.recordIds': 'null',
    'populations.B.recordIds': 'Uint32Array[3] 28b7693c3d769182510cf291',
    'populations.P.recordIds': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'populations.S.recordIds': 'Uint32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[0].params': 'Float32Array[6580] 924ef436cce0519f15222bcf',
    'groups[0].state': 'Float32Array[1880] 5432f27ba37cfc8d9776298f',
    'groups[1].params': 'Float32Array[540] 355ff8db3cdc6b6be524627d',
    'groups[1].state': 'Float32Array[0] e3b0c44298fc1c149afbf4c8',
    'groups[2].params': 'Float32Array[12] 2953230ddc1abbdefb7b303b',
    'groups[2].state': 'Float32Array[4] 374708fff7719dd5979ec875',
    'synapses.rowStart': 'Uint32Array[565] 73e2df00ae3b8387ed42fce0',
    'synapses.target': 'Uint32Array[335270] d1296d3296933cb49402882e',
    'synapses.weight': 'Int32Array[335270] 1c40f7a71dafa217306397ff',
    'synapses.channelBits': '26',
    'plastic[0].scalars': '["plastic",20,27,26,2,300]',
    'plastic[0].segStart': 'Uint32Array[1801] c41f5e438624e6035112710a',
    'plastic[0].synapsePost': 'Uint32Array[1350] 9bebbe732ff5dc45a28c71ff',
    'plastic[0].weight': 'Float32Array[1350] 8208e31dceb0727605c5830d',
    'plastic[0].colStart': 'Uint32Array[171] a1d6a20e5812deb9a48a585f',
    'plastic[0].colSynapse': 'Uint32Array[1350] cbb8226a908e6dedacdb5392',
    'plastic[0].colPreDelay': 'Uint32Array[1350] 0c0cf80a960870799be62225',
    tables: 'Uint32Array[4] 8d7b80a57b7789eb7ac06705',
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
  'allToAll self': '1600 b0557675abb4b013cb5d1fb8 4ad526dd8a9c2bad7a6fc008 df95cec8db0ed8847170aac5 663aae85bbdd882da8ad580c',
  'allToAll noself': '1560 ed535735a6a4b23850769d69 5e2649d773a621cc591ca40a b82635c547e4f7a8f83a85d4 c0bb28ea1a314c23c8cb7946',
  oneToOne: '50 f234d0f65ba480abeac60b2e f234d0f65ba480abeac60b2e 982de03492864c4222434e18 0f1e451ea201dc5fedda099f',
  'fixedProbability 0.1': '19957 bed001623aa9546fbaad52aa eb11b121be3ffd35209f5313 bbffa3272151b11bff32a2af 715ebb30c3d4576d83c8626a',
  'fixedProbability 0.1 noself': '24801 29a3ea7917fe232220674ca9 e6da51303db2cd87dfc6ea19 4238c60f9c5f784c9c95eb70 b22e1fdc412d235ce7f00bf4',
  'fixedProbability 0.9': '10781 97331dc41e15b404b4f81b83 608cc81d4b2a6d13a2011a98 8bd9617c556580343eff8b01 72d4a875f6f4e3e6dca063f6',
  'fixedProbability 1 noself': '870 c98dc5d42804b5fc4bbbbabe 3da481f6d5832593b2f117ed 341693c0a5431499f92803a0 09f78975f90957a1248c0bc7',
  'fixedProbability 0': '0 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8 e3b0c44298fc1c149afbf4c8',
  'fixedInDegree multi': '15000 648da7ce664fc9cb79777b30 adbe52cbd29f9aa509e87095 7d1b9c3e6db9ed8b9f3aa80a 8f045554e95a6d955bd2cff7',
  'fixedInDegree multi noself': '10000 edbc3a9f1b30d38170bf81cf 8271c00cc0b95d4e484e4deb fd55b73f1d88bf00c562adde 4248e2c75a85986e6f05c356',
  'fixedInDegree distinct': '15000 a7dd470f00c503a93db5591e adbe52cbd29f9aa509e87095 dd843fa1d1f0566868ce36a1 5ede89959a20684ad5e42b8e',
  'fixedInDegree distinct noself': '10000 5706d7957b9cd45053db7bed 8271c00cc0b95d4e484e4deb fdb754593e9646da918b4b07 811c098aeb8fb2d19c4b703a',
  'fixedInDegree distinct dense': '19000 5fe9decee3884773da395b67 f892602b6519eab33ad9030a a9fafc941b5266fa513c746d e7216177918aa9353a02a5fe',
  'fixedInDegree distinct full noself': '9900 9e2a21aaf2d0ddfc183d704e 3ce8552c1fd3c11e40b80c4c c80f3ba4000d3dd6f6018903 366839b742711f98380faee4',
  'fixedInDegree distinct large n': '5000 d0a4e72380b98084a25b88fa faffcb2dc66331780df50dce f9c67243216a373c81d19044 adce14cdd5ca3d0728995633',
  'fixedOutDegree multi': '9000 24b47826e769a8e4cfcaefcc dca4d45b8bebda877d4451ee 6ac3bea429f477aadc5961b7 76654766446920bd531d66dc',
  'fixedOutDegree distinct noself': '9000 24b47826e769a8e4cfcaefcc 98bebccf61021448cd94880b e9aeac6be67d67281bcfc228 523813970fc9a8ec3b9cc8b9',
  'fixedOutDegree distinct full': '4800 b421c7b24093db8c114501b2 25316af8327529990b738924 f5c3cb0a3daa3fef382a6364 4af1aa89b9d0a2eec4ca9ac7',
  'fixedTotal multi': '7000 6643d7c30855400ae8334a47 4bb8696113c6f03a14245b0e 550541458c422a021d291f46 29c6e70d0636131f053aed75',
  'fixedTotal multi noself': '7000 5601710a93537dec69dc0bdc d3a6e3150d62f310da999577 1aed18113ab3e00265ff2f49 773aa8efa1fe8e11b18bf256',
  'fixedTotal distinct': '7000 66255f0117f1e34e5cc41dcc 1334c18ffefa15f0676004e9 ab1318046bb66a0aa0e2a51a fb915da08c0b6b2145d7fd81',
  'fixedTotal distinct noself full': '2450 4a60b5c8cd7aaafeb936b84b 37c09c5f7bc60bb15838fa1c 0a4fc420fb6ad36bd1b8119f 7935803c815d47ff347853cb',
  'fixedTotal distinct sparse': '3000 389d751be9f8c5edcb032069 b66ea3b19e2ae82dad2d6d53 27e55c0db804379a5cbad1db 5cdb38a0d10713caf1f7fe1b',
  'fixedTotal distinct sparse noself': '3000 c260b0bbcb5b5cdb9d380e87 973ea5ba0de2d03b560924dd 136ceebc0bfbdc7aa6af0857 303604f5a991a15c46d70a47',
  'fixedOutDegree distinct large n': '5000 faffcb2dc66331780df50dce 08a94d74eba540b2f5624a75 82b86193cf0cb9faa15f28a5 cf6eed8d4147dbea6c9632bf',
  'fixedProbability large': '120384 08993c01828a1e5f036b33a2 2791018781f2fdae4c9a62ea 1d14a1657124c126ca513425 c1be45e2c5189904eeb611fe',
  list: '8 466637dbc16c229aaad34659 ea82eb9bd9c35d7ca1b9ef96 dfe7b7f312744bcd15b3e9a0 f711ab63f8d0f4c848bce7e0',
};

describe('connect rules draw the recorded pairs', () => {
  const print = process.env.SPIKEGPU_PRINT_FINGERPRINTS === '1';
  rules.forEach(([name, rule, nPre, nPost, same], i) => {
    it(name, () => {
      const p = connect(rule, nPre, nPost, same, { seed: 3, projection: i });
      // Values keyed by synapse index, as a rule without runs draws them.
      const w = Float64Array.from(p.pre, (_, s) => drawReal({ normal: [1, 0.5], clip: [0, 2] }, hash4(3, streamId(Stream.weight, i), 0, s)));
      const d = Float64Array.from(p.pre, (_, s) => drawReal({ uniform: [0.1, 3] }, hash4(3, streamId(Stream.delay, i), 0, s)));
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

/** Non-finite state reports: which one is first, and how a report's key names the neuron and variable. */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { firstNonFinite, nonFiniteKeyStride } from '../../src/kernels/nonFinite.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { nonFiniteStateError } from '../../src/sim/nonFiniteState.ts';

describe('non-finite reports', () => {
  it('the first is the earliest tick, then the lowest key, whatever the order of reports', () => {
    const reports = [
      { tick: 5, key: 9 },
      { tick: 3, key: 40 },
      { tick: 3, key: 12 },
      { tick: 4, key: 1 },
    ];
    const orders = [reports, [...reports].reverse(), [reports[2], reports[0], reports[3], reports[1]]];
    for (const order of orders) expect(order.reduce<{ tick: number; key: number } | null>(firstNonFinite, null)).toEqual({ tick: 3, key: 12 });
  });

  it('keys hold the neuron and variable; past u32 they hold the neuron only', () => {
    const net = compileNetwork(builtinNetwork('cuba', { n: 400 }));
    const stride = nonFiniteKeyStride(net);
    expect(stride).toBe(Math.max(...net.groups.map((g) => g.columns.state.length)));
    const state = net.groups[0].columns.state;
    const i = net.populations.find((p) => p.name === 'I')!;
    const e = nonFiniteStateError(net, { tick: 25, key: (i.offset + 7) * stride + state.indexOf('v') });
    expect(e.where).toEqual({ population: 'I', variable: 'v', neuron: 7, timeMs: 2.5 });
    expect(nonFiniteKeyStride({ groups: net.groups, neuronCount: 2 ** 31 })).toBe(1);
  });
});

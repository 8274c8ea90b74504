/**
 * Shared kernel vocabulary: the control block layout and workgroup geometry. The control
 * block lives on the GPU so the host never writes per tick: kernels read the tick index from
 * it and the end-of-tick kernel advances it.
 */

/** Threads per workgroup for every kernel. */
export const WORKGROUP_SIZE = 64;
/** WebGPU's guaranteed maximum workgroups per dimension. */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/**
 * u32 slots of the control buffer: the tick, then one spike counter per slot of the spike
 * history (the spikes of tick t are in history slot t mod spikeSlots; see `ctrlWords`).
 */
export const Ctrl = {
  /** Tick being simulated (absolute). */
  tick: 0,
  /** The first tick in which a neuron's state became NaN or ±Inf (0xffffffff: none; see nonFinite.ts). */
  nonFiniteTick: 1,
  /** Which neuron and variable, as `nonFiniteKeyStride` encodes them. */
  nonFiniteKey: 2,
  /** Spikes emitted in the ticks of history slot s are counted at spikeCount + s. */
  spikeCount: 3,
} as const;

/** The non-finite control words while every state is finite. */
export const ALL_FINITE = 0xffffffff;

/** Words of the control buffer for a spike history of `spikeSlots` ticks. */
export function ctrlWords(spikeSlots: number): number {
  return Ctrl.spikeCount + spikeSlots;
}

/** The control buffer before tick 0: no spikes, no non-finite report. */
export function initialCtrl(spikeSlots: number): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(ctrlWords(spikeSlots));
  words[Ctrl.nonFiniteTick] = words[Ctrl.nonFiniteKey] = ALL_FINITE;
  return words;
}

/** u32 slots at the head of a spike-log metadata buffer (then per-tick offsets). */
export const LogMeta = {
  /** Entries appended to the log since the window began. */
  count: 0,
  /** Absolute tick of the window's first tick (written by the host per window). */
  windowStart: 1,
  /** Spikes of all neurons (recorded or not) in the window. */
  spikes: 2,
  /** Synaptic events (spike × outgoing synapse) delivered in the window. */
  events: 3,
  /** offsets[k] = log entries before window tick k; offsets[0] = 0. */
  offsets: 4,
} as const;

/** Workgroups for `threads` threads, folded into 2D past the per-dimension limit. */
export function workgroupGrid(threads: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP_SIZE));
  if (groups <= MAX_WORKGROUPS_PER_DIM) return [groups, 1];
  return [MAX_WORKGROUPS_PER_DIM, Math.ceil(groups / MAX_WORKGROUPS_PER_DIM)];
}

/** WGSL: the flat thread index of a (possibly 2D) grid laid out by `workgroupGrid`. */
export const flatIndexWgsl = /* wgsl */ `
fn flatIndex(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * ${WORKGROUP_SIZE}u + lid;
}
`;

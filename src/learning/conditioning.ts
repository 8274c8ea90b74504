/**
 * The classical-conditioning experiment of Izhikevich (2007), run on the `izhikevich2007`
 * network: every time E neuron 1 fires within 20 ms after E neuron 0, a reward (dopamine)
 * follows 1–3 s later. Out of 80 000 excitatory synapses, reward-modulated STDP finds the one
 * from neuron 0 to neuron 1 and drives it to the maximum weight, while the others stay low,
 * within an hour of simulated time.
 *
 * The simulation runs in windows (1 s by default, no longer than the shortest reward delay,
 * so every reward is scheduled before its time comes): after each, the host reads the two
 * neurons' spikes, finds the rewarded firings, and gives the `reward` source the pending
 * reward times (`sim.setSpikes`).
 */
import { CONDITIONED, IZHIKEVICH2007_RULE } from '../networks/izhikevich2007.ts';
import { CounterRng, streamId } from '../rng/counterHash.ts';
import type { Simulator } from '../sim/simulator.ts';

export interface ConditioningOptions {
  /** Simulated time, ms (the paper: one hour). */
  durationMs: number;
  /** Length of each run between reward bookkeeping, ms (≤ the shortest reward delay). Default 1000. */
  windowMs?: number;
  /** Neuron 1 must fire within this many ms after neuron 0 (the paper: 20). */
  intervalMs?: number;
  /** Rewards come this long after the rewarded firing, uniform in [lo, hi] ms (the paper: 1000–3000). */
  rewardDelayMs?: [number, number];
  /** Seed of the reward delays. Default 1. */
  seed?: number;
  /** How often the weights are sampled, ms. Default 10 000. */
  sampleEveryMs?: number;
  /** Called after each window. */
  onProgress?(doneMs: number, totalMs: number, last: ConditioningSample): void;
}

/** The weights at one time: the conditioned synapse, and the other excitatory synapses. */
export interface ConditioningSample {
  timeMs: number;
  conditioned: number;
  /** Mean and largest weight of the E → E synapses (the conditioned one aside). */
  othersMean: number;
  othersMax: number;
  /** Fraction of them within 1 % of the upper bound. */
  othersAtBound: number;
  /** Rewards given so far. */
  rewards: number;
}

export interface ConditioningResult {
  samples: ConditioningSample[];
  /** Firings of neuron 1 within the interval after neuron 0 (each rewarded). */
  rewardedFirings: number;
  rewards: number;
  /** Wall time of the simulation windows, ms (bookkeeping included). */
  wallMs: number;
  /** Simulated time ÷ wall time: above 1 is faster than real time. */
  timesRealTime: number;
}

/**
 * Rewarded firings in one window: each spike of `post` that comes after the latest spike of
 * `pre` and within `intervalMs` of it (Izhikevich's rule: n2 fires after n1's last firing,
 * less than the interval later). `lastPre` carries neuron 0's latest spike across windows.
 * @example rewardedFirings([10], [15, 40], -Infinity, 20) // { times: [15], lastPre: 10 }
 */
export function rewardedFirings(
  preTimes: ArrayLike<number>,
  postTimes: ArrayLike<number>,
  lastPre: number,
  intervalMs: number,
): { times: number[]; lastPre: number } {
  const events = [...Array.from(preTimes, (t) => ({ t, pre: true })), ...Array.from(postTimes, (t) => ({ t, pre: false }))].sort(
    (a, b) => a.t - b.t || Number(b.pre) - Number(a.pre),
  );
  const times: number[] = [];
  let latest = lastPre;
  for (const e of events) {
    if (e.pre) latest = e.t;
    else if (e.t > latest && e.t - latest < intervalMs) times.push(e.t);
  }
  return { times, lastPre: latest };
}

/**
 * Run the protocol on a simulator built from the `izhikevich2007` network.
 * @example
 *   const sim = await Simulator.create(builtinNetwork('izhikevich2007'));
 *   const { samples } = await runConditioning(sim, { durationMs: 3_600_000 });
 */
export async function runConditioning(sim: Simulator, options: ConditioningOptions): Promise<ConditioningResult> {
  const { durationMs, windowMs = 1000, intervalMs = 20, rewardDelayMs = [1000, 3000], seed = 1, sampleEveryMs = 10_000 } = options;
  if (windowMs > rewardDelayMs[0]) throw new RangeError(`windowMs (${windowMs}) must not exceed the shortest reward delay (${rewardDelayMs[0]} ms)`);
  const rng = new CounterRng(seed, streamId(0xc0, 1));
  const pending: number[] = [];
  let lastPre = -Infinity;
  let rewarded = 0;
  let rewards = 0;
  const samples: ConditioningSample[] = [];
  const sample = async (timeMs: number) => {
    const conditioned = (await sim.weights('conditioned')).weights[0];
    const others = (await sim.weights('EE')).weights;
    let sum = 0,
      max = 0,
      atBound = 0;
    for (const w of others) {
      sum += w;
      max = Math.max(max, w);
      if (w >= 0.99 * IZHIKEVICH2007_RULE.wMax) atBound++;
    }
    const s = { timeMs, conditioned, othersMean: sum / others.length, othersMax: max, othersAtBound: atBound / others.length, rewards };
    samples.push(s);
    return s;
  };
  const t0 = performance.now();
  let last = await sample(0);
  for (let done = 0; done < durationMs;) {
    const now = done;
    const step = Math.min(windowMs, durationMs - done);
    // Rewards due in this window and later, as times from now.
    const due = pending.filter((t) => t >= now);
    sim.setSpikes('reward', { times: due.map((t) => t - now), ids: due.map(() => 0) });
    rewards += due.filter((t) => t < now + step).length;
    pending.splice(0, pending.length, ...due.filter((t) => t >= now + step));
    sim.clearRecordings();
    await sim.run(step);
    done += step;
    const spikes = sim.spikes('E');
    const times = (id: number) => Array.from(spikes.times).filter((_, k) => spikes.ids[k] === id);
    const found = rewardedFirings(times(CONDITIONED.pre), times(CONDITIONED.post), lastPre, intervalMs);
    lastPre = found.lastPre;
    rewarded += found.times.length;
    for (const t of found.times) pending.push(t + rewardDelayMs[0] + Math.ceil(rng.uniform() * (rewardDelayMs[1] - rewardDelayMs[0])));
    pending.sort((a, b) => a - b);
    if (Math.floor(done / sampleEveryMs) > Math.floor(now / sampleEveryMs) || done >= durationMs) last = await sample(done);
    options.onProgress?.(done, durationMs, last);
  }
  const wallMs = performance.now() - t0;
  return { samples, rewardedFirings: rewarded, rewards, wallMs, timesRealTime: durationMs / wallMs };
}

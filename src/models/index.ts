/** The model registry: adding a model means one file here plus its entry below. */
import { izhikevich } from './izhikevich.ts';
import { adaptiveLif, lif } from './lif.ts';
import type { NeuronModel } from './model.ts';
import { poisson } from './poisson.ts';
import { spikeSource } from './spikeSource.ts';

export const models: Record<string, NeuronModel> = { lif, adaptiveLif, izhikevich, poisson, spikeSource };

export type { NeuronModel } from './model.ts';

/**
 * spikegpu: spiking neural networks on WebGPU.
 *
 * @example
 *   import { Simulator, builtinNetwork } from 'spikegpu';
 *   const sim = await Simulator.create(builtinNetwork('cuba'));
 *   await sim.run(1000);
 *   console.log(sim.summary().populations);
 *   sim.dispose();
 */
export {
  Simulator,
  type BackendChoice,
  type SimulatorOptions,
  type RunSummary,
  type RunResult,
  type PopulationSummary,
  type BackendName,
  type ProjectionWeights,
} from './sim/simulator.ts';
export type { SpikeDispatch } from './sim/gpuBackend.ts';
export { decodeCheckpoint as readCheckpoint, CheckpointError, type SimulatorSnapshot, type RecordingsState } from './sim/checkpoint.ts';
export type { BackendState, RunCounters } from './sim/backend.ts';
export { NonFiniteStateError } from './sim/nonFiniteState.ts';
export type { PopulationSpikes } from './sim/spikeRecorder.ts';
export type { StateTrace } from './sim/stateRecorder.ts';
export type { WeightHistory } from './sim/weightRecorder.ts';
export { spikesCsv, spikesJson, weightsCsv, weightsJson } from './results/files.ts';
export { spikesNpy } from './results/npy.ts';
export { spikesNwb, NWB_VERSION, type NwbRun } from './results/nwb.ts';
export { weightHistogram, weightStats, type WeightStats } from './analysis/weightStats.ts';
export { builtinNetwork, builtinNetworks } from './networks/index.ts';
export { validateSpec } from './netspec/validateSpec.ts';
export { SpecError } from './netspec/errors.ts';
export { exportPynn, type PynnExport, type PynnExportOptions, type PynnGap, type PynnSimulator } from './export/pynn.ts';
export type * from './netspec/types.ts';
export { compileNetwork, type CompileOptions } from './compile/compile.ts';
export { hostSynapseRows } from './compile/synapseRows.ts';
export type { CompiledNetwork, BufferPlan, SynapseRows } from './compile/compiled.ts';
export {
  planMemory,
  checkMemoryPlan,
  MemoryPlanError,
  HOST_BYTES,
  type MemoryPlan,
  type MemoryLimits,
  type MemoryProblem,
  type PlannedBuffer,
  type PlannedPopulation,
  type PlannedProjection,
} from './sim/memoryPlan.ts';
export { acquireDevice, NoAdapterError, type GpuContext } from './gpu/device.ts';
export { DeviceLimitError } from './gpu/buffers.ts';
export { models, plasticityRules } from './models/index.ts';
export type { NeuronEquations } from './models/equationModel.ts';
export type { PlasticityRuleDefinition } from './models/plasticityRule.ts';
export {
  rateCode,
  latencyCode,
  rankOrderCode,
  populationCode,
  populationCodeVector,
  greyImage,
  greyFromRgba,
  imageToRates,
  imageToLatency,
  imageToRankOrder,
  dvsToSpikes,
  dvsChannel,
  parseDvsCsv,
  parseDvsNpy,
  type RateCodeOptions,
  type LatencyCodeOptions,
  type SpikeTrains,
  type RankOrderCodeOptions,
  type PopulationCodeOptions,
  type GreyImage,
  type DvsEvent,
  type DvsEvents,
  type ParsedDvsEvents,
  type DvsSpikes,
  type DvsTimeUnit,
  type DvsToSpikesOptions,
} from './encoding/index.ts';
export { parseDigitsCsv, splitDataset, DIGITS_TRAIN_IMAGES, type ImageDataset, type DatasetSplit } from './datasets/digits.ts';
export { parseIdx, idxDataset, type IdxArray } from './datasets/idx.ts';
export {
  diehlCookNetwork,
  diehlCookDefaults,
  ImageLearner,
  learnImages,
  type DiehlCookOptions,
  type LearningResult,
  type LearningPhase,
} from './learning/diehlCook.ts';
export { assignLabels, predictClass, confusionMatrix, accuracyOf } from './learning/labels.ts';
export { runConditioning, rewardedFirings, type ConditioningOptions, type ConditioningResult, type ConditioningSample } from './learning/conditioning.ts';
export { resolveEncoders, encoderKinds, type EncoderSpec, type EncoderKind } from './encoding/index.ts';

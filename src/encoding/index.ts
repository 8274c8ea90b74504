/**
 * Encoders: data (intensities, scalars, images, event-camera streams) → spike inputs, as the
 * rates of a `poisson` population or the `times` and `ids` of a `spikeSource` population.
 * Pure functions: no GPU, no file system. See docs/encoding.md.
 */
export { rateCode, type RateCodeOptions } from './rate.ts';
export { latencyCode, type LatencyCodeOptions, type SpikeTrains } from './latency.ts';
export { rankOrderCode, type RankOrderCodeOptions } from './rankOrder.ts';
export { populationCode, populationCodeVector, type PopulationCodeOptions } from './population.ts';
export { greyImage, greyFromRgba, imageToRates, imageToLatency, imageToRankOrder, type GreyImage } from './image.ts';
export {
  dvsToSpikes,
  dvsChannel,
  parseDvsCsv,
  parseDvsNpy,
  type DvsEvent,
  type DvsEvents,
  type ParsedDvsEvents,
  type DvsSpikes,
  type DvsTimeUnit,
  type DvsToSpikesOptions,
} from './dvs.ts';
export { resolveEncoders, encoderKinds, type EncoderSpec, type EncoderKind } from './specEncoder.ts';

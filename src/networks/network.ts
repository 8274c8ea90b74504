/** A built-in network: a documented spec generator with typed options (`--set key=value`). */
import type { NetworkSpec } from '../netspec/types.ts';

export interface NetworkOption {
  default: number | string;
  doc: string;
  /** For string options: the allowed values. */
  choices?: string[];
  /** For numeric options: the smallest allowed value. */
  min?: number;
}

export interface BuiltinNetwork {
  name: string;
  doc: string;
  options: Record<string, NetworkOption>;
  build(options: Record<string, number | string>): NetworkSpec;
}

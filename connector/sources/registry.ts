import type { SourceFactory } from './types.js';
import { jfrogXraySource } from './jfrog-xray/source.js';
import { qualysVmdrSource } from './qualys-vmdr/source.js';

/** Every source type, by the name used in config (`source.type`). */
export const sourceFactories: ReadonlyMap<string, SourceFactory<unknown>> = new Map(
  [qualysVmdrSource as SourceFactory<unknown>, jfrogXraySource as SourceFactory<unknown>].map((f) => [f.type, f]),
);

import type { SourceFactory } from './types.js';
import { jfrogXraySource } from './jfrog-xray/source.js';
import { qualysCsSource } from './qualys-cs/index.js';
import { qualysVmdrSource } from './qualys-vmdr/source.js';
import { qualysWasSource } from './qualys-was/index.js';

/** Every source type, by the name used in config (`source.type`). */
export const sourceFactories: ReadonlyMap<string, SourceFactory<unknown>> = new Map(
  [qualysVmdrSource, jfrogXraySource, qualysWasSource, qualysCsSource].map((f) => [f.type, f as SourceFactory<unknown>]),
);

import type { SinkFactory } from './types.js';
import { jiraSink } from './jira/sink.js';

/** Every sink type, by the name used in config (`sink.type`). */
export const sinkFactories: ReadonlyMap<string, SinkFactory<unknown>> = new Map(
  [jiraSink as SinkFactory<unknown>].map((f) => [f.type, f]),
);

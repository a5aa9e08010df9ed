import type { z } from 'zod';
import type { IncidentActionOptions, IncidentSender, IncidentSenderFactory } from '../incidents/types.js';
import type { IncidentSenderDeps } from '../incidents/senderDeps.js';
import type { SinkFactory } from './types.js';
import { webhookSenders } from './incident-webhook/index.js';
import { jiraSink } from './jira/sink.js';
import { pagerdutySenders } from './pagerduty/index.js';

/**
 * The one list of outbound vendors. A new one is a folder sinks/<vendor>/ plus one line
 * here: a ticketing system in sinkFactories, an incident tool in incidentSenderFactories.
 */

/** Every sink type, by the name used in config (`sink.type`). */
export const sinkFactories: ReadonlyMap<string, SinkFactory<unknown>> = new Map(
  [jiraSink as SinkFactory<unknown>].map((f) => [f.type, f]),
);

/**
 * Every incident tool, by the key of its routing action (`pagerduty: {...}`, `webhook: {...}`).
 * Checked loosely here (`any`): each vendor's index.ts checks its own options type.
 */
export const incidentSenderFactories = {
  pagerduty: pagerdutySenders,
  webhook: webhookSenders,
} as const satisfies Readonly<Record<string, IncidentSenderFactory<any>>>;

export type IncidentActionKind = keyof typeof incidentSenderFactories;
/** The options of one kind of incident action, as its vendor's schema gives them. */
export type IncidentActionOf<K extends IncidentActionKind> = z.output<(typeof incidentSenderFactories)[K]['actionSchema']>;
/** An incident action of routes: `{ pagerduty: {...} }` or `{ webhook: {...} }`. */
export type IncidentAction = { [K in IncidentActionKind]: { [P in K]: IncidentActionOf<K> } }[IncidentActionKind];

/** The action's kind, vendor and options. */
export function incidentActionParts(action: IncidentAction): {
  kind: IncidentActionKind;
  factory: IncidentSenderFactory<IncidentActionOptions>;
  options: IncidentActionOptions;
} {
  const kind = Object.keys(action)[0] as IncidentActionKind;
  const factory = incidentSenderFactories[kind] as unknown as IncidentSenderFactory<IncidentActionOptions>;
  return { kind, factory, options: (action as Record<string, IncidentActionOptions>)[kind] as IncidentActionOptions };
}

/** The sender for an incident action of a job's routing. Reads its secrets (and template) now, so config errors show at start. */
export function createIncidentSender(action: IncidentAction, deps: IncidentSenderDeps): IncidentSender {
  const { factory, options } = incidentActionParts(action);
  return factory.create(options, deps);
}

import type { TemplateContext } from '../../model/finding.js';
import type { KevEntry, SlaMemo } from '../../model/sla.js';
import { computeSla, type SlaResult } from './computeSla.js';
import { ownedSlaLabels, slaContext, slaLabels } from './slaContext.js';
import { slaInputsOf } from './slaInputs.js';
import type { SlaPolicy } from './slaPolicy.js';

/** What a lane needs to give its tickets SLAs: its policy, the KEV catalog, and the cycle's clock. */
export interface LaneSla {
  policy: SlaPolicy;
  kevOf(cve: string): KevEntry | undefined;
  now: Date;
}

export interface FindingSla {
  memo: SlaMemo;
  result?: SlaResult;
}

/** A finding's SLA from its context; also puts `${SLA.*}` into the context (empty when it has none). */
export function findingSla(lane: LaneSla, moduleName: string, ctx: TemplateContext): FindingSla | undefined {
  const inputs = slaInputsOf(moduleName, ctx);
  const result = inputs ? computeSla(inputs, lane.policy, lane.kevOf, lane.now) : undefined;
  ctx.SLA = slaContext(result);
  if (!inputs) return undefined;
  return { memo: { inputs, ...(result ? { due: result.dueDate } : {}) }, ...(result ? { result } : {}) };
}

/** The ticket's labels with the SLA's own labels as they should be now (others untouched). */
export function withSlaLabels(labels: readonly string[], sla: SlaResult | undefined, lane: LaneSla, o: { open: boolean; held: readonly string[] }): string[] {
  const owned = new Set(ownedSlaLabels(lane.policy.breachedLabel));
  const mine = slaLabels(sla, { open: o.open, breachedLabel: lane.policy.breachedLabel, held: o.held, now: lane.now });
  return [...labels.filter((l) => !owned.has(l)), ...mine];
}

import { randomUUID } from 'node:crypto';
import type { PagerDutyAction, PagerDutyEvent, PagerDutyPayload } from './pagerDutyEvent.js';

export type PagerDutyAlertStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface PagerDutySimAlert {
  /** 1, 2, ... in creation order. */
  id: number;
  routingKey: string;
  dedupKey: string;
  status: PagerDutyAlertStatus;
  /** Trigger events applied to this alert (the first one included). */
  triggers: number;
  /** Each trigger's payload, oldest first. */
  payloads: PagerDutyPayload[];
  lastPayload: PagerDutyPayload;
  /** The last trigger event as sent (links, images, client, client_url). */
  lastEvent: PagerDutyEvent;
  /** Times from the simulator's clock (ms since the epoch). */
  createdAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

/** An acknowledge or resolve that found no open alert for its routing key and dedup key. */
export interface PagerDutyDroppedEvent {
  routingKey: string;
  dedupKey: string;
  action: Exclude<PagerDutyAction, 'trigger'>;
  at: number;
}

/**
 * Alerts by (routing key, dedup key) as PagerDuty applies events to them (api-notes §3
 * "Dedup semantics"): a trigger opens an alert or adds to the open one; acknowledge and
 * resolve apply to the open one or are dropped; after a resolve a trigger opens a new alert.
 */
export class AlertStore {
  readonly all: PagerDutySimAlert[] = [];
  readonly dropped: PagerDutyDroppedEvent[] = [];
  private readonly open = new Map<string, PagerDutySimAlert>();

  /** Applies a valid event; returns the dedup key PagerDuty answers with. */
  apply(routingKey: string, event: PagerDutyEvent, at: number): string {
    if (event.event_action === 'trigger') {
      // PagerDuty generates a UUID; its answers show it as 32 hex digits.
      const dedupKey = event.dedup_key || randomUUID().replace(/-/g, '');
      const payload = event.payload as PagerDutyPayload;
      const k = key(routingKey, dedupKey);
      const alert = this.open.get(k);
      if (alert) {
        alert.triggers++;
        alert.payloads.push(payload);
        alert.lastPayload = payload;
        alert.lastEvent = event;
      } else {
        const created: PagerDutySimAlert = {
          id: this.all.length + 1,
          routingKey,
          dedupKey,
          status: 'triggered',
          triggers: 1,
          payloads: [payload],
          lastPayload: payload,
          lastEvent: event,
          createdAt: at,
          acknowledgedAt: null,
          resolvedAt: null,
        };
        this.all.push(created);
        this.open.set(k, created);
      }
      return dedupKey;
    }
    const dedupKey = event.dedup_key as string;
    const k = key(routingKey, dedupKey);
    const alert = this.open.get(k);
    if (!alert) {
      this.dropped.push({ routingKey, dedupKey, action: event.event_action, at });
      return dedupKey;
    }
    if (event.event_action === 'acknowledge') {
      alert.status = 'acknowledged';
      alert.acknowledgedAt ??= at;
    } else {
      alert.status = 'resolved';
      alert.resolvedAt = at;
      this.open.delete(k);
    }
    return dedupKey;
  }

  openAlerts(): PagerDutySimAlert[] {
    return this.all.filter((a) => a.status !== 'resolved');
  }
}

const key = (routingKey: string, dedupKey: string): string => `${routingKey}\u0000${dedupKey}`;

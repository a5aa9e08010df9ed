import type { IncidentEvent } from '../model/incidentEvent.js';
import { selectionTerms, type BoxSelection } from './boxSelection.js';
import type { Db } from './openState.js';

export interface AlertRow {
  job: string;
  lane: string;
  dedupKey: string;
  kind: 'alert' | 'member';
  groupKey?: string;
  state: 'triggered' | 'resolved' | 'open' | 'closed';
  payloadHash: string;
  label: string;
}

export interface OutboxRow {
  id: number;
  job: string;
  lane: string;
  dedupKey: string;
  action: 'trigger' | 'resolve';
  event: IncidentEvent;
  attempts: number;
  nextAttemptAt: number;
}

/** An event as `vulnbridge outbox list` shows it: what it is about, never its whole payload. */
export interface OutboxItem {
  id: number;
  job: string;
  lane: string;
  dedupKey: string;
  action: 'trigger' | 'resolve';
  /** `set aside`: the endpoint rejected it (or it was given up): kept, never sent until retried. */
  state: 'waiting' | 'set aside';
  /**
   * A later event of the same alert was queued since (it may be sent already): sending
   * this one now would be stale news (a trigger after its resolve), so it is not retried.
   */
  superseded: boolean;
  attempts: number;
  createdAt: string;
  /** The event's summary and severity (untrusted scanner text; the caller cleans and cuts it). */
  summary: string;
  severity: string;
  lastError?: string;
}

/** What changes together: alert rows and the events their change causes. */
export interface AlertChange {
  alerts: AlertRow[];
  events: Array<{ job: string; lane: string; event: IncidentEvent }>;
}

/**
 * `o` was overtaken: a later event of its alert is queued (any state), or the alert changed
 * after it was queued (alert rows change only together with an event, in one transaction,
 * at the event's created_at; the later event may have been sent and deleted since).
 */
const SUPERSEDED = `(EXISTS (SELECT 1 FROM outbox p WHERE p.job = o.job AND p.lane = o.lane AND p.dedup_key = o.dedup_key AND p.id > o.id)
  OR EXISTS (SELECT 1 FROM alerts a WHERE a.job = o.job AND a.lane = o.lane AND a.dedup_key = o.dedup_key AND a.updated_at > o.created_at))`;

/**
 * Alerts we raised in incident tools and the events still to send. An event is written
 * in the same transaction as the alert state that caused it, so a crash can neither
 * send an event whose cause was not recorded nor record a change whose event is lost.
 */
export class Outbox {
  private readonly getAlert;
  private readonly putAlert;
  private readonly insertEvent;

  constructor(private readonly db: Db) {
    this.getAlert = db.prepare(
      `SELECT job, lane, dedup_key, kind, group_key, state, payload_hash, label FROM alerts WHERE job = ? AND lane = ? AND dedup_key = ?`,
    );
    this.putAlert = db.prepare(
      `INSERT INTO alerts (job, lane, dedup_key, kind, group_key, state, payload_hash, label, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(job, lane, dedup_key) DO UPDATE SET kind = excluded.kind, group_key = excluded.group_key, state = excluded.state,
         payload_hash = excluded.payload_hash, label = excluded.label, updated_at = excluded.updated_at`,
    );
    this.insertEvent = db.prepare(`INSERT INTO outbox (job, lane, dedup_key, action, event, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  }

  alert(job: string, lane: string, dedupKey: string): AlertRow | undefined {
    const r = this.getAlert.get(job, lane, dedupKey) as
      | { job: string; lane: string; dedup_key: string; kind: AlertRow['kind']; group_key: string | null; state: AlertRow['state']; payload_hash: string; label: string }
      | undefined;
    if (!r) return undefined;
    return { job: r.job, lane: r.lane, dedupKey: r.dedup_key, kind: r.kind, ...(r.group_key ? { groupKey: r.group_key } : {}), state: r.state, payloadHash: r.payload_hash, label: r.label };
  }

  /** Record alert states and enqueue their events, all or nothing. */
  apply(change: AlertChange, at: Date = new Date()): void {
    if (change.alerts.length === 0 && change.events.length === 0) return;
    const now = at.toISOString();
    this.db.transaction(() => {
      for (const a of change.alerts) this.putAlert.run(a.job, a.lane, a.dedupKey, a.kind, a.groupKey ?? null, a.state, a.payloadHash, a.label, now);
      for (const e of change.events) this.insertEvent.run(e.job, e.lane, e.event.dedupKey, e.event.action, JSON.stringify(e.event), now);
    })();
  }

  /** The data of a group alert's members that count now (compact contexts, JSON). */
  groupMemberData(job: string, lane: string, groupKey: string): string[] {
    return (
      this.db
        .prepare(`SELECT label FROM alerts WHERE job = ? AND lane = ? AND group_key = ? AND kind = 'member' AND state = 'open' ORDER BY dedup_key`)
        .all(job, lane, groupKey) as Array<{ label: string }>
    ).map((r) => r.label);
  }

  /**
   * The next events of a lane that may be sent now: oldest first, never one whose dedup
   * key has an earlier event still unsent (a resolve must not overtake its trigger).
   */
  due(job: string, lane: string, nowMs: number, limit: number): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT o.id, o.job, o.lane, o.dedup_key, o.action, o.event, o.attempts, o.next_attempt_at FROM outbox o
         WHERE o.job = ? AND o.lane = ? AND o.failed = 0 AND o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.job = o.job AND p.lane = o.lane AND p.dedup_key = o.dedup_key AND p.failed = 0 AND p.id < o.id)
         ORDER BY o.id LIMIT ?`,
      )
      .all(job, lane, nowMs, limit) as Array<{
      id: number;
      job: string;
      lane: string;
      dedup_key: string;
      action: OutboxRow['action'];
      event: string;
      attempts: number;
      next_attempt_at: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      job: r.job,
      lane: r.lane,
      dedupKey: r.dedup_key,
      action: r.action,
      event: JSON.parse(r.event) as IncidentEvent,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  /** When the lane's next unsent event becomes due (undefined: nothing waiting). */
  nextDueAt(job: string, lane: string): number | undefined {
    // Only the head event of each dedup key can go: the others wait for it, not for a time.
    const r = this.db
      .prepare(
        `SELECT MIN(o.next_attempt_at) AS t FROM outbox o WHERE o.job = ? AND o.lane = ? AND o.failed = 0
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.job = o.job AND p.lane = o.lane AND p.dedup_key = o.dedup_key AND p.failed = 0 AND p.id < o.id)`,
      )
      .get(job, lane) as { t: number | null };
    return r.t ?? undefined;
  }

  sent(id: number): void {
    this.db.prepare(`DELETE FROM outbox WHERE id = ?`).run(id);
  }

  retryLater(id: number, atMs: number, error: string): void {
    this.db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`).run(atMs, error, id);
  }

  /** Rejected for good (the endpoint said the event is invalid): kept and shown, never sent. */
  rejected(id: number, error: string): void {
    this.db.prepare(`UPDATE outbox SET attempts = attempts + 1, failed = 1, last_error = ? WHERE id = ?`).run(error, id);
  }

  /** Waiting and rejected events per job and lane, for `status`. */
  counts(): Array<{ job: string; lane: string; waiting: number; rejected: number; lastError?: string }> {
    const rows = this.db
      .prepare(
        `SELECT job, lane, SUM(failed = 0) AS waiting, SUM(failed = 1) AS rejected,
           (SELECT last_error FROM outbox o2 WHERE o2.job = o.job AND o2.lane = o.lane AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error
         FROM outbox o GROUP BY job, lane ORDER BY job, lane`,
      )
      .all() as Array<{ job: string; lane: string; waiting: number; rejected: number; last_error: string | null }>;
    return rows.map((r) => ({ job: r.job, lane: r.lane, waiting: r.waiting, rejected: r.rejected, ...(r.last_error ? { lastError: r.last_error } : {}) }));
  }

  /** Events for `vulnbridge outbox list|retry|drop`, oldest first. */
  select(sel: BoxSelection): OutboxItem[] {
    const { where, args } = selectionTerms(sel, 'o');
    where.push(`o.failed IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(sel.states.map((s) => (s === 'set aside' ? 1 : 0))));
    // Columns named as OutboxItem's fields; state, superseded and the optional error are settled below.
    const rows = this.db
      .prepare(
        `SELECT o.id, o.job, o.lane, o.dedup_key AS dedupKey, o.action, o.failed, o.attempts, o.created_at AS createdAt, o.last_error AS lastError,
           coalesce(substr(json_extract(o.event, '$.summary'), 1, 500), '') AS summary, coalesce(json_extract(o.event, '$.severity'), '') AS severity,
           ${SUPERSEDED} AS superseded
         FROM outbox o WHERE ${where.join(' AND ')} ORDER BY o.id`,
      )
      .all(...args) as Array<Omit<OutboxItem, 'state' | 'superseded' | 'lastError'> & { failed: number; superseded: number; lastError: string | null }>;
    return rows.map(({ failed, superseded, lastError, ...item }) => ({
      ...item,
      state: failed ? 'set aside' : 'waiting',
      superseded: superseded === 1,
      ...(lastError ? { lastError } : {}),
    }));
  }

  /**
   * Put set-aside events back in line, in one transaction: attempts and error cleared, due
   * now, so the drainer sends them as any other (in order per dedup key, exactly once).
   * Only events still set aside and not superseded are touched; returns their ids.
   */
  retrySetAside(ids: readonly number[]): number[] {
    const reset = this.db.prepare(
      `UPDATE outbox AS o SET failed = 0, attempts = 0, next_attempt_at = 0, last_error = NULL WHERE o.id = ? AND o.failed = 1 AND NOT ${SUPERSEDED}`,
    );
    return this.db.transaction(() => ids.filter((id) => reset.run(id).changes === 1))();
  }

  /** Delete events: set-aside ones, and waiting ones only with `waiting`; returns the ids deleted. */
  drop(ids: readonly number[], opts: { waiting: boolean }): number[] {
    const del = this.db.prepare(`DELETE FROM outbox WHERE id = ? AND (failed = 1 OR ?)`);
    return this.db.transaction(() => ids.filter((id) => del.run(id, opts.waiting ? 1 : 0).changes === 1))();
  }

  /** When the oldest event still waiting (not rejected) was queued, per job and lane (metrics: is the outbox stuck?). */
  oldestWaiting(): Array<{ job: string; lane: string; createdAt: string }> {
    return this.db
      .prepare(`SELECT job, lane, MIN(created_at) AS createdAt FROM outbox WHERE failed = 0 GROUP BY job, lane ORDER BY job, lane`)
      .all() as Array<{ job: string; lane: string; createdAt: string }>;
  }

  /** Alerts open now per job and lane (for the summary). */
  openAlerts(job: string): Array<{ lane: string; open: number }> {
    return this.db
      .prepare(`SELECT lane, COUNT(*) AS open FROM alerts WHERE job = ? AND kind = 'alert' AND state = 'triggered' GROUP BY lane ORDER BY lane`)
      .all(job) as Array<{ lane: string; open: number }>;
  }
}

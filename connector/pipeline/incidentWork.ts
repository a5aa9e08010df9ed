import { TemplateError } from '../errors.js';
import { buildGroupEvent, buildIncidentEvent, boundedDedupKey } from '../incidents/buildEvent.js';
import { findingSeverity } from '../incidents/severity.js';
import type { IncidentEvent } from '../incidents/types.js';
import type { TemplateContext, TemplateValue } from '../model/finding.js';
import type { SeverityName } from '../routing/actionSchemas.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { AlertChange, AlertRow, Outbox } from '../state/outbox.js';
import type { StagedFinding } from '../state/staging.js';
import { decideOperation } from '../templates/render.js';
import type { TicketScheme } from '../templates/types.js';
import { buildContext } from './buildContext.js';
import type { CycleCounts } from './cycleCounts.js';
import type { IncidentLane } from './lanes.js';
import { hashOf } from './markers.js';
import type { StepListener } from './planStep.js';

const OPENING = new Set(['open', 'link', 'linkDiff', 'openDiff']);

export interface IncidentWorkDeps {
  job: string;
  project: string;
  lane: IncidentLane;
  /** The job's template decides whether a finding is open (its operationMappings). */
  scheme: TicketScheme;
  lookups: LookupCache;
  outbox: Outbox;
  counts: CycleCounts;
  onStep: StepListener;
  dryRun: boolean;
  now: () => Date;
  /** Jira key and URL of a finding's ticket, when it has one (linked from the alert). */
  ticketOf?(findingKey: string): { key: string; url: string } | undefined;
}

/**
 * The alerts of one incident lane for one cycle: a finding that is open and routed here
 * has a triggered alert (re-triggered when what the alert says changes); one that is
 * fixed, ignored, gone or no longer routed here has it resolved. Each page's alert
 * states and events are written in one transaction; sending is the outbox's business.
 * With `groupBy` watch/host, findings count in one alert per group and severity.
 */
export class IncidentWork {
  private readonly touchedGroups = new Map<string, { group: string; severity: SeverityName; fresh: number }>();

  constructor(private readonly d: IncidentWorkDeps) {}

  get laneId(): string {
    return this.d.lane.id;
  }

  applyPage(page: readonly StagedFinding[], routedHere?: (f: StagedFinding) => boolean): void {
    const { lane } = this.d;
    const change: AlertChange = { alerts: [], events: [] };
    for (const f of page) {
      let ctx: TemplateContext;
      let open: boolean;
      try {
        ctx = buildContext(f, this.d.lookups, this.d.project);
        open = OPENING.has(decideOperation(this.d.scheme, ctx, f.ignored).op) && (routedHere ? routedHere(f) : true);
      } catch (err) {
        // The Jira lane reports template problems once; an alert is not raised on a guess.
        if (err instanceof TemplateError) continue;
        throw err;
      }
      if (lane.groupBy === 'finding') this.perFinding(f, ctx, open, change);
      else this.asMember(f, ctx, open, change);
    }
    if (!this.d.dryRun) this.d.outbox.apply(change, this.d.now());
  }

  /** Group alerts of the groups this cycle touched: trigger with the new counts, or resolve. */
  finish(): void {
    if (this.touchedGroups.size === 0) return;
    const { job, lane } = this.d;
    const change: AlertChange = { alerts: [], events: [] };
    for (const [groupKey, g] of this.touchedGroups) {
      const members = this.members(groupKey);
      const row = this.d.outbox.alert(job, lane.id, groupKey);
      if (members.length === 0 && row?.state !== 'triggered') continue;
      const event = buildGroupEvent({
        action: members.length > 0 ? 'trigger' : 'resolve',
        dedupKey: groupKey,
        module: this.d.scheme.moduleName,
        groupBy: lane.groupBy === 'watch' ? 'watch' : 'host',
        group: g.group,
        severity: g.severity,
        items: members,
        newCount: g.fresh,
        severityMap: lane.severityMap,
        now: this.d.now,
      });
      if (event.action === 'resolve') {
        this.queue(change, { ...(row as AlertRow), state: 'resolved' }, event);
        continue;
      }
      const h = eventHash(event);
      if (row?.state === 'triggered' && row.payloadHash === h) continue;
      this.queue(change, { job, lane: lane.id, dedupKey: groupKey, kind: 'alert', state: 'triggered', payloadHash: h, label: '' }, event);
    }
    if (!this.d.dryRun) this.d.outbox.apply(change, this.d.now());
  }

  private perFinding(f: StagedFinding, ctx: TemplateContext, open: boolean, change: AlertChange): void {
    const { job, lane } = this.d;
    const dedupKey = boundedDedupKey(`vulnbridge:${job}:${f.key}`);
    const row = this.d.outbox.alert(job, lane.id, dedupKey);
    if (open) {
      const event = buildIncidentEvent({
        action: 'trigger',
        dedupKey,
        module: this.d.scheme.moduleName,
        ctx,
        severityMap: lane.severityMap,
        jira: this.d.ticketOf?.(f.key),
        now: this.d.now,
      });
      const h = eventHash(event);
      if (row?.state === 'triggered' && row.payloadHash === h) return;
      this.queue(change, { job, lane: lane.id, dedupKey, kind: 'alert', state: 'triggered', payloadHash: h, label: '' }, event);
    } else if (row?.state === 'triggered') {
      const event = buildIncidentEvent({ action: 'resolve', dedupKey, module: this.d.scheme.moduleName, ctx, severityMap: lane.severityMap, now: this.d.now });
      this.queue(change, { ...row, state: 'resolved' }, event);
    }
  }

  /** A finding's membership in its group alert; the alert itself is settled in finish(). */
  private asMember(f: StagedFinding, ctx: TemplateContext, open: boolean, change: AlertChange): void {
    const { job, lane } = this.d;
    const severity = findingSeverity(ctx);
    const group = groupName(lane.groupBy, ctx);
    const groupKey = boundedDedupKey(`vulnbridge:${job}:${lane.groupBy}:${group}:${severity}`);
    const dedupKey = `member:${f.key}`;
    const row = this.d.outbox.alert(job, lane.id, dedupKey);
    const data = JSON.stringify(compactContext(ctx));
    const state = open ? 'open' : 'closed';
    // A finding whose group changed (its severity moved) leaves the old group too.
    if (row?.groupKey && row.groupKey !== groupKey && row.state === 'open') this.touch(row.groupKey, group, severity, 0);
    if (row && row.state === state && row.groupKey === groupKey && row.label === data) return;
    if (!row && !open) return;
    change.alerts.push({ job, lane: lane.id, dedupKey, kind: 'member', groupKey, state, payloadHash: '', label: data });
    this.touch(groupKey, group, severity, open && row?.state !== 'open' ? 1 : 0);
  }

  private touch(groupKey: string, group: string, severity: SeverityName, fresh: number): void {
    const g = this.touchedGroups.get(groupKey);
    if (g) g.fresh += fresh;
    else this.touchedGroups.set(groupKey, { group, severity, fresh });
  }

  private members(groupKey: string): TemplateContext[] {
    const rows = this.d.outbox.groupMemberData(this.d.job, this.d.lane.id, groupKey);
    return rows.map((r) => JSON.parse(r) as TemplateContext);
  }

  private queue(change: AlertChange, alert: AlertRow, event: IncidentEvent): void {
    change.alerts.push(alert);
    change.events.push({ job: this.d.job, lane: this.d.lane.id, event });
    if (event.action === 'trigger') this.d.counts.triggered++;
    else this.d.counts.resolved++;
    this.d.onStep({ op: 'alert', action: event.action, lane: this.d.lane.id, dedupKey: event.dedupKey, summary: event.summary, severity: event.severity });
  }
}

/** Details that change with every scan without saying anything new about the finding. */
const PER_SCAN_DETAILS = new Set(['last_found', 'times_found', 'last_scan']);

/**
 * What an alert says, without what changes every time (timestamps, the last scan that saw
 * it): a re-trigger only when the news is real, so the rate limit goes to new alerts.
 */
function eventHash(event: IncidentEvent): string {
  const { timestamp: _t, finding: _f, customDetails, ...rest } = event;
  const details = Object.fromEntries(Object.entries(customDetails).filter(([k]) => !PER_SCAN_DETAILS.has(k)));
  return hashOf(JSON.stringify({ ...rest, details }));
}

function groupName(groupBy: IncidentLane['groupBy'], ctx: TemplateContext): string {
  const pick = (...keys: string[]) => keys.map((k) => ctx[k]).find((v) => typeof v === 'string' && v !== '') as string | undefined;
  if (groupBy === 'watch') return pick('WATCH') ?? 'unknown watch';
  return pick('DNS', 'IP', 'ID', 'COMPONENT') ?? 'unknown host';
}

/** A finding's context small enough to keep per group member: long texts cut, long lists shortened. */
function compactContext(ctx: TemplateContext): TemplateContext {
  const cut = (v: TemplateValue, depth: number): TemplateValue => {
    if (typeof v === 'string') return v.length > 300 ? `${v.slice(0, 300)}…` : v;
    if (Array.isArray(v)) return v.slice(0, 20).map((x) => cut(x, depth + 1));
    if (v && typeof v === 'object') {
      if (depth > 2) return '';
      const out: TemplateContext = {};
      for (const [k, x] of Object.entries(v)) out[k] = cut(x, depth + 1);
      return out;
    }
    return v;
  };
  return cut(ctx, 0) as TemplateContext;
}

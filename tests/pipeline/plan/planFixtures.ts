import path from 'node:path';
import type { TemplateContext } from '../../../connector/model/finding.js';
import { buildContext } from '../../../connector/pipeline/buildContext.js';
import { hashFields, TICKET, ticketHash } from '../../../connector/pipeline/fieldHashes.js';
import { hashOf } from '../../../connector/pipeline/markers.js';
import { planPage, type PlanInput } from '../../../connector/pipeline/plan/planPage.js';
import type { FindingIntent, TicketIntent, TicketPlan } from '../../../connector/pipeline/plan/ticketPlan.js';
import type { LookupCache } from '../../../connector/state/lookupCache.js';
import type { StagedFinding } from '../../../connector/state/staging.js';
import type { TicketRow } from '../../../connector/state/ticketStore.js';
import { loadScheme } from '../../../connector/templates/loadScheme.js';
import { schemeUsesSubtasks } from '../../../connector/templates/toTicketScheme.js';
import type { RenderedTicket, TicketScheme } from '../../../connector/templates/types.js';
import { vmdrContext } from '../../templates/vmdrContext.js';

/*
 * Plain-value fixtures for the ticket planner: schemes from templates/, staged findings
 * built in memory, the template context through the real buildContext with a stub
 * lookup cache, and rows held in a Map (no database, no sink).
 */

export const JOB = 'plan-test';
export const PROJECT = 'VULN';

export type SchemeName = 'vmdr-per-detection' | 'vmdr-host-linking' | 'cs-image-linking' | 'cs-container-subtasks' | 'xray-per-violation';

const schemes = new Map<SchemeName, TicketScheme>();
export function scheme(name: SchemeName): TicketScheme {
  let s = schemes.get(name);
  if (!s) schemes.set(name, (s = loadScheme(path.resolve(process.cwd(), 'templates', `${name}.json`))));
  return s;
}

/** A stub of the lookup cache: the KB entry of a QID (under VULN), nothing else. */
export const stubLookups = {
  get(ns: string, id: string): TemplateContext | undefined {
    if (ns !== 'qualys.kb') return undefined;
    return { ...(vmdrContext().VULN as TemplateContext), QID: id, TITLE: `Title of ${id}` };
  },
} as unknown as LookupCache;

export const contextOf = (f: StagedFinding): TemplateContext => buildContext(f, stubLookups, PROJECT);

/** The sink's fields, as a simple pure function (labels and issue type are not diffed). */
export function fieldsOf(t: RenderedTicket): Record<string, unknown> {
  const f: Record<string, unknown> = {
    issuetype: { name: t.issueType },
    summary: t.summary,
    description: t.description.map((s) => s.text).join(''),
    labels: t.labels,
  };
  if (t.priority) f.priority = { name: t.priority };
  for (const cf of t.customFields) f[`cf:${cf.name}`] = cf.text;
  return f;
}

let seq = 0;

export interface Detection {
  host?: string;
  qid?: string;
  port?: string;
  proto?: string;
  status?: string;
  ignored?: boolean;
  qds?: string;
  lastFound?: string;
  trurisk?: string;
}

/** A VMDR detection as staged (host + detection data, the KB entry named as a lookup). */
export function vmdr(d: Detection = {}): StagedFinding {
  const host = d.host ?? '1';
  const qid = d.qid ?? '100';
  const port = d.port ?? '443';
  const proto = d.proto ?? 'tcp';
  const status = d.status ?? 'Active';
  const data: TemplateContext = vmdrContext({
    ID: host,
    QID: qid,
    PORT: port,
    PROTOCOL: proto,
    STATUS: status,
    IS_IGNORED: d.ignored ? '1' : '0',
    QDS: { content: d.qds ?? '95', severity: 'CRITICAL' },
    LAST_FOUND_DATETIME: d.lastFound ?? '2024-03-08T20:15:41Z',
    TRURISK_SCORE: d.trurisk ?? '712',
  });
  delete data.VULN;
  return {
    seq: ++seq,
    key: `host:${host}|qid:${qid}|port:${port}|proto:${proto}`,
    parentKey: `host:${host}`,
    status,
    ignored: d.ignored ?? false,
    data,
    lookups: [{ ns: 'qualys.kb', id: qid, into: 'VULN' }],
  };
}

/** A CS image/container vulnerability: the object is the parent, its status the operation key. */
export function cs(sha: string, qid: string, status: string, o: { port?: string; action?: string; findingStatus?: string } = {}): StagedFinding {
  const port = o.port ?? '0';
  return {
    seq: ++seq,
    key: `obj:${sha}|qid:${qid}|port:${port}`,
    parentKey: `obj:${sha}`,
    scope: `obj:${sha}`,
    status: o.findingStatus ?? status,
    ignored: false,
    data: {
      sha,
      imageId: `img-${sha}`,
      containerId: `c-${sha}`,
      name: `app-${sha}`,
      state: status,
      imageStatus: status,
      imageRepository: `repo-${sha}`,
      imageRegistry: 'registry.test',
      imageTags: 'latest',
      jiraTicketAction: o.action ?? '',
      host: { hostname: 'node-1' },
      vuln: { qid, port, title: `Title ${qid}`, severity: '4', result: `result of ${qid}` },
    },
  };
}

/** An Xray violation in plain context (no lookups). */
export function xray(id: string, status: string): StagedFinding {
  return {
    seq: ++seq,
    key: `watch:prod|${id}`,
    parentKey: 'watch:prod',
    scope: 'watch:prod',
    status,
    ignored: false,
    data: { STATUS: status, VIOLATION_KEY: `prod|${id}`, SEVERITY_RANK: '4', SEVERITY: 'High', TYPE: 'security', ISSUE_ID: id, COMPONENT: 'npm://a:1.0.0', WATCH: 'prod' },
  };
}

export type Rows = Map<string, TicketRow>;

export function planInput(s: TicketScheme, rows: Rows = new Map(), extra: Partial<PlanInput> = {}): PlanInput {
  return {
    job: JOB,
    project: PROJECT,
    scheme: s,
    subtasks: schemeUsesSubtasks(s),
    contextOf,
    rowOf: (pk) => rows.get(pk),
    childrenOf: (parentPk) => [...rows.values()].filter((r) => r.parentPk === parentPk),
    fieldsOf,
    queued: new Set(),
    ...extra,
  };
}

let nextKey = 1;

/** The row the applier would hold for an intent whose ticket is in step with what it rendered. */
export function syncedRow(i: TicketIntent, over: Partial<TicketRow> = {}): TicketRow {
  const f = 'finding' in i ? (i as FindingIntent) : undefined;
  const n = nextKey++;
  return {
    job: JOB,
    pk: i.pk,
    role: i.role,
    primaryKey: i.ticket.primaryKey,
    ...(i.parentPk !== undefined ? { parentPk: i.parentPk } : {}),
    marker: i.marker,
    state: 'open',
    jiraKey: `VULN-${n}`,
    jiraId: String(n),
    linked: false,
    fieldHashes: { ...hashFields(fieldsOf(i.ticket)), [TICKET]: ticketHash(i.ticket) },
    labels: [...i.ticket.labels],
    ...(i.ticket.comment ? { commentHash: hashOf(i.ticket.comment) } : {}),
    ...(f ? { findingKey: f.finding.key, lastStatus: f.decision.key } : {}),
    ...over,
  };
}

/** Hashes as if `ticket` had been sent with `change` applied (an older rendering). */
export function hashesOf(ticket: RenderedTicket, change: Partial<RenderedTicket> = {}): Record<string, string> {
  const older = { ...ticket, ...change };
  return { ...hashFields(fieldsOf(older)), [TICKET]: ticketHash(older) };
}

/**
 * Plan `findings` with no rows, then remember a row for each of their tickets (in step,
 * with `over(intent)` applied): the state of a previous cycle.
 */
export function remember(s: TicketScheme, findings: readonly StagedFinding[], rows: Rows, over: (i: TicketIntent) => Partial<TicketRow> = () => ({})): TicketPlan {
  const plan = planPage(planInput(s), findings);
  for (const i of [...plan.parents, ...plan.tickets]) rows.set(i.pk, syncedRow(i, over(i)));
  return plan;
}


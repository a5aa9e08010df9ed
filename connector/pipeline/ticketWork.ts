import { describeError, TemplateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CreateRequest, FoundIssue, JiraFields, TicketSink } from '../sinks/types.js';
import type { FindingLog } from '../state/findingLog.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { StagedFinding, PendingFindings } from '../state/staging.js';
import type { TicketRow, Tickets } from '../state/ticketStore.js';
import { decideOperation, renderTicket } from '../templates/render.js';
import type { OperationDecision, RenderedTicket, TicketRole, TicketScheme } from '../templates/types.js';
import { buildContext } from './buildContext.js';
import type { CycleCounts } from './cycleCounts.js';
import { ALL, hashFields, NEVER_CLEARED, sameSet, TICKET, ticketHash } from './fieldHashes.js';
import { hashOf, jobLabel, markerLabel, scopedKey } from './markers.js';
import type { StepListener } from './planStep.js';
import type { TicketIo } from './ticketIo.js';

export interface WorkDeps {
  job: string;
  project: string;
  scheme: TicketScheme;
  sink: Pick<TicketSink, 'fields'>;
  io: TicketIo;
  tickets: Tickets;
  lookups: LookupCache;
  /** Absent in a dry run: nothing is recorded. */
  findingLog?: FindingLog;
  pending?: PendingFindings;
  /** Findings were waiting for a retry when the cycle began (else no cleanup is needed). */
  hadPending?: boolean;
  counts: CycleCounts;
  log: Logger;
  onStep: StepListener;
  /** Record each finding's scope and data (sources that resolve by absence or take pushes). */
  keepData?: boolean;
  now?: () => Date;
  /**
   * Routing rules: a finding not routed to this lane is treated as closing here (its
   * ticket, if any, closes; none is created), whatever its scanner status.
   */
  routedHere?: (f: StagedFinding) => boolean;
  /**
   * The status a source that resolves by absence gives gone findings (Xray: Resolved).
   * A finding that comes back after it counts as re-opened, like Qualys's Re-Opened.
   */
  goneStatus?: string;
}

/** The ticket a finding (or a group of them) should have, with what we hold for it. */
interface TicketIntent {
  role: TicketRole;
  ticket: RenderedTicket;
  pk: string;
  marker: string;
  parentPk?: string;
  row?: TicketRow;
  /** Set when this cycle created or adopted it: no field diff needed. */
  fresh?: boolean;
}

interface FindingIntent extends TicketIntent {
  finding: StagedFinding;
  decision: OperationDecision;
  wantOpen: boolean;
  parent?: ParentIntent;
}

interface ParentIntent extends TicketIntent {
  children: FindingIntent[];
}

const OPENING = new Set(['open', 'link', 'linkDiff', 'openDiff']);
const REOPEN_SIGNAL = /^re-?opened/i;

/**
 * Plans and applies the ticket work for one page of staged findings: evaluate each
 * finding against the template, create what is missing (parents first, in bulk),
 * update what changed, move statuses, link/unlink children, then close or reopen
 * parents by their open children. Each step is recorded as it succeeds.
 */
export class TicketWork {
  private readonly linked: boolean;

  constructor(private readonly d: WorkDeps) {
    this.linked = d.scheme.kind === 'linked';
  }

  async applyPage(page: readonly StagedFinding[]): Promise<void> {
    const { intents, parents } = this.evaluate(page);
    // After a lost or restored database, tickets of findings that are closing now (and of
    // parents with no open child) exist in Jira but not in the state: find them so they
    // close too. Only then: otherwise a fixed finding without a ticket never had one.
    const unknownClosing = [
      ...[...parents.values()].filter((p) => !p.row?.jiraKey && !p.children.some((c) => c.wantOpen)),
      ...intents.filter((i) => !i.wantOpen && !i.row?.jiraKey),
    ];
    if (unknownClosing.length) {
      const lookFor = (await this.stateBehindJira()) ? unknownClosing : unknownClosing.filter((i) => i.row?.state === 'pending');
      if (lookFor.length) await this.adopt(lookFor);
    }
    // Parents and their children go in the same bulk calls: link schemes link after creating.
    await this.createMissing([
      ...[...parents.values()].filter((p) => !p.row?.jiraKey && p.children.some((c) => c.wantOpen)),
      ...intents.filter((i) => i.wantOpen && !i.row?.jiraKey),
    ]);
    for (const p of parents.values()) if (!p.row?.jiraKey) this.failChildrenOfMissingParent(p);

    for (const p of parents.values()) if (p.row?.jiraKey && !p.fresh) await this.guard(p.children[0], () => this.syncFields(p));
    for (const i of intents) {
      if (!i.row?.jiraKey) {
        if (!i.wantOpen) this.d.counts.unchanged++;
        continue;
      }
      await this.guard(i, async () => {
        const changed = i.fresh ? false : await this.syncFields(i, i.wantOpen);
        const moved = await this.syncStatus(i);
        const linkMoved = this.linked ? await this.syncLink(i) : false;
        if (!changed && !moved && !linkMoved && !i.fresh) this.d.counts.unchanged++;
        if (i.row && i.row.lastStatus !== i.decision.key) {
          i.row.lastStatus = i.decision.key;
          this.d.tickets.put([i.row]);
        }
      });
    }
    for (const p of parents.values()) if (p.row?.jiraKey) await this.guard(p.children[0], () => this.syncParentStatus(p));
    this.record(intents);
  }

  // ---- evaluation -------------------------------------------------------------------

  private evaluate(page: readonly StagedFinding[]) {
    const { scheme, project } = this.d;
    const intents: FindingIntent[] = [];
    const parents = new Map<string, ParentIntent>();
    const byPk = new Map<string, FindingIntent>();
    for (const finding of page) {
      this.d.counts.findings++;
      try {
        const ctx = buildContext(finding, this.d.lookups, project);
        let decision = decideOperation(scheme, ctx, finding.ignored);
        if (this.d.routedHere && OPENING.has(decision.op) && !this.d.routedHere(finding)) decision = this.notRouted(decision);
        let parent: ParentIntent | undefined;
        if (this.linked) {
          const rendered = renderTicket(scheme, 'parent', ctx, { projectKey: project });
          const pk = scopedKey('parent', rendered.primaryKey);
          parent = parents.get(pk);
          if (!parent) {
            parent = this.intentFor('parent', rendered, pk) as ParentIntent;
            parent.children = [];
            parents.set(pk, parent);
          }
        }
        const role: TicketRole = this.linked ? 'child' : 'single';
        const rendered = renderTicket(scheme, role, ctx, { projectKey: project });
        const pk = scopedKey(role, rendered.primaryKey, parent?.ticket.primaryKey);
        const intent: FindingIntent = {
          ...this.intentFor(role, rendered, pk, parent?.pk),
          finding,
          decision,
          wantOpen: OPENING.has(decision.op),
          parent,
        };
        // Two findings can render the same Primary Key (the Qualys key has no protocol:
        // 443/tcp and 443/udp). They share one ticket: an open one wins over a closing one.
        if (this.carriedPks.has(pk)) {
          // Its ticket is queued for creation from an earlier page: one ticket, not two.
          this.d.counts.unchanged++;
          continue;
        }
        const same = byPk.get(pk);
        if (same) {
          this.d.counts.unchanged++;
          if (same.wantOpen || !intent.wantOpen) continue;
          intents[intents.indexOf(same)] = intent;
          if (parent) parent.children[parent.children.indexOf(same)] = intent;
          byPk.set(pk, intent);
          continue;
        }
        byPk.set(pk, intent);
        parent?.children.push(intent);
        intents.push(intent);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        this.fail(finding, 'single', finding.key, err);
      }
    }
    return { intents, parents };
  }

  /** The finding keeps its status key (so a later return is seen) but its ticket closes. */
  private notRouted(decision: OperationDecision): OperationDecision {
    const closing = Object.entries(this.d.scheme.operationMappings).find(([k, op]) => !OPENING.has(op) && !k.includes('/'));
    if (!closing) return decision;
    const [key, op] = closing;
    const workflowStatus = this.d.scheme.workflowMappings[key];
    return { key: decision.key, op, ...(workflowStatus ? { workflowStatus } : {}) };
  }

  private intentFor(role: TicketRole, ticket: RenderedTicket, pk: string, parentPk?: string): TicketIntent {
    const marker = markerLabel(role, pk);
    ticket.labels = [...new Set([...ticket.labels, marker, jobLabel(this.d.job)])];
    return { role, ticket, pk, marker, parentPk, row: this.d.tickets.get(this.d.job, pk) };
  }

  // ---- create -----------------------------------------------------------------------

  private async createMissing(items: TicketIntent[]): Promise<void> {
    if (items.length === 0) return;
    // A ticket may exist although we hold no key for it: we crashed between Jira's answer
    // and our write (a pending row), or the database was lost or restored from a backup.
    // Its marker label finds it.
    const lookFor = (await this.stateBehindJira()) ? items : items.filter((i) => i.row?.state === 'pending');
    const notFound = new Set(lookFor.length ? await this.adopt(lookFor) : []);
    const toCreate = items.filter((i) => !lookFor.includes(i) || notFound.has(i));
    const queue = [...this.carry, ...toCreate.map((i) => ({ i, req: this.createRequest(i) }))];
    // Flat schemes send full batches of 50 only and carry the rest to the next page (or
    // finish()), so a pull makes ceil(creates / 50) bulk calls. Linking schemes need their
    // keys within the page (to link children), so they send everything now.
    const now = this.linked ? queue.length : queue.length - (queue.length % 50);
    this.carry = queue.slice(now);
    this.carriedPks = new Set(this.carry.map((c) => c.i.pk));
    await this.send(queue.slice(0, now));
  }

  /** Create what earlier pages carried over; call once after the last page. */
  async finish(): Promise<void> {
    const rest = this.carry;
    this.carry = [];
    this.carriedPks.clear();
    await this.send(rest);
  }

  private carry: Array<{ i: TicketIntent; req: CreateRequest }> = [];
  private carriedPks = new Set<string>();

  private createRequest(i: TicketIntent): CreateRequest {
    return {
      ref: i.marker,
      fields: this.fieldsOf(i),
      // The identity on the ticket itself, whether or not Jira has a "Primary Key" field.
      properties: { vulnbridge: { primaryKey: i.ticket.primaryKey, role: i.role, job: this.d.job, marker: i.marker } },
    };
  }

  private async send(queue: ReadonlyArray<{ i: TicketIntent; req: CreateRequest }>): Promise<void> {
    if (queue.length === 0) return;
    const { io } = this.d;
    const toCreate = queue.map((q) => q.i);
    const requests = queue.map((q) => q.req);
    // Intent first: if we die after Jira answers, the pending row tells the next run to look before creating.
    if (!io.dryRun) this.d.tickets.put(toCreate.map((i) => (i.row = this.newRow(i, 'pending', undefined, undefined, {}))));
    for (let start = 0; start < toCreate.length; start += 50) {
      const batch = toCreate.slice(start, start + 50);
      const results = await io.createMany(requests.slice(start, start + 50));
      const byRef = new Map(results.map((r) => [r.ref, r]));
      const rows: TicketRow[] = [];
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n];
        const result = byRef.get(i.marker);
        if (!result?.key) {
          const owner = 'finding' in i ? (i as FindingIntent).finding : (i as ParentIntent).children[0]?.finding;
          if (owner) this.fail(owner, i.role, i.ticket.primaryKey, result?.error ?? new Error('Jira returned no key'));
          continue;
        }
        i.row = this.newRow(i, 'open', result.key, result.id, { ...hashFields(requests[start + n].fields), [TICKET]: ticketHash(i.ticket) });
        i.row.commentHash = i.ticket.comment ? hashOf(i.ticket.comment) : undefined;
        i.fresh = true;
        rows.push(i.row);
        this.d.counts.created++;
        this.d.onStep({
          op: 'create',
          role: i.role,
          primaryKey: i.ticket.primaryKey,
          summary: i.ticket.summary,
          priority: i.ticket.priority,
          issueType: i.ticket.issueType,
          findingKey: 'finding' in i ? (i as FindingIntent).finding.key : undefined,
        });
      }
      this.d.tickets.put(rows);
    }
  }

  /** Find tickets by their marker labels and take them over; returns the ones not found. */
  private async adopt(items: TicketIntent[]): Promise<TicketIntent[]> {
    const found = new Map<string, FoundIssue>();
    for (const issue of await this.d.io.findByLabels(this.d.project, items.map((i) => i.marker))) for (const l of issue.labels) found.set(l, issue);
    const adopted: TicketRow[] = [];
    const missing: TicketIntent[] = [];
    for (const i of items) {
      const hit = found.get(i.marker);
      if (!hit) {
        missing.push(i);
        continue;
      }
      i.row = this.newRow(i, hit.status.category === 'done' ? 'closed' : 'open', hit.key, hit.id, {});
      i.row.jiraStatus = hit.status.name;
      i.row.labels = hit.labels;
      // A closing child may still hang on its parent: try the unlink (a no-op when there is no link).
      if (i.role === 'child' && 'wantOpen' in i && !(i as FindingIntent).wantOpen) i.row.linked = true;
      adopted.push(i.row);
      this.d.onStep({ op: 'adopt', role: i.role, primaryKey: i.ticket.primaryKey, key: hit.key });
    }
    if (adopted.length) this.d.tickets.put(adopted);
    return missing;
  }

  private stateBehind?: boolean;

  /**
   * Does Jira hold tickets of this job that the state does not know? One search per
   * cycle (the newest tickets with the job's label) tells a lost or restored database
   * from an intact one; only then is every create preceded by a label lookup.
   */
  private async stateBehindJira(): Promise<boolean> {
    if (this.stateBehind === undefined) {
      const newest = await this.d.io.newestWithLabel(this.d.project, jobLabel(this.d.job), 50);
      const unknown = newest.filter((i) => !this.d.tickets.hasKey(this.d.job, i.key));
      this.stateBehind = unknown.length > 0;
      if (this.stateBehind) {
        this.d.log.warn('Jira holds tickets of this job that the state does not know (lost or restored database?): each new ticket is looked up by its label first', {
          examples: unknown.slice(0, 5).map((i) => i.key),
        });
      }
    }
    return this.stateBehind;
  }

  private newRow(i: TicketIntent, state: TicketRow['state'], key: string | undefined, id: string | undefined, hashes: Record<string, string>): TicketRow {
    return {
      job: this.d.job,
      pk: i.pk,
      role: i.role,
      primaryKey: i.ticket.primaryKey,
      parentPk: i.parentPk,
      marker: i.marker,
      state,
      jiraKey: key,
      jiraId: id,
      linked: false,
      fieldHashes: hashes,
      labels: i.ticket.labels,
      findingKey: 'finding' in i ? (i as FindingIntent).finding.key : undefined,
      lastStatus: 'finding' in i ? (i as FindingIntent).decision.key : undefined,
    };
  }

  private fieldsOf(i: TicketIntent): JiraFields {
    return this.d.sink.fields(i.ticket, { project: this.d.project });
  }

  // ---- existing tickets ---------------------------------------------------------------

  /** Send only the fields whose rendered value changed since what we last sent. */
  private async syncFields(i: TicketIntent, findingOpen = true): Promise<boolean> {
    const row = i.row as TicketRow;
    const key = row.jiraKey as string;
    const labelsSame = sameSet(row.labels, i.ticket.labels);
    // Most tickets are unchanged most cycles: one hash of the rendered ticket settles it,
    // without building Jira's fields (ADF) at all; else one hash over all fields.
    const rendered = ticketHash(i.ticket);
    let fields: JiraFields | undefined;
    let hashes: Record<string, string> | undefined;
    let fieldsSame = labelsSame && row.fieldHashes[TICKET] === rendered;
    if (!fieldsSame) {
      fields = this.fieldsOf(i);
      hashes = { ...hashFields(fields), [TICKET]: rendered };
      fieldsSame = labelsSame && row.fieldHashes[ALL] === hashes[ALL];
      if (fieldsSame) {
        row.fieldHashes = { ...row.fieldHashes, [TICKET]: rendered };
        this.d.tickets.put([row]);
      }
    }
    const commentDue = this.commentDue(i, row, findingOpen);
    if ((!fieldsSame || commentDue) && findingOpen && 'finding' in i) await this.noticeClosedByUser(i as FindingIntent);
    // A ticket a person closed is left alone, edits included, until the finding comes back.
    if (row.state === 'closed-by-user') return false;
    if (fieldsSame || !fields || !hashes) return this.syncComment(i, row, findingOpen);
    const change: JiraFields = {};
    for (const [f, h] of Object.entries(hashes)) if (f !== ALL && f !== TICKET && row.fieldHashes[f] !== h) change[f] = fields[f];
    for (const f of Object.keys(row.fieldHashes)) if (!(f in hashes) && !NEVER_CLEARED.has(f)) change[f] = null;
    const addLabels = i.ticket.labels.filter((l) => !row.labels.includes(l));
    const removeLabels = row.labels.filter((l) => !i.ticket.labels.includes(l));
    let changed = false;
    if (Object.keys(change).length || addLabels.length || removeLabels.length) {
      await this.d.io.update(key, { fields: change, addLabels, removeLabels });
      this.d.counts.updated++;
      this.d.onStep({ op: 'update', role: i.role, primaryKey: i.ticket.primaryKey, key, fields: [...Object.keys(change), ...(addLabels.length || removeLabels.length ? ['labels'] : [])] });
      row.fieldHashes = hashes;
      row.labels = i.ticket.labels;
      changed = true;
      this.d.tickets.put([row]);
    } else {
      // Nothing Jira would see changed (e.g. hashes from an older version): remember the new ones.
      row.fieldHashes = hashes;
      this.d.tickets.put([row]);
    }
    return (await this.syncComment(i, row, findingOpen)) || changed;
  }

  private commentDue(i: TicketIntent, row: TicketRow, findingOpen: boolean): boolean {
    return !!i.ticket.comment && row.state === 'open' && findingOpen && row.commentHash !== undefined && row.commentHash !== hashOf(i.ticket.comment);
  }

  /**
   * Before writing to a ticket we believe open for a finding that is still open, look
   * whether a person closed it: then it is recorded as closed by the user and left alone
   * (no comments) until the scanner says the finding came back. One read, only when
   * there is something to write.
   */
  private async noticeClosedByUser(i: FindingIntent): Promise<void> {
    const row = i.row as TicketRow;
    if (row.state !== 'open') return;
    const current = await this.d.io.status(row.jiraKey as string);
    if (!current || current.category !== 'done') return;
    row.jiraStatus = current.name;
    row.state = 'closed-by-user';
    this.d.tickets.put([row]);
    this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: `closed by a person (${current.name}); left closed until the scanner reports it Re-Opened` });
  }

  /** The template's comment marks a re-detection (e.g. a new LAST_FOUND_DATETIME). */
  private async syncComment(i: TicketIntent, row: TicketRow, findingOpen: boolean): Promise<boolean> {
    if (!i.ticket.comment || row.state !== 'open' || !findingOpen) return false;
    const h = hashOf(i.ticket.comment);
    if (row.commentHash === h) return false;
    const key = row.jiraKey as string;
    const first = row.commentHash === undefined;
    row.commentHash = h;
    if (!first) {
      await this.d.io.comment(key, i.ticket.comment);
      this.d.counts.commented++;
      this.d.onStep({ op: 'comment', role: i.role, primaryKey: i.ticket.primaryKey, key });
    }
    this.d.tickets.put([row]);
    return !first;
  }

  /**
   * Move the ticket to the status the scanner implies. A ticket a person closed is
   * left alone until the scanner says the finding came back (Re-Opened); we only ask
   * Jira for the current status when we are about to move it.
   */
  private async syncStatus(i: FindingIntent): Promise<boolean> {
    const row = i.row as TicketRow;
    const key = row.jiraKey as string;
    // "Re-Opened" stays on a detection until the next scan: act on it once, when it appears.
    const reopenSignal = (REOPEN_SIGNAL.test(i.decision.key) && row.lastStatus !== i.decision.key) || this.cameBack(i, row);
    if (i.wantOpen) {
      if (row.state === 'open' && !reopenSignal) return false;
      if (row.state === 'closed-by-user' && !reopenSignal) return false;
    } else if (row.state !== 'open') {
      return false;
    }
    const current = await this.d.io.status(key);
    if (current === undefined) return this.deletedInJira(i);
    if (current !== null) {
      row.jiraStatus = current.name;
      const done = current.category === 'done';
      if (i.wantOpen && !done) return this.save(row, 'open');
      if (!i.wantOpen && done) {
        this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key, note: `already ${current.name}` });
        return this.save(row, 'closed');
      }
      if (i.wantOpen && done && row.state === 'open' && !reopenSignal) return this.save(row, 'closed-by-user');
    } else if (i.wantOpen && row.state === 'open') {
      return false;
    }
    const target = i.decision.workflowStatus;
    if (!target) return false;
    return this.move(i, row, target, i.wantOpen ? `finding ${i.decision.key}` : `finding ${i.decision.key}`);
  }

  /** Gone from a complete listing last time, listed again now (sources that resolve by absence). */
  private cameBack(i: FindingIntent, row: TicketRow): boolean {
    const gone = this.d.goneStatus;
    return !!gone && i.wantOpen && row.lastStatus !== undefined && row.lastStatus.split('/')[0]?.toLowerCase() === gone.toLowerCase();
  }

  private async syncLink(i: FindingIntent): Promise<boolean> {
    const row = i.row as TicketRow;
    const parentKey = i.parent?.row?.jiraKey;
    if (!parentKey) return false;
    if (i.wantOpen && !row.linked) {
      await this.d.io.link(parentKey, row.jiraKey as string);
      row.linked = true;
      this.d.tickets.put([row]);
      this.d.counts.linked++;
      this.d.onStep({ op: 'link', parentKey, childKey: row.jiraKey as string, primaryKey: i.ticket.primaryKey });
      return true;
    }
    if (!i.wantOpen && row.linked) {
      await this.d.io.unlink(parentKey, row.jiraKey as string);
      row.linked = false;
      this.d.tickets.put([row]);
      this.d.counts.unlinked++;
      this.d.onStep({ op: 'unlink', parentKey, childKey: row.jiraKey as string, primaryKey: i.ticket.primaryKey });
      return true;
    }
    return false;
  }

  /** A parent closes when no linked open child remains and reopens when one comes back. */
  private async syncParentStatus(p: ParentIntent): Promise<void> {
    const row = p.row as TicketRow;
    const openChildren = this.d.tickets.children(this.d.job, p.pk).filter((c) => c.linked && c.state === 'open').length;
    if (openChildren === 0 && row.state === 'open') {
      const current = await this.d.io.status(row.jiraKey as string);
      if (current === undefined) return;
      if (current?.category === 'done') {
        this.save(row, 'closed');
        return;
      }
      const target = statusFor(this.d.scheme, false);
      if (target) await this.move(p, row, target, 'no open vulnerability tickets remain');
      return;
    }
    const comeBack = row.state === 'closed' || (row.state === 'closed-by-user' && p.children.some((c) => c.wantOpen && REOPEN_SIGNAL.test(c.decision.key)));
    if (openChildren > 0 && comeBack) {
      const target = statusFor(this.d.scheme, true);
      if (target) await this.move(p, row, target, 'a vulnerability ticket is open again');
    }
  }

  private async move(i: TicketIntent, row: TicketRow, target: string, reason: string): Promise<boolean> {
    const to = await this.d.io.transition(row.jiraKey as string, target);
    row.jiraStatus = to.name;
    this.save(row, to.category === 'done' ? 'closed' : 'open');
    this.d.counts.transitioned++;
    this.d.onStep({ op: 'transition', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, to: target, reason });
    return true;
  }

  private save(row: TicketRow, state: TicketRow['state']): boolean {
    row.state = state;
    this.d.tickets.put([row]);
    return false;
  }

  /** Deleted in Jira by hand: forget the key; an open finding gets a new ticket next cycle. */
  private deletedInJira(i: FindingIntent): boolean {
    const row = i.row as TicketRow;
    this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira' });
    row.jiraKey = undefined;
    row.jiraId = undefined;
    row.linked = false;
    row.state = 'pending';
    this.d.tickets.put([row]);
    if (i.wantOpen) this.d.pending?.markFailed(this.d.job, i.finding, 'ticket was deleted in Jira; recreating');
    return false;
  }

  // ---- failures and records -------------------------------------------------------------

  /** Run one finding's work; a rejection by Jira is recorded and the cycle goes on. */
  private async guard(i: FindingIntent | undefined, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const code = (err as { code?: string }).code;
      // The host is down or we are not allowed in: stop the cycle, nothing more will work.
      if (code === 'HOST_UNREACHABLE' || code === 'AUTH_FAILED' || code === 'HOST_RATE_LIMITED' || code === 'HOST_ERROR' || code === 'ABORTED') throw err;
      if (!i) throw err;
      if (code === 'TICKET_GONE' && i.row?.jiraKey) {
        this.deletedInJira(i);
        return;
      }
      this.fail(i.finding, i.role, i.ticket.primaryKey, err);
    }
  }

  private failChildrenOfMissingParent(p: ParentIntent): void {
    // Retried next cycle, parent first, so each child gets linked then.
    for (const c of p.children) if (c.wantOpen && !this.failedKeys.has(c.finding.key)) this.fail(c.finding, 'child', c.ticket.primaryKey, new Error('its parent ticket could not be created'));
  }

  private readonly failedKeys = new Set<string>();

  private fail(finding: StagedFinding, role: TicketRole, primaryKey: string, err: unknown): void {
    if (this.failedKeys.has(finding.key)) return;
    this.failedKeys.add(finding.key);
    const message = describeError(err);
    this.d.counts.failed++;
    this.d.log.warn('ticket work failed for a finding; it is retried next cycle', { finding: finding.key, primaryKey, error: message });
    this.d.onStep({ op: 'fail', role, primaryKey, findingKey: finding.key, error: message });
    this.d.pending?.markFailed(this.d.job, finding, message);
  }

  private record(intents: readonly FindingIntent[]): void {
    if (!this.d.findingLog) return;
    this.d.findingLog.record(
      this.d.job,
      intents.map((i) => ({
        fkey: i.finding.key,
        parentKey: i.finding.parentKey,
        status: i.decision.key,
        operation: i.decision.op,
        finding: this.d.keepData ? i.finding : undefined,
      })),
      this.d.now?.(),
    );
    if (!this.d.hadPending) return;
    const ok = intents.filter((i) => !this.failedKeys.has(i.finding.key)).map((i) => i.finding.key);
    this.d.pending?.resolved(this.d.job, ok);
  }
}

/** The parent's status when its children are all gone (close) or when one returns (reopen). */
function statusFor(scheme: TicketScheme, open: boolean): string | undefined {
  const entries = Object.entries(scheme.operationMappings).filter(([, op]) => OPENING.has(op) === open);
  const preferred = open ? entries.find(([k]) => REOPEN_SIGNAL.test(k)) : entries.find(([k]) => !k.includes('/'));
  const key = (preferred ?? entries[0])?.[0];
  return key ? scheme.workflowMappings[key] : undefined;
}

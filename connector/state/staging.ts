import { hash } from 'node:crypto';
import { dataJsonOf } from '../model/dataJson.js';
import type { Finding, FindingGroup, FindingGroupSpan, FindingHead, LookupRef, TemplateContext } from '../model/finding.js';
import type { Statement } from 'better-sqlite3';
import { recordedData } from './findingDigests.js';
import { splitLookupName } from './lookupCache.js';
import type { Db } from './openState.js';
import { BlockArray } from './blockArray.js';
import { GroupDigests, groupMembers, versionsDigest, type GroupRecord } from './groupDigests.js';
import { refsOf, refsText, unionRefs, type LookupRefKey } from './lookupRefs.js';

export interface StagedFinding extends Finding {
  seq: number;
  parentKey: string;
  /**
   * What the finding's tickets depend on apart from the lane (its own data and its
   * lookups' versions), when the cycle checks digests: a lane records it, with its own
   * part, once the finding's ticket work there succeeded.
   */
  digest?: string;
  /** Its data, lookups and head as staged (JSON): what a lane records with its digest. */
  raw?: { data: string; lookups: string; head: string };
}

/**
 * How a cycle tells an unchanged finding from its staged row alone: the digest its
 * tickets depend on outside each lane (from the row's own digest and lookup refs), and
 * each lane's part (its template, policy, routing, sink: `pipeline/findingDigest.ts`).
 */
export interface DigestCheck {
  /** The ticket job of each Jira lane. */
  laneJobs: readonly string[];
  /** Each lane's part of the digest, in the order of `laneJobs`. */
  laneParts: readonly string[];
  /** The finding's digest outside the lanes: its own digest and the versions of the lookups it names. */
  digestOf(own: string, refs: readonly LookupRefKey[]): string;
  /** The version of one lookup entry, as `digestOf` reads it. */
  version(ns: string, id: string): string;
}

/** A finding's head as a lane records it with its digest: what staging it again from the record needs. */
export function headJson(f: Pick<Finding, 'parentKey' | 'status' | 'ignored' | 'scope'>): string {
  return JSON.stringify([f.parentKey ?? '', f.status, f.ignored ? 1 : 0, f.scope ?? null]);
}

/** The head `headJson` recorded. */
function headOf(json: string): Pick<FindingHead, 'parentKey' | 'status' | 'ignored' | 'scope'> {
  const [parentKey, status, ignored, scope] = JSON.parse(json) as [string, string, number, string | null];
  return { parentKey, status, ignored: ignored === 1, ...(scope === null ? {} : { scope }) };
}

const DOT = 46;

/** `knownOne`: the finding is built and staged as usual. */
const NOT_TAKEN = -2;
/** `knownOne`: the finding is staged without its data (its own digest is the one recorded). */
const STAGED_BARE = -1;

/** Whether a recorded lane digest (`own.versions….lanePart`) starts with this own digest. */
function startsWithOwn(recorded: string, own: string): boolean {
  return recorded.startsWith(own) && recorded.charCodeAt(own.length) === DOT;
}

/** A group's digest in each lane: its source digest, the versions of the lookups its findings name, the lane's part. */
function groupLaneDigests(source: string, refs: readonly LookupRefKey[], check: DigestCheck): string[] {
  const prefix = `${source}.${versionsDigest(refs, check.version)}.`;
  return check.laneParts.map((p) => prefix + p);
}

/** A recorded digest as the pull-time check reads it (covering index only); `''` when voided. */
interface RecordedRow {
  r: number;
  digest: string;
}

/** `recorded === \`${digest}.${lanePart}\``, without making that string (asked once per finding per lane). */
function isDigest(recorded: string, digest: string, lanePart: string): boolean {
  return recorded.length === digest.length + 1 + lanePart.length && recorded.startsWith(digest) && recorded.charCodeAt(digest.length) === DOT && recorded.endsWith(lanePart);
}

/**
 * Findings passed over while they were pulled (`addKnown` with `passOver`): never staged.
 * Kept per finding are its lane-0 digest row (rowid) and the lookups it names (interned),
 * 8 bytes and 4 per lookup plus 4, so those naming an entry the cycle's enrichment changed can be
 * staged after all (`restagePassed`).
 */
class PassedOver {
  /** Passed over and not taken since. */
  count = 0;
  /** Digest row ids, one per finding (taken ones are -1). */
  private readonly rows = new BlockArray(Float64Array);
  /**
   * Per finding: how many lookups it names, then their interned numbers. Per group of
   * findings passed over together: minus one less the number of lookups they name, how
   * many findings (rows) it holds, then the lookups' numbers.
   */
  private readonly refs = new BlockArray(Int32Array);
  /** Interned lookups: a number by namespace and lookup id (no key string built per finding). */
  private readonly refIds = new Map<string, Map<string, number>>();
  private refCount = 0;

  add(rowid: number, lookups: readonly LookupRefKey[]): void {
    this.rows.push(rowid);
    this.count++;
    this.refs.push(lookups.length);
    this.pushRefs(lookups);
  }

  /** Findings passed over together: a lookup one of them names stages them all again if it changes. */
  addGroup(rowids: readonly number[], lookups: readonly LookupRefKey[]): void {
    for (const r of rowids) this.rows.push(r);
    this.count += rowids.length;
    this.refs.push(-1 - lookups.length);
    this.refs.push(rowids.length);
    this.pushRefs(lookups);
  }

  private pushRefs(lookups: readonly LookupRefKey[]): void {
    for (const l of lookups) {
      let ids = this.refIds.get(l.ns);
      if (!ids) this.refIds.set(l.ns, (ids = new Map()));
      let id = ids.get(l.id);
      if (id === undefined) ids.set(l.id, (id = this.refCount++));
      this.refs.push(id);
    }
  }

  /** The digest rows of the findings that name one of `changed` (`lookupName`s), taken out of the count. */
  take(changed: ReadonlySet<string>): number[] {
    const hit = new Uint8Array(this.refCount);
    let any = false;
    for (const name of changed) {
      const [ns, id] = splitLookupName(name);
      const n = this.refIds.get(ns)?.get(id);
      if (n === undefined) continue;
      hit[n] = 1;
      any = true;
    }
    if (!any) return [];
    const out: number[] = [];
    for (let f = 0, at = 0; f < this.rows.length; ) {
      const head = this.refs.get(at++);
      const group = head < 0;
      const n = group ? -1 - head : head;
      const members = group ? this.refs.get(at++) : 1;
      let named = false;
      for (let k = 0; k < n; k++) if (hit[this.refs.get(at + k)]) named = true;
      at += n;
      for (let m = 0; m < members; m++, f++) {
        const row = this.rows.get(f);
        if (!named || row < 0) continue;
        out.push(row);
        // Taken once: a later call does not stage it again.
        this.rows.set(f, -1);
      }
    }
    this.count -= out.length;
    return out;
  }
}

/** A page of staged findings to plan, and how many were passed over as unchanged in every lane. */
export interface CheckedPage {
  findings: StagedFinding[];
  unchanged: number;
}

interface StagedRow {
  seq: number;
  fkey: string;
  parent_key: string;
  status: string;
  ignored: number;
  data: string;
  lookups: string;
  scope: string | null;
}

const toFinding = (r: StagedRow): StagedFinding => ({
  ...(r.scope === null ? {} : { scope: r.scope }),
  seq: r.seq,
  key: r.fkey,
  parentKey: r.parent_key,
  status: r.status,
  ignored: r.ignored === 1,
  data: JSON.parse(r.data) as TemplateContext,
  lookups: JSON.parse(r.lookups) as LookupRef[],
});

/** Staging tables of this process's connections: one per Staging, so concurrent cycles never meet. */
let tables = 0;

/**
 * The findings of one pull, on disk rather than in memory: a million detections do not
 * fit in the memory budget, and a failed pull is discarded whole.
 *
 * They go to a table of the connection's TEMP database: a file of its own (temp_store =
 * FILE) with no WAL, no syncs and no checkpoint copy, removed by SQLite when the
 * connection closes or the process dies, and never part of the state (a dry run writes
 * nothing to it). Nothing needs staging across a crash: the next cycle pulls again.
 */
export class Staging {
  private seq = 0;
  /** `temp.staged_N`. */
  private readonly table: string;
  private readonly laneJobs: readonly string[] = [];
  /** Lookup ids the staged findings name, per namespace (small: one per QID or host). */
  readonly lookupIds = new Map<string, Set<string>>();
  /**
   * Keys staged so far, when the caller needs "is it staged?" (absence resolution, pushed
   * findings); off for the million-detection Qualys pulls that never ask.
   */
  private readonly keys?: Set<string>;

  private readonly insert;
  private readonly digests: boolean;
  /** Findings `addKnown` took, staged in batches. */
  private known: FindingHead[] = [];
  /** The recorded digests of a finding in each lane, when their own part may spare staging its data. */
  private readonly recorded?: Array<Statement<[string, string], RecordedRow>>;
  /** The digest check of findings as they are pulled (`passOver`). */
  private check?: DigestCheck;
  private readonly passed = new PassedOver();
  /** `knownOne`'s rows, one per lane, reused. */
  private readonly laneRows: Array<RecordedRow | undefined> = [];
  /** The lanes' digests of groups of findings (a host's detections), when the lanes' recorded digests are read. */
  private readonly groups?: GroupDigests;
  /** `temp.groups_N`: the groups of this pull none of whose findings was passed over alone, for `recordGroups`. */
  private readonly groupTable?: string;
  private readonly noteGroup?: Statement<[string, string, number]>;
  /** `passGroups`' digests of the other lanes, reused. */
  private readonly otherDigests: string[] = [];

  /**
   * `parent` order brings a parent's children together (linking schemes); `lookup` order
   * brings findings that share their first lookup (the same KB entry) together, so it is
   * parsed once, not once per host.
   */
  constructor(
    private readonly db: Db,
    readonly runId: number,
    private readonly order: 'parent' | 'lookup' = 'parent',
    trackKeys = false,
    /**
     * Keep each finding's own digest and lookup refs, for `checkedPages`; with the lanes'
     * ticket jobs, a finding whose own digest is the one recorded in every lane (with its
     * data) is staged without its data: `checkedPages` passes it over, or takes the data
     * recorded with the digest (the same, by the digest) when a lookup or the config changed.
     */
    digests: boolean | readonly string[] = false,
  ) {
    if (trackKeys) this.keys = new Set();
    this.digests = digests !== false;
    if (Array.isArray(digests) && digests.length > 0) {
      // From the covering index: a ticket row written or a retry queued since voided it (migration 16's triggers).
      this.recorded = digests.map(() =>
        db.prepare<[string, string], RecordedRow>(`SELECT rowid AS r, digest FROM finding_digests INDEXED BY finding_digests_digest WHERE job = ? AND fkey = ?`),
      );
      this.laneJobs = digests;
      this.groups = new GroupDigests(db, digests);
    }
    const name = `staged_${++tables}`;
    this.table = `temp.${name}`;
    if (this.groups) {
      this.groupTable = `temp.groups_${tables}`;
      // A parent seen twice in one pull (n = -1) is never recorded as a group: its findings were not all in one span.
      db.exec(`CREATE TEMP TABLE groups_${tables} (gkey TEXT PRIMARY KEY, digest TEXT NOT NULL, n INTEGER NOT NULL)`);
      this.noteGroup = db.prepare(`INSERT INTO ${this.groupTable} (gkey, digest, n) VALUES (?, ?, ?) ON CONFLICT(gkey) DO UPDATE SET n = -1`);
    }
    // The digest and refs before the data: reading them never walks the data's overflow pages.
    db.exec(
      `CREATE TEMP TABLE ${name} (seq INTEGER PRIMARY KEY, sort_key TEXT NOT NULL, fkey TEXT NOT NULL, parent_key TEXT NOT NULL,
         status TEXT NOT NULL, ignored INTEGER NOT NULL, scope TEXT, digest TEXT, refs TEXT, data TEXT, lookups TEXT);
       CREATE INDEX temp.${name}_sort ON ${name} (sort_key, seq);`,
    );
    this.insert = db.prepare(
      `INSERT INTO ${this.table} (seq, fkey, parent_key, status, ignored, data, lookups, sort_key, scope, digest, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  add(findings: readonly Finding[]): void {
    this.flushKnown();
    this.insertAll(findings, false);
  }

  /**
   * Pass over, as they are pulled, findings whose recorded digest in every lane is what
   * they depend on now (`check`, with the lookup versions stored before this cycle's
   * enrichment): they are never staged. Those naming an entry the enrichment then changes
   * are staged after all (`restagePassed`).
   */
  passOver(check: DigestCheck): void {
    if (this.recorded) this.check = check;
  }

  /** Findings passed over as they were pulled, not staged since. */
  get passedOver(): number {
    return this.passed.count;
  }

  /**
   * Findings by their heads and source digests (`PullContext.known`): one whose digest
   * every lane recorded as what it depends on now is passed over (`passOver`); one whose
   * own part every lane recorded (with its data) is staged without data (as `add` stages
   * such a finding). For both `true` says its data need not be built; else `false`, and
   * the source builds it and it comes through `add`. One read transaction for the batch.
   */
  addKnown(heads: readonly FindingHead[], groups?: readonly FindingGroupSpan[]): boolean[] {
    const taken = this.db.transaction(() => {
      const how = heads.map((h) => this.knownOne(h));
      if (groups && groups.length > 0) this.noteGroups(heads, how, groups);
      return how.map((k) => k !== NOT_TAKEN);
    })();
    if (this.known.length >= 500) this.flushKnown();
    return taken;
  }

  /**
   * Groups of findings by their source's digest (`PullContext.knownGroups`): a group whose
   * digest every lane recorded as what it depends on now (the same text, the versions of
   * the lookups its findings name, the lane's part) is passed over whole, none of its
   * findings read; `true` says the source need not build or digest them one by one.
   * One read transaction for the batch.
   */
  passGroups(groups: readonly FindingGroup[]): boolean[] {
    const store = this.groups;
    const check = this.check;
    if (!store || !check) return groups.map(() => false);
    return this.db.transaction(() => groups.map((g) => this.passGroup(g, store, check)))();
  }

  private passGroup(g: FindingGroup, store: GroupDigests, check: DigestCheck): boolean {
    const others = this.otherDigests;
    const row = store.read(g.key, others);
    if (!row) return false;
    const refs = refsOf(row.refs);
    const digests = groupLaneDigests(g.digest, refs, check);
    if (row.digest !== digests[0]) return false;
    for (let n = 1; n < digests.length; n++) if (others[n - 1] !== digests[n]) return false;
    this.passed.addGroup(groupMembers(row.members), refs);
    this.noteLookups({ lookups: refs });
    return true;
  }

  /**
   * After `knownOne` of a batch: a group all of whose findings were passed over (their
   * digests recorded in every lane as what they depend on now) is recorded as a group
   * now; one none of whose findings was passed over is noted for `recordGroups`, once
   * the cycle has recorded their digests. A group partly passed over waits for a cycle
   * that passes over all of it.
   */
  private noteGroups(heads: readonly FindingHead[], how: readonly number[], groups: readonly FindingGroupSpan[]): void {
    const check = this.check;
    const records: GroupRecord[] = [];
    for (const g of groups) {
      if (g.to <= g.from) continue;
      let passed = 0;
      let sameParent = true;
      for (let i = g.from; i < g.to; i++) {
        if ((how[i] as number) >= 0) passed++;
        if ((heads[i] as FindingHead).parentKey !== g.key) sameParent = false;
      }
      if (!sameParent) continue;
      if (passed === g.to - g.from && check) {
        const refs = unionRefs(heads.slice(g.from, g.to).map((h) => h.lookups));
        records.push({ gkey: g.key, digests: groupLaneDigests(g.digest, refs, check), refs, members: how.slice(g.from, g.to) });
      } else if (passed === 0) {
        this.noteGroup?.run(g.key, g.digest, g.to - g.from);
      }
    }
    if (records.length > 0) this.groups?.record(records);
  }

  /**
   * At the end of a cycle whose ticket work is done: record the groups noted while pulling
   * (none of their findings passed over alone) whose findings were all staged and now
   * hold, in every lane, the digest `check` gives them (their ticket work there
   * succeeded). The next cycle passes over such a group whole. Returns how many.
   */
  recordGroups(check: DigestCheck): number {
    const store = this.groups;
    const recorded = this.recorded;
    if (!store || !recorded || !this.groupTable || this.order !== 'parent') return 0;
    this.flushKnown();
    // In parent order the sort key is the parent's key: a group's findings are read from the sort index.
    const members = this.db.prepare<[string], { fkey: string; own: string | null; refs: string | null }>(
      `SELECT fkey, digest AS own, refs FROM ${this.table} WHERE sort_key = ? ORDER BY seq`,
    );
    const next = this.db.prepare<[string], { gkey: string; digest: string; n: number }>(
      `SELECT gkey, digest, n FROM ${this.groupTable} WHERE gkey > ? ORDER BY gkey LIMIT 500`,
    );
    let count = 0;
    for (let last = ''; ; ) {
      const batch = next.all(last);
      if (batch.length === 0) return count;
      last = (batch[batch.length - 1] as { gkey: string }).gkey;
      this.db.transaction(() => {
        const records: GroupRecord[] = [];
        for (const g of batch) {
          const record = this.groupIfRecorded(g, members.all(g.gkey), recorded, check);
          if (record) records.push(record);
        }
        store.record(records);
        count += records.length;
      })();
    }
  }

  private groupIfRecorded(
    g: { gkey: string; digest: string; n: number },
    members: ReadonlyArray<{ fkey: string; own: string | null; refs: string | null }>,
    recorded: ReadonlyArray<Statement<[string, string], RecordedRow>>,
    check: DigestCheck,
  ): GroupRecord | undefined {
    if (g.n <= 0 || members.length !== g.n) return undefined;
    const rowids: number[] = [];
    const lists: LookupRefKey[][] = [];
    for (const m of members) {
      if (m.own === null) return undefined;
      const refs = refsOf(m.refs ?? '');
      const digest = check.digestOf(m.own, refs);
      for (let n = 0; n < recorded.length; n++) {
        const row = (recorded[n] as Statement<[string, string], RecordedRow>).get(this.laneJobs[n] as string, m.fkey);
        if (!row || !isDigest(row.digest, digest, check.laneParts[n] as string)) return undefined;
        if (n === 0) rowids.push(row.r);
      }
      lists.push(refs);
    }
    const refs = unionRefs(lists);
    return { gkey: g.gkey, digests: groupLaneDigests(g.digest, refs, check), refs, members: rowids };
  }

  /** What `knownOne` made of a head: `NOT_TAKEN`, `STAGED_BARE` (staged without data), or passed over (its lane-0 digest row id, >= 0). */
  private knownOne(h: FindingHead): number {
    const recorded = this.recorded;
    const own = h.sourceDigest;
    if (!recorded || own === undefined) return NOT_TAKEN;
    // Loops and a reused array, not closures: this runs for every finding of a million-detection pull.
    const rows = this.laneRows;
    let allRecorded = true;
    for (let n = 0; n < recorded.length; n++) {
      const row = (recorded[n] as Statement<[string, string], RecordedRow>).get(this.laneJobs[n] as string, h.key);
      rows[n] = row;
      if (row === undefined || row.digest === '') allRecorded = false;
    }
    if (!allRecorded) return NOT_TAKEN;
    const check = this.check;
    if (check) {
      const digest = check.digestOf(own, h.lookups ?? []);
      let same = true;
      for (let n = 0; n < recorded.length && same; n++) same = isDigest((rows[n] as RecordedRow).digest, digest, check.laneParts[n] as string);
      if (same) {
        const rowid = (rows[0] as RecordedRow).r;
        this.passed.add(rowid, h.lookups ?? []);
        this.noteLookups(h);
        return rowid;
      }
    }
    for (let n = 0; n < recorded.length; n++) if (!startsWithOwn((rows[n] as RecordedRow).digest, own)) return NOT_TAKEN;
    this.known.push(h);
    return STAGED_BARE;
  }

  /**
   * Stage the passed-over findings that name an entry of `changed` (`lookupName`s, the
   * entries this cycle's enrichment changed): without data, from their recorded head, so
   * `checkedPages` plans them with the data recorded with their digest. Returns how many.
   */
  restagePassed(changed: ReadonlySet<string>): number {
    const rows = this.passed.take(changed);
    if (rows.length === 0) return 0;
    const read = this.db.prepare(`SELECT fkey, digest, lookups, head FROM finding_digests WHERE rowid = ?`);
    const heads = this.db.transaction(() =>
      rows.map((rowid): FindingHead => {
        const r = read.get(rowid) as { fkey: string; digest: string; lookups: string; head: string };
        return {
          key: r.fkey,
          ...headOf(r.head),
          lookups: JSON.parse(r.lookups) as LookupRef[],
          // The recorded digest starts with the finding's own: the same as now, or it was not passed over.
          sourceDigest: r.digest.slice(0, r.digest.indexOf('.')),
        };
      }),
    )();
    this.insertAll(heads, true);
    return heads.length;
  }

  /** Whether `addKnown` can take findings: the lanes' recorded digests are looked up while staging. */
  get takesKnown(): boolean {
    return this.recorded !== undefined;
  }

  /** Stage the findings `addKnown` took and holds. */
  flushKnown(): void {
    if (this.known.length === 0) return;
    const known = this.known;
    this.known = [];
    this.insertAll(known, true);
  }

  private insertAll(findings: ReadonlyArray<Finding | FindingHead>, known: boolean): void {
    const stmt = this.insert;
    this.db.transaction(() => {
      for (const f of findings) {
        this.keys?.add(f.key);
        this.noteLookups(f);
        const first = f.lookups?.[0];
        const sortKey = this.order === 'parent' ? (f.parentKey ?? '') : first ? `${first.ns}\n${first.id}` : '';
        // The source's own JSON of the data where it made one (model/dataJson.ts).
        const data = known ? null : dataJsonOf((f as Finding).data);
        const lookups = known ? null : JSON.stringify(f.lookups ?? []);
        const own = this.digests ? (f.sourceDigest ?? ownDigest(f as Finding, data as string, lookups as string)) : null;
        const slim = known || (own !== null && this.recordedOwn(f.key, own));
        stmt.run(
          ++this.seq,
          f.key,
          f.parentKey ?? '',
          f.status,
          f.ignored ? 1 : 0,
          slim ? null : data,
          slim ? null : lookups,
          sortKey,
          f.scope ?? null,
          own,
          this.digests ? refsText(f.lookups ?? []) : null,
        );
      }
    })();
  }

  /** Every lane recorded this own digest for the finding, with its data. */
  private recordedOwn(fkey: string, own: string): boolean {
    if (!this.recorded) return false;
    return this.recorded.every((stmt, n) => {
      const row = stmt.get(this.laneJobs[n] as string, fkey);
      return row !== undefined && startsWithOwn(row.digest, own);
    });
  }

  /** The lookups a finding names are fetched (or refreshed) before planning, whether it is staged or passed over. */
  private noteLookups(f: Pick<Finding, 'lookups'>): void {
    for (const ref of f.lookups ?? []) {
      let ids = this.lookupIds.get(ref.ns);
      if (!ids) this.lookupIds.set(ref.ns, (ids = new Set()));
      ids.add(ref.id);
    }
  }

  /** Stage those of `findings` whose key is not staged yet (needs trackKeys); returns how many. */
  addUnstaged(findings: Iterable<Finding>, batch = 500): number {
    if (!this.keys) throw new Error('Staging.addUnstaged needs trackKeys');
    this.flushKnown();
    let added = 0;
    let buffer: Finding[] = [];
    for (const f of findings) {
      if (this.keys.has(f.key)) continue;
      this.keys.add(f.key);
      buffer.push(f);
      if (buffer.length >= batch) {
        this.add(buffer);
        added += buffer.length;
        buffer = [];
      }
    }
    if (buffer.length) this.add(buffer);
    return added + buffer.length;
  }

  /**
   * Drop `lookupIds` once the lookups are fetched: one id per host the findings name, as
   * many as a tenth of them, is not kept through the cycle's ticket work.
   */
  forgetLookupIds(): void {
    this.lookupIds.clear();
  }

  /** Findings staged or passed over so far. */
  get count(): number {
    return this.seq + this.known.length + this.passed.count;
  }

  /** Re-queue findings whose ticket work failed in an earlier cycle, unless this pull has a fresher copy. */
  addPending(job: string): number {
    this.flushKnown();
    const rows = this.db
      .prepare(
        `SELECT p.fkey, p.parent_key, p.status, p.ignored, p.data, p.lookups, p.scope FROM pending p
         WHERE p.job = ? AND NOT EXISTS (SELECT 1 FROM ${this.table} s WHERE s.fkey = p.fkey)`,
      )
      .all(job) as Array<Omit<StagedRow, 'seq'>>;
    this.add(rows.map((r) => toFinding({ ...r, seq: 0 })));
    return rows.length;
  }

  /**
   * Pages of staged findings in the order chosen at construction. Each page starts after
   * the last one's (sort_key, seq) as a row value: SQLite searches the index for it,
   * where `sort_key > ? OR (sort_key = ? AND seq > ?)` scanned the index from its start
   * on every page (quadratic: 5.4 s for 300,000 staged rows in 2,000-row pages, 3.3 s now).
   */
  *pages(pageSize = 2000): Generator<StagedFinding[]> {
    this.flushKnown();
    const stmt = this.db.prepare(
      `SELECT seq, fkey, parent_key, status, ignored, data, lookups, scope, sort_key AS k FROM ${this.table}
       WHERE (sort_key, seq) > (?, ?)
       ORDER BY sort_key, seq LIMIT ?`,
    );
    let lastKey = '';
    let lastSeq = -1;
    for (;;) {
      const rows = stmt.all(lastKey, lastSeq, pageSize) as Array<StagedRow & { k: string }>;
      if (rows.length === 0) return;
      const last = rows[rows.length - 1];
      lastKey = last.k;
      lastSeq = last.seq;
      yield rows.map(toFinding);
    }
  }

  /**
   * Pages in the order chosen at construction, passing over the findings whose recorded
   * digest in every lane is what they depend on now (`check`), without reading or
   * parsing their data: only the changed, new and retried ones are built and planned. A
   * lane's digest counts only while no ticket row of the finding there was written after
   * it was recorded (reconcile, SLA sweep, a person's close, an intent row) and no retry
   * was queued: those void it as they happen (migration 16's triggers).
   */
  *checkedPages(pageSize: number, check: DigestCheck): Generator<CheckedPage> {
    this.flushKnown();
    const lanes = check.laneJobs.map((_, n) => `d${n}`);
    const stmt = this.db.prepare(
      `SELECT s.seq, s.sort_key AS k, s.digest AS own, s.refs${lanes.map((d) => `, ${d}.digest AS ${d}`).join('')} FROM ${this.table} s
       ${lanes.map((d) => `LEFT JOIN finding_digests ${d} INDEXED BY finding_digests_digest ON ${d}.job = ? AND ${d}.fkey = s.fkey`).join('\n')}
       WHERE (s.sort_key, s.seq) > (?, ?)
       ORDER BY s.sort_key, s.seq LIMIT ?`,
    );
    const full = this.db.prepare(`SELECT seq, fkey, parent_key, status, ignored, data, lookups, scope FROM ${this.table} WHERE seq = ?`);
    // A finding staged without its data: the data recorded with its digest (the same, by its own digest).
    const recorded = recordedData(this.db);
    let lastKey = '';
    let lastSeq = -1;
    for (;;) {
      const rows = stmt.all(...check.laneJobs, lastKey, lastSeq, pageSize) as Array<
        { seq: number; k: string; own: string | null; refs: string | null } & Record<string, string | null>
      >;
      if (rows.length === 0) return;
      const last = rows[rows.length - 1];
      lastKey = last.k;
      lastSeq = last.seq;
      // One read transaction for the page's reads (lookup versions, the rows to plan), not one per statement.
      const page = this.db.transaction((): CheckedPage => {
        const out: CheckedPage = { findings: [], unchanged: 0 };
        for (const r of rows) {
          const digest = r.own === null ? undefined : check.digestOf(r.own, refsOf(r.refs ?? ''));
          if (digest !== undefined && lanes.every((d, n) => r[d] === `${digest}.${check.laneParts[n]}`)) {
            out.unchanged++;
            continue;
          }
          const row = full.get(r.seq) as StagedRow;
          if (row.data === null) Object.assign(row, recorded(check.laneJobs[0], row.fkey));
          const f = toFinding(row);
          if (digest !== undefined) {
            f.digest = digest;
            f.raw = { data: row.data, lookups: row.lookups, head: headJson(f) };
          }
          out.findings.push(f);
        }
        return out;
      })();
      yield page;
    }
  }

  /** Drop the staged findings (the cycle is over, or failed); the Staging is not used again. */
  clear(): void {
    if (!this.db.open) return;
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
    if (this.groupTable) this.db.exec(`DROP TABLE IF EXISTS ${this.groupTable}`);
  }
}

/** A finding's own digest: everything of it a ticket can show or depend on (identity, status, data, the lookups it names). */
function ownDigest(f: Finding, data: string, lookups: string): string {
  const head = `${f.key}\u0000${f.parentKey ?? ''}\u0000${f.status}\u0000${f.ignored ? 1 : 0}\u0000${f.scope ?? ''}\u0000${f.partial ? 1 : 0}`;
  return hash('sha1', `${head}\u0000${lookups}\u0000${data}`, 'base64');
}

/** Findings whose ticket work failed: kept with their data so the next cycle retries them. */
export class PendingFindings {
  private readonly deleteStmt;

  constructor(private readonly db: Db) {
    this.deleteStmt = db.prepare(`DELETE FROM pending WHERE job = ? AND fkey = ?`);
  }

  /** Cheap check before per-finding work: most cycles have nothing pending. */
  any(job: string): boolean {
    return this.db.prepare(`SELECT 1 FROM pending WHERE job = ? LIMIT 1`).get(job) !== undefined;
  }

  markFailed(job: string, f: Finding, error: string): void {
    this.db
      .prepare(
        `INSERT INTO pending (job, fkey, parent_key, status, ignored, data, lookups, error, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(job, fkey) DO UPDATE SET status = excluded.status, ignored = excluded.ignored, data = excluded.data,
           lookups = excluded.lookups, error = excluded.error, scope = excluded.scope, attempts = pending.attempts + 1`,
      )
      .run(job, f.key, f.parentKey ?? '', f.status, f.ignored ? 1 : 0, JSON.stringify(f.data), JSON.stringify(f.lookups ?? []), error, f.scope ?? null);
  }

  resolved(job: string, fkeys: readonly string[]): void {
    const stmt = this.deleteStmt;
    this.db.transaction(() => {
      for (const k of fkeys) stmt.run(job, k);
    })();
  }

  list(job: string): Array<{ fkey: string; error: string; attempts: number }> {
    return this.db.prepare(`SELECT fkey, error, attempts FROM pending WHERE job = ? ORDER BY fkey`).all(job) as Array<{
      fkey: string;
      error: string;
      attempts: number;
    }>;
  }
}

import { hash } from 'node:crypto';
import type { TemplateContext } from '../model/finding.js';
import type { Statement as BetterStatement } from 'better-sqlite3';
import type { Db } from './openState.js';

/** Parsed entries kept in memory: KB entries are shared by many findings but can be large. */
const MEMO_SIZE = 4000;
/**
 * Versions a cycle's reader keeps (an id and a 12-character version each: about 100
 * bytes): more than the KnowledgeBase entries a large pull names (the simulator draws
 * from 40,000 QIDs), so each is read once.
 */
const VERSION_MEMO_SIZE = 65536;

type Statement = BetterStatement<[string, string]>;

/** An entry's name as `putMany` reports a changed one: `ns US id` (a unit separator is never in a namespace or an id). */
export const lookupName = (ns: string, id: string): string => `${ns}\u001f${id}`;

/** The namespace and id of a `lookupName`. */
export function splitLookupName(name: string): [ns: string, id: string] {
  const cut = name.indexOf('\u001f');
  return [name.slice(0, cut), name.slice(cut + 1)];
}

/**
 * Reference data by namespace and id (KB entries by QID, host scores by host ID).
 * With an overlay database (dry runs), new entries go there and the state is untouched.
 */
export class LookupCache {
  private readonly writeDb: Db;
  /** Insertion-ordered: re-inserting on a hit makes it a small LRU. */
  private readonly memo = new Map<string, TemplateContext | null>();
  private readonly reads: Statement[];
  private readonly ages: Statement[];
  private readonly versionReads: Statement[];
  private readonly db0Versions;
  private readonly upsert;
  private readonly dbs: Db[];

  constructor(db: Db, overlay?: Db) {
    this.writeDb = overlay ?? db;
    const dbs = this.writeDb === db ? [db] : [this.writeDb, db];
    this.dbs = dbs;
    this.reads = dbs.map((d) => d.prepare(`SELECT data FROM lookups WHERE ns = ? AND id = ?`));
    this.ages = dbs.map((d) => d.prepare(`SELECT fetched_at FROM lookups INDEXED BY lookups_version WHERE ns = ? AND id = ?`));
    // From the index lookups_version, not the rows (they carry the data). An entry written
    // before versions were kept has none: its data is read and hashed instead.
    this.versionReads = dbs.map((d) => d.prepare(`SELECT version FROM lookups INDEXED BY lookups_version WHERE ns = ? AND id = ?`));
    this.db0Versions = db.prepare(`SELECT id, version FROM lookups INDEXED BY lookups_version WHERE ns = ? LIMIT ?`);
    this.upsert = this.writeDb.prepare(
      `INSERT INTO lookups (ns, id, data, fetched_at, version) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(ns, id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at, version = excluded.version`,
    );
  }

  /**
   * Ids from `ids` that are missing or older than `ttlSec` (0 = fetched before this cycle
   * began), in key order: the source is asked for them, and `putMany` writes them, in that
   * order, so each transaction writes a run of neighbouring pages of the table's two
   * indexes. In the pull's order (QIDs at random) every 500 entries rewrote most of them.
   */
  stale(ns: string, ids: Iterable<string>, ttlSec: number, cycleStartMs: number): string[] {
    // Code-unit order is SQLite's BINARY order for the ASCII ids sources use.
    const sorted = [...ids].sort();
    return this.reading(() => this.staleIn(ns, sorted, ttlSec, cycleStartMs));
  }

  /**
   * `read` in one read transaction of each database: one lock, not one per statement
   * (a cycle reads the age and version of every entry its findings name, and a page's
   * plan reads an entry and a ticket row per finding). Outside a transaction each
   * statement takes and drops the lock itself: ~25 µs a read, more than the read.
   * `read` must be synchronous and only read.
   */
  reading<T>(read: () => T): T {
    return this.dbs.reduce<() => T>((inner, db) => db.transaction(inner), read)();
  }

  private staleIn(ns: string, ids: Iterable<string>, ttlSec: number, cycleStartMs: number): string[] {
    const limit = ttlSec > 0 ? cycleStartMs - ttlSec * 1000 : cycleStartMs;
    const out: string[] = [];
    for (const id of ids) {
      const fresh = this.ages.some((stmt) => {
        const row = stmt.get(ns, id) as { fetched_at: number } | undefined;
        return row !== undefined && row.fetched_at >= limit;
      });
      if (!fresh) out.push(id);
    }
    return out;
  }

  /**
   * Store fetched entries; returns those whose version this changed (new ones too), as
   * `ns US id`: findings passed over before the fetch that name one must be planned.
   * With `changes: false` (nothing was passed over: a first cycle, a dry run) the stored
   * versions are not read and nothing is returned.
   */
  putMany(entries: ReadonlyArray<{ ns: string; id: string; data: TemplateContext }>, atMs: number = Date.now(), changes = true): string[] {
    const changed: string[] = [];
    this.writeDb.transaction(() => {
      for (const e of entries) {
        const data = JSON.stringify(e.data);
        const version = versionOf(data);
        if (changes && this.versionIn(e.ns, e.id) !== version) changed.push(lookupName(e.ns, e.id));
        this.upsert.run(e.ns, e.id, data, atMs, version);
        this.memo.delete(`${e.ns}\0${e.id}`);
      }
    })();
    return changed;
  }

  /**
   * The version of an entry as stored (overlay first: a short digest of its data, kept
   * with it), `-` for one not there, read as it is asked for: a changed KB entry or
   * TruRisk score changes the digest of every finding that names it. Each reader (one per
   * cycle) keeps at most `memoSize` versions read one by one (host entries: as many as a
   * tenth of the findings), emptied when full; findings are checked in parent order, so a
   * host's entry is asked for by its findings in a row.
   */
  versionReader(memoSize = VERSION_MEMO_SIZE): (ns: string, id: string) => string {
    // Per namespace, and emptied when full rather than kept in LRU order: a hit (nearly every
    // ask: a host's findings come in a row) is one map read, no key built. A namespace that
    // fits (KnowledgeBase entries: a QID is named by findings all over a pull) is read whole,
    // once, from the index, and kept.
    const memo = new Map<string, { versions: Map<string, string>; whole: boolean }>();
    let size = 0;
    return (ns, id) => {
      let entry = memo.get(ns);
      if (!entry) memo.set(ns, (entry = this.versionsOf(ns, memoSize)));
      const hit = entry.versions.get(id);
      if (hit !== undefined) return hit;
      if (entry.whole) return '-';
      const version = this.versionIn(ns, id);
      if (size >= memoSize) {
        for (const m of memo.values()) if (!m.whole) m.versions.clear();
        size = 0;
      }
      entry.versions.set(id, version);
      size++;
      return version;
    };
  }

  /** All versions of a namespace if it has at most `limit` entries (one index scan), else none yet. */
  private versionsOf(ns: string, limit: number): { versions: Map<string, string>; whole: boolean } {
    const versions = new Map<string, string>();
    // Only the state's own entries (a dry run's overlay is asked entry by entry) and only entries stored with a version.
    if (this.dbs.length !== 1) return { versions, whole: false };
    const rows = this.db0Versions.all(ns, limit + 1) as Array<{ id: string; version: string | null }>;
    if (rows.length > limit || rows.some((r) => r.version === null)) return { versions, whole: false };
    for (const r of rows) versions.set(r.id, r.version as string);
    return { versions, whole: true };
  }

  private versionIn(ns: string, id: string): string {
    for (const [n, stmt] of this.versionReads.entries()) {
      const row = stmt.get(ns, id) as { version: string | null } | undefined;
      if (row) return row.version ?? versionOf((this.reads[n]!.get(ns, id) as { data: string }).data);
    }
    return '-';
  }

  get(ns: string, id: string): TemplateContext | undefined {
    const k = `${ns}\0${id}`;
    const hit = this.memo.get(k);
    if (hit !== undefined) {
      this.memo.delete(k);
      this.memo.set(k, hit);
      return hit ?? undefined;
    }
    let found: TemplateContext | null = null;
    for (const stmt of this.reads) {
      const row = stmt.get(ns, id) as { data: string } | undefined;
      if (row) {
        found = JSON.parse(row.data) as TemplateContext;
        break;
      }
    }
    if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(k, found);
    return found ?? undefined;
  }
}

/** An entry's version: a short digest of its stored JSON. */
function versionOf(data: string): string {
  return hash('sha1', data, 'base64').slice(0, 12);
}

import { hash } from 'node:crypto';
import type { TemplateContext } from '../model/finding.js';
import type { Statement as BetterStatement } from 'better-sqlite3';
import type { Db } from './openState.js';

/** Parsed entries kept in memory: KB entries are shared by many findings but can be large. */
const MEMO_SIZE = 4000;

type Statement = BetterStatement<[string, string]>;

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
  private readonly upsert;

  constructor(db: Db, overlay?: Db) {
    this.writeDb = overlay ?? db;
    const dbs = this.writeDb === db ? [db] : [this.writeDb, db];
    this.reads = dbs.map((d) => d.prepare(`SELECT data FROM lookups WHERE ns = ? AND id = ?`));
    this.ages = dbs.map((d) => d.prepare(`SELECT fetched_at FROM lookups WHERE ns = ? AND id = ?`));
    // An entry written before versions were kept has none: its data is read and hashed instead.
    this.versionReads = dbs.map((d) => d.prepare(`SELECT coalesce(version, data) AS v, version IS NULL AS raw FROM lookups WHERE ns = ? AND id = ?`));
    this.upsert = this.writeDb.prepare(
      `INSERT INTO lookups (ns, id, data, fetched_at, version) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(ns, id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at, version = excluded.version`,
    );
  }

  /** Ids from `ids` that are missing or older than `ttlSec` (0 = fetched before this cycle began). */
  stale(ns: string, ids: Iterable<string>, ttlSec: number, cycleStartMs: number): string[] {
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

  putMany(entries: ReadonlyArray<{ ns: string; id: string; data: TemplateContext }>, atMs: number = Date.now()): void {
    this.writeDb.transaction(() => {
      for (const e of entries) {
        const data = JSON.stringify(e.data);
        this.upsert.run(e.ns, e.id, data, atMs, versionOf(data));
        this.memo.delete(`${e.ns}\0${e.id}`);
      }
    })();
  }

  /**
   * The version of each entry as stored (overlay first: a short digest of its data,
   * kept with it), by `ns\0id`; `-` for one not there. Read once per cycle for the ids
   * its findings name: a changed KB entry or TruRisk score changes the digest of every
   * finding that names it.
   */
  versions(wanted: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string> {
    const out = new Map<string, string>();
    for (const [ns, ids] of wanted) {
      for (const id of ids) {
        let version = '-';
        for (const stmt of this.versionReads) {
          const row = stmt.get(ns, id) as { v: string; raw: number } | undefined;
          if (row) {
            version = row.raw ? versionOf(row.v) : row.v;
            break;
          }
        }
        out.set(`${ns}\0${id}`, version);
      }
    }
    return out;
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

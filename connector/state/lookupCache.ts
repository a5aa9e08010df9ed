import type { TemplateContext } from '../model/finding.js';
import type { Db } from './openState.js';

/**
 * Reference data by namespace and id (KB entries by QID, host scores by host ID).
 * With an overlay database (dry runs), new entries go there and the state is untouched.
 */
export class LookupCache {
  private readonly writeDb: Db;
  private readonly memo = new Map<string, TemplateContext | null>();

  constructor(
    private readonly db: Db,
    overlay?: Db,
  ) {
    this.writeDb = overlay ?? db;
  }

  /** Ids from `ids` that are missing or older than `ttlSec` (0 = fetched before this cycle began). */
  stale(ns: string, ids: Iterable<string>, ttlSec: number, cycleStartMs: number): string[] {
    const limit = ttlSec > 0 ? cycleStartMs - ttlSec * 1000 : cycleStartMs;
    const stmts = this.dbs().map((d) => d.prepare(`SELECT fetched_at FROM lookups WHERE ns = ? AND id = ?`));
    const out: string[] = [];
    for (const id of ids) {
      let fresh = false;
      for (const stmt of stmts) {
        const row = stmt.get(ns, id) as { fetched_at: number } | undefined;
        if (row && row.fetched_at >= limit) fresh = true;
      }
      if (!fresh) out.push(id);
    }
    return out;
  }

  putMany(entries: ReadonlyArray<{ ns: string; id: string; data: TemplateContext }>, atMs: number = Date.now()): void {
    const stmt = this.writeDb.prepare(
      `INSERT INTO lookups (ns, id, data, fetched_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(ns, id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at`,
    );
    this.writeDb.transaction(() => {
      for (const e of entries) {
        stmt.run(e.ns, e.id, JSON.stringify(e.data), atMs);
        this.memo.delete(`${e.ns}\0${e.id}`);
      }
    })();
  }

  get(ns: string, id: string): TemplateContext | undefined {
    const k = `${ns}\0${id}`;
    const hit = this.memo.get(k);
    if (hit !== undefined) return hit ?? undefined;
    let found: TemplateContext | null = null;
    for (const d of this.dbs().reverse()) {
      const row = d.prepare(`SELECT data FROM lookups WHERE ns = ? AND id = ?`).get(ns, id) as { data: string } | undefined;
      if (row) {
        found = JSON.parse(row.data) as TemplateContext;
        break;
      }
    }
    // KB entries are shared by thousands of findings: keep a bounded memo of parsed ones.
    if (this.memo.size > 20_000) this.memo.clear();
    this.memo.set(k, found);
    return found ?? undefined;
  }

  private dbs(): Db[] {
    return this.writeDb === this.db ? [this.db] : [this.db, this.writeDb];
  }
}

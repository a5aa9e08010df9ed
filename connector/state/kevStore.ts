import { hash } from 'node:crypto';
import type { KevEntry } from '../model/sla.js';
import type { Db } from './openState.js';

export interface KevMeta {
  source: string;
  /** When the last good copy was fetched (ISO). */
  fetchedAt: string;
  /** The last attempt, good or not (ISO). */
  triedAt: string;
  entries: number;
}

/** The last good copy of CISA's KEV catalog, by CVE. */
export class KevStore {
  private memo?: Map<string, KevEntry>;

  constructor(private readonly db: Db) {}

  meta(): KevMeta | undefined {
    const r = this.db.prepare(`SELECT source, fetched_at, tried_at, entries FROM kev_meta WHERE id = 1`).get() as
      | { source: string; fetched_at: string; tried_at: string; entries: number }
      | undefined;
    return r ? { source: r.source, fetchedAt: r.fetched_at, triedAt: r.tried_at, entries: r.entries } : undefined;
  }

  /** A new good copy replaces the old one whole. */
  replace(source: string, entries: readonly KevEntry[], at: Date): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM kev_catalog`).run();
      const ins = this.db.prepare(`INSERT OR REPLACE INTO kev_catalog (cve, due_date, date_added, ransomware) VALUES (?, ?, ?, ?)`);
      for (const e of entries) ins.run(e.cveID.toUpperCase(), e.dueDate, e.dateAdded, e.knownRansomwareCampaignUse);
      this.db
        .prepare(`INSERT OR REPLACE INTO kev_meta (id, source, fetched_at, tried_at, entries) VALUES (1, ?, ?, ?, ?)`)
        .run(source, at.toISOString(), at.toISOString(), entries.length);
    })();
    this.memo = undefined;
  }

  /** A failed attempt: the copy stays, the attempt is remembered (no retry before the next refresh is due). */
  tried(source: string, at: Date): void {
    const done = this.db.prepare(`UPDATE kev_meta SET tried_at = ? WHERE id = 1`).run(at.toISOString());
    if (done.changes === 0) this.db.prepare(`INSERT INTO kev_meta (id, source, fetched_at, tried_at, entries) VALUES (1, ?, '', ?, 0)`).run(source, at.toISOString());
  }

  /** A digest of the catalog held (what SLAs read of it): changes when an entry does. */
  version(): string {
    const rows = this.db.prepare(`SELECT cve, due_date, date_added, ransomware FROM kev_catalog ORDER BY cve`).raw().all() as string[][];
    return hash('sha1', rows.map((r) => r.join('\u001f')).join('\n'), 'base64').slice(0, 16);
  }

  get(cve: string): KevEntry | undefined {
    if (!this.memo) {
      const rows = this.db.prepare(`SELECT cve, due_date, date_added, ransomware FROM kev_catalog`).all() as Array<{ cve: string; due_date: string; date_added: string; ransomware: string }>;
      this.memo = new Map(rows.map((r) => [r.cve, { cveID: r.cve, dueDate: r.due_date, dateAdded: r.date_added, knownRansomwareCampaignUse: r.ransomware }]));
    }
    return this.memo.get(cve.toUpperCase());
  }
}

import type { Db } from './openState.js';

export type ReportingKind = 'filter' | 'dashboard' | 'gadget';
export interface ReportingObject {
  host: string;
  kind: ReportingKind;
  name: string;
  jiraId: string;
  job?: string;
  dashboard?: string;
}

/** The ids of what `vulnbridge dashboards` made on Jira, recorded as each is made. */
export class ReportingStore {
  constructor(private readonly db: Db) {}

  get(host: string, kind: ReportingKind, name: string): ReportingObject | undefined {
    const r = this.db.prepare('SELECT * FROM reporting_objects WHERE host = ? AND kind = ? AND name = ?').get(host, kind, name) as Row | undefined;
    return r && toObject(r);
  }

  list(host: string, kind: ReportingKind): ReportingObject[] {
    return (this.db.prepare('SELECT * FROM reporting_objects WHERE host = ? AND kind = ? ORDER BY name').all(host, kind) as Row[]).map(toObject);
  }

  put(o: ReportingObject): void {
    this.db
      .prepare(
        `INSERT INTO reporting_objects (host, kind, name, jira_id, job, dashboard, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, kind, name) DO UPDATE SET jira_id = excluded.jira_id, job = excluded.job, dashboard = excluded.dashboard, recorded_at = excluded.recorded_at`,
      )
      .run(o.host, o.kind, o.name, o.jiraId, o.job ?? null, o.dashboard ?? null, new Date().toISOString());
  }

  remove(host: string, kind: ReportingKind, name: string): void {
    this.db.prepare('DELETE FROM reporting_objects WHERE host = ? AND kind = ? AND name = ?').run(host, kind, name);
  }
}

interface Row {
  host: string;
  kind: ReportingKind;
  name: string;
  jira_id: string;
  job: string | null;
  dashboard: string | null;
}

function toObject(r: Row): ReportingObject {
  return { host: r.host, kind: r.kind, name: r.name, jiraId: r.jira_id, ...(r.job ? { job: r.job } : {}), ...(r.dashboard ? { dashboard: r.dashboard } : {}) };
}

import type { Db } from './openState.js';

/** One ticket of a bulk change: its row (pk), and the key and id. */
export interface BulkTaskItem {
  pk: string;
  key: string;
  id: string;
}

export type BulkChange = { kind: 'move'; target: string; to?: { name: string; category: string } } | { kind: 'labels'; add: string[]; remove: string[] };

export interface BulkTaskRow {
  id: number;
  job: string;
  change: BulkChange;
  items: BulkTaskItem[];
  /** Absent: the submit was sent (or about to be) but Jira's answer was not recorded. */
  taskId?: string;
}

/**
 * Bulk changes in flight (a Jira Cloud bulk task): the intent is recorded before the
 * submit and the task id as soon as Jira answers, so a process killed before the outcome
 * was recorded asks the task on restart instead of changing the issues a second time.
 */
export class BulkTasks {
  constructor(private readonly db: Db) {}

  intend(job: string, change: BulkChange, items: readonly BulkTaskItem[], now = new Date()): number {
    const { kind, ...rest } = change;
    const r = this.db
      .prepare(`INSERT INTO bulk_tasks (job, kind, change, items, created_at) VALUES (?, ?, ?, ?, ?)`)
      .run(job, kind, JSON.stringify(rest), JSON.stringify(items), now.toISOString());
    return Number(r.lastInsertRowid);
  }

  submitted(id: number, taskId: string, change?: BulkChange): void {
    if (change) {
      const { kind: _kind, ...rest } = change;
      this.db.prepare(`UPDATE bulk_tasks SET task_id = ?, change = ? WHERE id = ?`).run(taskId, JSON.stringify(rest), id);
    } else {
      this.db.prepare(`UPDATE bulk_tasks SET task_id = ? WHERE id = ?`).run(taskId, id);
    }
  }

  done(id: number): void {
    this.db.prepare(`DELETE FROM bulk_tasks WHERE id = ?`).run(id);
  }

  list(job: string): BulkTaskRow[] {
    const rows = this.db.prepare(`SELECT id, job, kind, change, items, task_id FROM bulk_tasks WHERE job = ? ORDER BY id`).all(job) as Array<{
      id: number;
      job: string;
      kind: 'move' | 'labels';
      change: string;
      items: string;
      task_id: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      job: r.job,
      change: { kind: r.kind, ...(JSON.parse(r.change) as object) } as BulkChange,
      items: JSON.parse(r.items) as BulkTaskItem[],
      ...(r.task_id ? { taskId: r.task_id } : {}),
    }));
  }
}

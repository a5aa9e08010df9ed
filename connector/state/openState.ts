import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StateError } from '../errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

export interface OpenStateOptions {
  /**
   * A throwaway database (a dry run's scratch staging): its journal in memory, no syncs. A crash
   * loses it, and nothing needs it after the run.
   */
  scratch?: boolean;
}

/**
 * Open (or create) the state database: WAL so `vulnbridge status` can read while the
 * daemon writes, a busy timeout so two processes wait instead of failing, and the
 * migrations applied in one transaction each.
 *
 * synchronous=NORMAL in WAL mode: a commit is written to the WAL before it returns, and
 * the WAL is synced at each checkpoint. A killed process (kill -9, OOM, a crash) loses
 * nothing committed: the OS has the WAL's pages, so the intent row written before a Jira
 * create is there on restart and exactly-once holds. A power loss or kernel crash can
 * lose the last commits before the checkpoint; the database stays consistent, and the
 * next cycle's lost-database check (the newest marked issues vs the state) finds tickets
 * created after the lost commits by their marker label instead of creating them twice.
 * See docs/operations.md "The state database on disk".
 */
export function openState(stateDir: string, fileName = 'vulnbridge.db', options: OpenStateOptions = {}): Db {
  const file = stateDir === ':memory:' ? ':memory:' : path.join(stateDir, fileName);
  let db: Db;
  try {
    if (file !== ':memory:') mkdirSync(stateDir, { recursive: true });
    db = new Database(file);
  } catch (err) {
    throw new StateError('STATE_ERROR', `cannot open the state database: ${(err as Error).message}`, {
      file,
      hint: 'check that stateDir exists and is writable (in Docker: the data volume)',
      cause: err,
    });
  }
  if (options.scratch) {
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A checkpoint copies the WAL into the database; after it the WAL file is cut back to
    // this size instead of keeping the largest it ever grew to (a first million-detection cycle).
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    // Checkpoint every 10,000 pages (40 MB) rather than 1,000: a page written by several
    // transactions in between (a ticket's intent row, then its key) is copied into the
    // database once.
    db.pragma('wal_autocheckpoint = 10000');
  }
  // 16 MB of page cache (SQLite's default is 2 MB; better-sqlite3 builds with 16 MB): index pages of staging and tickets stay in memory across a page's transaction.
  db.pragma('cache_size = -16384');
  // Staging (a TEMP table per cycle) goes to a temp file, not memory: a million staged findings are gigabytes.
  // It is written in order and read once: 4 MB of cache for it, not another 16.
  db.pragma('temp_store = FILE');
  db.pragma('temp.cache_size = -4096');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db, file);
  return db;
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StateError('STATE_ERROR', `the state database has schema version ${current}, newer than this vulnbridge knows (${migrations.length})`, {
      file,
      hint: 'run the newer vulnbridge version, or restore a backup',
    });
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

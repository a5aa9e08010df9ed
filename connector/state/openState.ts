import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StateError } from '../errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/**
 * Open (or create) the state database: WAL so `vulnbridge status` can read while the
 * daemon writes, a busy timeout so two processes wait instead of failing, and the
 * migrations applied in one transaction each.
 */
export function openState(stateDir: string, fileName = 'vulnbridge.db'): Db {
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
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
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

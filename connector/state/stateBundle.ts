import { BulkTasks } from './bulkTasks.js';
import { CursorStore } from './cursorStore.js';
import { FindingLog } from './findingLog.js';
import { Inbox } from './inbox.js';
import { KevStore } from './kevStore.js';
import { LookupCache } from './lookupCache.js';
import { openState, type Db } from './openState.js';
import { Outbox } from './outbox.js';
import { RunLog } from './runLog.js';
import { RateLimits } from './rateLimits.js';
import { ReconcileLog } from './reconcileLog.js';
import { ReportingStore } from './reportingStore.js';
import { PendingFindings } from './staging.js';
import { TicketStore } from './ticketStore.js';

/** Everything the pipeline keeps, over one database connection. */
export interface State {
  db: Db;
  runs: RunLog;
  cursors: CursorStore;
  lookups: LookupCache;
  tickets: TicketStore;
  findings: FindingLog;
  pending: PendingFindings;
  inbox: Inbox;
  outbox: Outbox;
  /** When a scanner allows each rate-limited job's next call. */
  rateLimits: RateLimits;
  reconciles: ReconcileLog;
  /** The last good copy of CISA's KEV catalog. */
  kev: KevStore;
  /** What `vulnbridge dashboards` made on Jira. */
  reporting: ReportingStore;
  /** Jira bulk changes in flight (recovered on restart). */
  bulkTasks: BulkTasks;
  close(): void;
}

export function openStateBundle(stateDir: string): State {
  const db = openState(stateDir);
  return {
    db,
    runs: new RunLog(db),
    cursors: new CursorStore(db),
    lookups: new LookupCache(db),
    tickets: new TicketStore(db),
    findings: new FindingLog(db),
    pending: new PendingFindings(db),
    inbox: new Inbox(db),
    outbox: new Outbox(db),
    rateLimits: new RateLimits(db),
    reconciles: new ReconcileLog(db),
    kev: new KevStore(db),
    reporting: new ReportingStore(db),
    bulkTasks: new BulkTasks(db),
    close: () => db.close(),
  };
}

import type { StagedFinding } from '../../state/staging.js';
import type { TicketRow } from '../../state/ticketStore.js';
import type { OperationDecision, RenderedTicket, RichText, TicketRole } from '../../templates/types.js';

/*
 * The ticket plan of one page: what the planner (pure) hands the applier (I/O). Rows
 * are snapshots of what the state held when the page was planned; the applier works on
 * its own copies and records each step as it succeeds.
 */

/** The ticket a finding (or a group of them) should have, with what the state holds for it. */
export interface TicketIntent {
  role: TicketRole;
  ticket: RenderedTicket;
  /** The ticket's identity in the state: its Primary Key, scoped by its parent's for children. */
  pk: string;
  /** The label that finds the ticket again after a crash or a lost database. */
  marker: string;
  parentPk?: string;
  row?: Readonly<TicketRow>;
  /** Work on the ticket the state already has a key for (absent: it is created or looked up first). */
  actions?: TicketActions;
}

export interface FindingIntent extends TicketIntent {
  finding: StagedFinding;
  decision: OperationDecision;
  wantOpen: boolean;
  parent?: ParentIntent;
  /** jiraTicketAction `Create`: the ticket is always kept open (qualys.md §5). */
  keep: boolean;
}

export interface ParentIntent extends TicketIntent {
  children: FindingIntent[];
  /** The staged parent key (the scanned object) the children came under. */
  objectKey: string;
  /**
   * The children's operations say what the whole object is (linkDiff/openDiff: live,
   * unlinkAll/closeAll: gone): children we hold that are not among `seen` are gone.
   */
  diff: boolean;
  /** Child pks among this cycle's findings of the object. */
  seen: Set<string>;
  /** Some finding came from this cycle's pull, not only retries of failed ones: the list is current. */
  pulled: boolean;
}

/** The fields Jira should be told about: nothing, only our memo of them, or an edit. */
export type FieldPlan =
  | { kind: 'same' }
  /** The rendered ticket changed but nothing Jira sees did (e.g. hashes of an older version): remember the new hashes. */
  | { kind: 'rehash'; hashes: Record<string, string>; ticketOnly: boolean }
  | {
      kind: 'edit';
      fields: Record<string, unknown>;
      addLabels: string[];
      removeLabels: string[];
      /** The new per-field hashes (the row's memos are kept beside them). */
      hashes: Record<string, string>;
      labels: string[];
    };

export type StatusPlan =
  /** The ticket should be open: reopen it unless Jira already has it open. */
  | { want: 'open'; target?: string; reopenSignal: boolean }
  /** The ticket should be closed: close it unless Jira already has it done. */
  | { want: 'closed'; target?: string };

/** What a ticket the state knows needs, in the order it is done. */
export interface TicketActions {
  fields: FieldPlan;
  /** A new comment (a re-detection); `first`: only remember it, the ticket was made with this text. */
  comment?: { body: RichText; hash: string; first: boolean };
  /** Before writing to a ticket believed open for an open finding, see whether a person closed it. */
  checkClosedByUser: boolean;
  status?: StatusPlan;
  link?: 'link' | 'unlink';
  attach?: { name: string; text: string; hash: string };
  /** The scanner status (and `Create` keep) to remember with the ticket. */
  memo?: { lastStatus: string; keep: boolean };
}

/** A template could not be evaluated for a finding: it is recorded and retried next cycle. */
export interface PlannedFailure {
  finding: StagedFinding;
  role: TicketRole;
  primaryKey: string;
  error: unknown;
}

/** The plan of one page. */
export interface TicketPlan {
  /** The previous page's last object, not continued on this page: settle it first. */
  settleFirst?: ParentIntent;
  /** Closing findings (and parents with no open child) whose ticket the state does not know. */
  lookups: TicketIntent[];
  /** Tickets to create, in waves: a sub-task needs its parent's key, so children come in a later wave. */
  creates: TicketIntent[][];
  parents: ParentIntent[];
  tickets: FindingIntent[];
  /** Objects whose findings are all seen (linkDiff/closeAll schemes) or whose parent follows its children. */
  settle: ParentIntent[];
  /** The page's last object may go on in the next page: settled with it, or first in it. */
  carry?: ParentIntent;
  failures: PlannedFailure[];
  /** Findings that share another finding's ticket (same Primary Key): counted unchanged. */
  duplicates: number;
  /** The Primary Keys (pk) of those shared tickets: which finding wins depends on both, so neither is passed over by its digest alone. */
  shared: string[];
  /** Objects with a finding the template could not evaluate: their gone children are not guessed. */
  unsureObjects: string[];
}

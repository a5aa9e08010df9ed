import type { Config } from '../../config/loadConfig.js';
import { redactString } from '../../redact.js';
import type { InboxItem } from '../../state/inbox.js';
import type { OutboxItem } from '../../state/outbox.js';
import { openStateBundle, type State } from '../../state/stateBundle.js';
import { oneLine } from '../../templates/renderTicket.js';

/**
 * `vulnbridge outbox|inbox list|retry|drop`: the incident events the endpoint rejected (or
 * that were given up) and the webhook payloads whose processing failed too often, for the
 * person on call. Retry only puts items back in line (one transaction); the daemon's own
 * drainer and cycles then handle them, exactly once, even while it runs on the same file.
 */
export type BoxName = 'outbox' | 'inbox';
export type BoxAction = 'list' | 'retry' | 'drop';

export interface SetAsideRequest {
  box: BoxName;
  action: BoxAction;
  ids?: number[];
  job?: string;
  waiting: boolean;
  json: boolean;
}

/** Exit codes (README, docs/operations.md). */
export const SET_ASIDE_EXIT = { ok: 0, notAll: 1, usage: 2 } as const;

const ACTIONS: readonly BoxAction[] = ['list', 'retry', 'drop'];

/** The command line after parseArgs: the action, ids and selection options; a usage error says what is wrong. */
export function parseSetAsideArgs(
  box: BoxName,
  positionals: readonly string[],
  values: { job?: string; all?: boolean; waiting?: boolean; json?: boolean },
): SetAsideRequest | { usage: string } {
  const [action, ...rest] = positionals;
  if (!action) return { usage: 'name an action: list, retry or drop' };
  if (!ACTIONS.includes(action as BoxAction)) return { usage: `unknown action "${printable(action, 40)}" (list, retry or drop)` };
  const bad = rest.find((r) => !/^[1-9]\d{0,14}$/.test(r));
  if (bad !== undefined) return { usage: `"${printable(bad, 40)}" is not an id (ids are whole numbers, as \`${box} list\` shows them)` };
  const ids = rest.length ? [...new Set(rest.map(Number))] : undefined;
  const selections = [ids ? 'ids' : '', values.job !== undefined ? '--job' : '', values.all ? '--all' : ''].filter(Boolean);
  if (selections.length > 1) return { usage: `${selections.join(' and ')} do not go together: name ids, or --job NAME, or --all` };
  if (selections.length === 0 && action !== 'list') return { usage: `${action} needs a selection: ids, --job NAME or --all` };
  if (values.waiting && action === 'retry') return { usage: `--waiting does not go with retry: waiting ${box === 'outbox' ? 'events are sent' : 'payloads are processed'} by the daemon already` };
  return { box, action: action as BoxAction, ...(ids ? { ids } : {}), ...(values.job !== undefined ? { job: values.job } : {}), waiting: values.waiting ?? false, json: values.json ?? false };
}

/** One row of either box, as the command prints it (all scanner text cleaned and cut). */
interface Row {
  id: number;
  job: string;
  state: 'waiting' | 'set aside' | 'superseded';
  attempts: number;
  at: string;
  /** outbox: endpoint and action */
  lane?: string;
  action?: string;
  what: string;
  why?: string;
  /** What --json prints of it: the fields, cleaned, never a payload's body. */
  json: Record<string, unknown>;
}

const NOUN = { outbox: ['event', 'events'], inbox: ['payload', 'payloads'] } as const;
const WIDTH = 100;

export function setAsideCommand(config: Config, req: SetAsideRequest, opts: { out?: (t: string) => void } = {}): number {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const state = openStateBundle(config.stateDir);
  try {
    return run(state, config, req, out);
  } finally {
    state.close();
  }
}

function run(state: State, config: Config, req: SetAsideRequest, out: (t: string) => void): number {
  const [one, many] = NOUN[req.box];
  const n = (k: number) => `${k} ${k === 1 ? one : many}`;
  // Named ids are looked up in every state, so the message can say why one is not acted on.
  const states: Array<'waiting' | 'set aside'> = req.ids || req.waiting ? ['set aside', 'waiting'] : ['set aside'];
  const sel = { ...(req.ids ? { ids: req.ids } : {}), ...(req.job !== undefined ? { job: req.job } : {}), states };
  const rows: Row[] = req.box === 'outbox' ? state.outbox.select(sel).map(outboxRow) : state.inbox.select(sel).map(inboxRow);
  const notFound = (req.ids ?? []).filter((id) => !rows.some((r) => r.id === id));
  const skipped: Array<{ id: number; job: string; reason: string }> = [];
  const skip = (r: Row, reason: string) => skipped.push({ id: r.id, job: r.job, reason });

  let chosen = rows;
  if (req.action !== 'list') {
    chosen = rows.filter((r) => {
      if (r.state === 'waiting' && (req.action === 'retry' || !req.waiting)) {
        skip(r, req.action === 'retry' ? 'waiting, not set aside: nothing to retry' : 'waiting, not set aside (add --waiting to drop waiting ones)');
        return false;
      }
      if (r.state === 'superseded' && req.action === 'retry') {
        skip(r, `superseded by a later event of its alert; drop it: vulnbridge outbox drop ${r.id}`);
        return false;
      }
      return true;
    });
  }
  const box = req.box === 'outbox' ? state.outbox : state.inbox;
  const wanted = chosen.map((r) => r.id);
  const doneIds = req.action === 'retry' ? box.retrySetAside(wanted) : req.action === 'drop' ? box.drop(wanted, { waiting: req.waiting }) : wanted;
  // What the transaction did not touch changed in between (the daemon sent, processed or set it aside).
  for (const r of chosen) if (!doneIds.includes(r.id)) skip(r, 'changed meanwhile (the daemon took it or it was already handled); not touched');
  const done = chosen.filter((r) => doneIds.includes(r.id));
  const nothing = rows.length === 0;
  const exitCode = done.length === 0 || notFound.length > 0 || skipped.length > 0 ? SET_ASIDE_EXIT.notAll : SET_ASIDE_EXIT.ok;

  if (req.json) {
    const byJob = groupByJob(done);
    out(
      JSON.stringify(
        {
          box: req.box,
          action: req.action,
          ...(req.action === 'list' ? { items: done.map((r) => r.json) } : { done: Object.fromEntries(byJob) }),
          notFound,
          skipped,
          exitCode,
        },
        null,
        2,
      ),
    );
    return exitCode;
  }

  if (nothing && notFound.length === 0) {
    const what = req.waiting ? `no ${many} waiting or set aside` : `no set-aside ${many}`;
    out(`${what}${req.job !== undefined ? ` of job ${printable(req.job, 60)}` : ''}${jobNote(config, req.job)}: nothing to ${req.action === 'list' ? 'show' : req.action}`);
    return exitCode;
  }
  if (req.action === 'list') {
    if (done.length) out(listing(req.box, done));
    const setAside = done.filter((r) => r.state !== 'waiting').length;
    const superseded = done.filter((r) => r.state === 'superseded').length;
    if (done.length) {
      out(
        `${n(setAside)} set aside${req.waiting || req.ids ? `, ${done.length - setAside} waiting` : ''}` +
          ` (vulnbridge ${req.box} retry|drop ID... | --job NAME | --all; --help says more)`,
      );
    }
    if (superseded) out('superseded: a later event of its alert was queued since; retrying would send stale news: drop it');
  } else {
    if (req.action === 'drop') for (const r of done) out(cut(`  ${r.id}  ${r.job}  ${r.state}  ${r.action ? `${r.action}  ` : ''}${r.what}`));
    const verb = req.action === 'retry' ? 'retried' : 'dropped';
    for (const [job, ids] of groupByJob(done)) {
      out(`${verb} ${n(ids.length)} of job ${job}: ${ids.length === 1 ? 'id' : 'ids'} ${ids.join(', ')}${jobNote(config, job)}`);
    }
    if (req.action === 'retry' && done.length) {
      out(
        req.box === 'outbox'
          ? 'A running daemon sends them, in order and once each, at its next look (within a minute if idle);\nwith no daemon running, `vulnbridge sync --job NAME` sends them after its cycle.'
          : 'The job\'s next cycle (the daemon\'s next scheduled run) turns them into tickets, exactly once;\nwith no daemon running, `vulnbridge sync --job NAME` does it now.',
      );
    }
  }
  if (notFound.length) out(`no ${notFound.length === 1 ? one : many} with id ${notFound.join(', ')}`);
  for (const s of skipped) out(cut(`id ${s.id} (job ${s.job}): ${s.reason}`));
  return exitCode;
}

/** A job this config does not run: its items wait for nothing. */
function jobNote(config: Config, job: string | undefined): string {
  if (job === undefined) return '';
  const j = config.jobs.find((x) => x.name === job);
  if (!j) return ` (no job "${printable(job, 60)}" in ${config.file}: nothing handles its items until one is; jobs: ${config.jobs.map((x) => x.name).join(', ')})`;
  return j.enabled ? '' : ` (job ${job} is disabled: nothing handles its items until it is enabled)`;
}

function groupByJob(rows: readonly Row[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rows) m.set(r.job, [...(m.get(r.job) ?? []), r.id]);
  return m;
}

/** Scanner text is untrusted: one line, no control, bidi or zero-width characters (terminal escapes), secrets redacted, at most `max`. */
export function printable(text: string, max: number): string {
  const clean = oneLine(redactString(text).replace(/[\u0080-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g, ''));
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const cut = (line: string) => (line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line);
const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function outboxRow(i: OutboxItem): Row {
  const state = i.state === 'set aside' && i.superseded ? 'superseded' : i.state;
  const [summary, why] = [printable(i.summary, 200), i.lastError ? printable(i.lastError, 300) : undefined];
  return {
    id: i.id,
    job: printable(i.job, 60),
    state,
    attempts: i.attempts,
    at: i.createdAt,
    lane: i.lane,
    action: i.action,
    what: printable(`[${i.severity}] ${summary}`, 200),
    ...(why ? { why } : {}),
    json: {
      id: i.id,
      job: i.job,
      endpoint: i.lane,
      action: i.action,
      state,
      attempts: i.attempts,
      queuedAt: i.createdAt,
      dedupKey: printable(i.dedupKey, 255),
      severity: printable(i.severity, 20),
      summary,
      lastError: why ?? null,
    },
  };
}

function inboxRow(i: InboxItem): Row {
  const [description, why] = [printable(i.description, 200), i.error ? printable(i.error, 300) : undefined];
  return {
    id: i.id,
    job: printable(i.job, 60),
    state: i.state,
    attempts: i.attempts,
    at: i.receivedAt,
    what: `${description} (${i.bytes.toLocaleString('en-US')} bytes)`,
    ...(why ? { why } : {}),
    json: { id: i.id, job: i.job, state: i.state, attempts: i.attempts, receivedAt: i.receivedAt, description, bytes: i.bytes, error: why ?? null },
  };
}

/** At most 100 columns: a line of fields, then what the item is about and why it was set aside, indented. */
function listing(box: BoxName, rows: readonly Row[]): string {
  const fit = (t: string, w: number) => (t.length > w ? `${t.slice(0, w - 1)}…` : t).padEnd(w);
  const head =
    box === 'outbox'
      ? (r: Partial<Record<string, string>>) => `${fit(r.id!, 6)}  ${fit(r.job!, 14)}  ${fit(r.lane!, 24)}  ${fit(r.action!, 7)}  ${fit(r.state!, 10)}  ${fit(r.tries!, 5)}  ${r.at}`
      : (r: Partial<Record<string, string>>) => `${fit(r.id!, 6)}  ${fit(r.job!, 24)}  ${fit(r.state!, 10)}  ${fit(r.tries!, 5)}  ${r.at}`;
  const lines = [head({ id: 'id', job: 'job', lane: 'endpoint', action: 'action', state: 'state', tries: 'tries', at: box === 'outbox' ? 'queued (UTC)' : 'received (UTC)' }).trimEnd()];
  for (const r of rows) {
    lines.push(head({ id: String(r.id), job: r.job, lane: r.lane ?? '', action: r.action ?? '', state: r.state, tries: String(r.attempts), at: time(r.at) }).trimEnd());
    lines.push(cut(`        ${r.what}`));
    if (r.why) lines.push(cut(`        why: ${r.why}`));
  }
  return lines.join('\n');
}

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentEvent } from '../../connector/model/incidentEvent.js';
import { MAX_INBOX_ATTEMPTS } from '../../connector/state/inbox.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { exportSimSecrets } from '../e2e/support/world.js';
import { offlineJob } from './support/offlineJob.js';
import { runMain } from './support/runMain.js';

const T0 = new Date('2026-11-01T08:00:00Z');
/** Scanner text with terminal escapes, a bidi override, a zero-width space and line breaks. */
const HOSTILE = 'Critical CVE-2026-0001 \u001b[2J\u001b]0;pwned\u0007in \u202Eevil\u200B\r\nlib \u009b31m' + ' padding'.repeat(40);
const LANE = 'pagerduty:VB_PD_KEY_WITH_A_LONG_NAME:finding';

function event(dedupKey: string, action: 'trigger' | 'resolve' = 'trigger', summary = `summary ${dedupKey}`): IncidentEvent {
  return { action, dedupKey, summary, severity: 'critical', source: 'test', timestamp: T0.toISOString(), customDetails: {}, links: [] };
}

describe('cli/outbox and cli/inbox: set-aside events and payloads', () => {
  let dir: string;
  let file: string;
  let stateDir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-setaside-'));
    stateDir = path.join(dir, 'state');
    exportSimSecrets();
    file = path.join(dir, 'c.yml');
    writeFileSync(file, [`stateDir: ${JSON.stringify(stateDir)}`, 'log: { level: error }', 'jobs:', ...offlineJob({ name: 'xray' }), ...offlineJob({ name: 'vmdr' }), ''].join('\n'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Write into the state as the pipeline and the drainer do, then close it (the command opens its own). */
  const withState = <T>(fn: (s: State) => T): T => {
    const s = openStateBundle(stateDir);
    try {
      return fn(s);
    } finally {
      s.close();
    }
  };
  const queue = (s: State, job: string, e: IncidentEvent, at = T0): number => {
    s.outbox.apply({ alerts: [{ job, lane: LANE, dedupKey: e.dedupKey, kind: 'alert', state: e.action === 'trigger' ? 'triggered' : 'resolved', payloadHash: '', label: '' }], events: [{ job, lane: LANE, event: e }] }, at);
    return (s.db.prepare('SELECT MAX(id) AS id FROM outbox').get() as { id: number }).id;
  };
  const setAsidePayload = (s: State, job: string, description: string, error = 'Xray answered 500'): number => {
    const id = s.inbox.add(job, '{"watch_name":"w","issues":[]}', description, T0);
    for (let i = 0; i < MAX_INBOX_ATTEMPTS; i++) s.inbox.failed([id], error);
    return id;
  };
  const outbox = (...args: string[]) => runMain(['outbox', ...args, '--config', file]);
  const inbox = (...args: string[]) => runMain(['inbox', ...args, '--config', file]);

  it('outbox list: set-aside events only, at most 100 columns, scanner text cleaned and cut; --waiting adds the rest; --json', async () => {
    const [rejected, waiting] = withState((s) => {
      const a = queue(s, 'xray', event('a', 'trigger', HOSTILE));
      s.outbox.rejected(a, 'PagerDuty 400 (Authorization: Bearer abcdefgh12345678): "routing_key" is invalid \u001b[31m');
      return [a, queue(s, 'xray', event('b'))];
    });
    const r = await outbox('list');
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).to.be.at.most(100);
    expect(lines[0]).to.match(/^id\s+job\s+endpoint\s+action\s+state\s+tries\s+queued \(UTC\)$/);
    expect(lines[1]).to.match(new RegExp(`^${rejected}\\s+xray\\s+pagerduty:VB_PD_KEY_WIT…\\s+trigger\\s+set aside\\s+1\\s+2026-11-01 08:00$`));
    expect(lines[2]).to.match(/^ {8}\[critical\] Critical CVE-2026-0001 \[2J\]0;pwnedin evil lib 31m padding padding/).and.match(/…$/);
    expect(lines[3]).to.equal('        why: PagerDuty 400 (Authorization: Bearer [REDACTED]): "routing_key" is invalid [31m');
    expect(r.stdout).not.to.match(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B\u202E]/);
    expect(r.stdout).not.to.include(`\n${waiting} `);
    expect(lines.at(-1)).to.match(/^1 event set aside \(vulnbridge outbox retry\|drop/);

    const all = await outbox('list', '--waiting');
    expect(all.code).to.equal(0);
    expect(all.stdout).to.match(new RegExp(`^${waiting}\\s+xray\\s+\\S+\\s+trigger\\s+waiting\\s+0 `, 'm'));
    expect(all.stdout).to.include('1 event set aside, 1 waiting');

    const json = JSON.parse((await outbox('list', '--json', '--waiting')).stdout) as { exitCode: number; items: Array<Record<string, unknown> & { summary: string }> };
    expect(json.exitCode).to.equal(0);
    expect(json.items.map((i) => [i.id, i.state, i.endpoint, i.action, i.dedupKey, i.severity, i.attempts])).to.deep.equal([
      [rejected, 'set aside', LANE, 'trigger', 'a', 'critical', 1],
      [waiting, 'waiting', LANE, 'trigger', 'b', 'critical', 0],
    ]);
    expect(json.items[0]!.summary.length).to.be.at.most(200);
    expect(json.items[0]!.summary).to.match(/^Critical CVE-2026-0001 /).and.not.match(/[\u0000-\u001F\u202E]/);
    expect(json.items[0]!.lastError).to.include('Bearer [REDACTED]');
    expect(json.items[1]!.lastError).to.equal(null);
  });

  it('outbox retry: by ids and by job, says what it did, names unknown and waiting ids and exits 1 for them', async () => {
    const [a, b, c, w] = withState((s) => {
      const ids = [queue(s, 'xray', event('a')), queue(s, 'xray', event('b')), queue(s, 'vmdr', event('c')), queue(s, 'xray', event('w'))];
      for (const id of ids.slice(0, 3)) s.outbox.rejected(id, 'rejected');
      return ids as [number, number, number, number];
    });
    const r = await outbox('retry', String(a), String(w), '999');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`retried 1 event of job xray: id ${a}\n`);
    expect(r.stdout).to.include('no event with id 999');
    expect(r.stdout).to.include(`id ${w} (job xray): waiting, not set aside: nothing to retry`);
    expect(r.stdout).to.include('A running daemon sends them, in order and once each, at its next look');
    withState((s) => {
      expect(s.outbox.select({ states: ['waiting'] }).map((i) => [i.id, i.attempts])).to.deep.equal([
        [a, 0],
        [w, 0],
      ]);
      expect(s.outbox.due('xray', LANE, Date.now(), 10).map((row) => row.id)).to.deep.equal([a, w]);
    });

    const byJob = await outbox('retry', '--job', 'xray');
    expect(byJob.code).to.equal(0);
    expect(byJob.stdout.split('\n')[0]).to.equal(`retried 1 event of job xray: id ${b}`);
    const all = await outbox('retry', '--all');
    expect(all.code).to.equal(0);
    expect(all.stdout).to.match(new RegExp(`^retried 1 event of job vmdr: id ${c}$`, 'm'));
    // Nothing left set aside: a selection that matches nothing says so and exits 1.
    const none = await outbox('retry', '--all');
    expect(none.code).to.equal(1);
    expect(none.stdout).to.equal('no set-aside events: nothing to retry\n');
    const json = JSON.parse((await outbox('retry', '--all', '--json')).stdout) as { exitCode: number; done: object };
    expect(json).to.deep.include({ exitCode: 1, done: {} });
  });

  it('outbox retry leaves a superseded event set aside (it would be stale news) and says to drop it', async () => {
    const [old, current] = withState((s) => {
      const t = queue(s, 'xray', event('k'));
      s.outbox.rejected(t, 'rejected');
      const resolve = queue(s, 'xray', event('k', 'resolve'), new Date('2026-11-01T09:00:00Z'));
      s.outbox.rejected(resolve, 'rejected');
      return [t, resolve];
    });
    const list = await outbox('list');
    expect(list.stdout).to.match(new RegExp(`^${old}\\s+xray\\s+\\S+\\s+trigger\\s+superseded`, 'm'));
    expect(list.stdout).to.include('superseded: a later event of its alert was queued since');
    const r = await outbox('retry', '--all');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`retried 1 event of job xray: id ${current}\n`);
    expect(r.stdout).to.include(`id ${old} (job xray): superseded by a later event of its alert; drop it: vulnbridge outbox drop ${old}`);
    for (const line of r.stdout.trimEnd().split('\n')) expect(line.length, line).to.be.at.most(100);
    withState((s) => expect(s.outbox.select({ states: ['set aside'] }).map((i) => i.id)).to.deep.equal([old]));
  });

  it('outbox drop: needs a selection, prints each event dropped, keeps waiting ones unless --waiting', async () => {
    const [a, w] = withState((s) => {
      const x = queue(s, 'xray', event('a', 'trigger', 'Critical violation in libfoo'));
      s.outbox.rejected(x, 'rejected');
      return [x, queue(s, 'xray', event('w'))];
    });
    const bare = await outbox('drop');
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.equal('vulnbridge outbox: drop needs a selection: ids, --job NAME or --all (vulnbridge outbox --help)\n');
    const r = await outbox('drop', '--job', 'xray');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(`  ${a}  xray  set aside  trigger  [critical] Critical violation in libfoo\ndropped 1 event of job xray: id ${a}\n`);
    const waiting = await outbox('drop', String(w));
    expect(waiting.code).to.equal(1);
    expect(waiting.stdout).to.include(`id ${w} (job xray): waiting, not set aside (add --waiting to drop waiting ones)`);
    const forced = await outbox('drop', String(w), '--waiting');
    expect(forced.code).to.equal(0);
    expect(forced.stdout).to.include(`dropped 1 event of job xray: id ${w}`);
    withState((s) => expect(s.outbox.counts()).to.deep.equal([]));
  });

  it('inbox list, retry and drop: payload descriptions cleaned, never the body; a job not in the config is named', async () => {
    const [p1, p2, p3] = withState((s) => [
      setAsidePayload(s, 'xray', `schema 1.1: 1 issue, watch ${HOSTILE}`, 'Xray answered 500\nInternal Server Error'),
      setAsidePayload(s, 'xray', 'legacy payload: 2 issues, watch prod'),
      setAsidePayload(s, 'gone-job', 'legacy payload: 1 issue, watch old'),
    ]);
    const list = await inbox('list');
    expect(list.code).to.equal(0);
    const lines = list.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).to.be.at.most(100);
    expect(lines[0]).to.match(/^id\s+job\s+state\s+tries\s+received \(UTC\)$/);
    expect(lines[1]).to.match(new RegExp(`^${p1}\\s+xray\\s+set aside\\s+${MAX_INBOX_ATTEMPTS}\\s+2026-11-01 08:00$`));
    expect(lines[2]).to.match(/^ {8}schema 1\.1: 1 issue, watch Critical CVE-2026-0001 \[2J\]0;pwnedin evil lib/).and.match(/…$/);
    expect(lines[3]).to.equal('        why: Xray answered 500 Internal Server Error');
    expect(list.stdout).to.include('legacy payload: 2 issues, watch prod (30 bytes)');
    expect(list.stdout).not.to.include('"watch_name"');
    expect(list.stdout).not.to.match(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B\u202E]/);
    const json = JSON.parse((await inbox('list', '--json')).stdout) as { items: Array<Record<string, unknown>> };
    expect(json.items[1]).to.deep.equal({ id: p2, job: 'xray', state: 'set aside', attempts: MAX_INBOX_ATTEMPTS, receivedAt: T0.toISOString(), description: 'legacy payload: 2 issues, watch prod', bytes: 30, error: 'Xray answered 500' });

    const r = await inbox('retry', String(p1), String(p2));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include(`retried 2 payloads of job xray: ids ${p1}, ${p2}\n`).and.include("The job's next cycle");
    withState((s) => expect(s.inbox.waiting('xray').map((x) => [x.id, x.attempts])).to.deep.equal([
      [p1, 0],
      [p2, 0],
    ]));
    const gone = await inbox('retry', '--job', 'gone-job');
    expect(gone.code).to.equal(0);
    expect(gone.stdout).to.include(`retried 1 payload of job gone-job: id ${p3} (no job "gone-job" in ${file}: nothing handles its items`);

    const none = await inbox('drop', '--job', 'xray');
    expect(none.code).to.equal(1);
    expect(none.stdout).to.equal('no set-aside payloads of job xray: nothing to drop\n');
    const dropped = await inbox('drop', '--all', '--waiting');
    expect(dropped.code).to.equal(0);
    expect(dropped.stdout).to.include(`dropped 2 payloads of job xray: ids ${p1}, ${p2}`).and.include(`dropped 1 payload of job gone-job: id ${p3}`);
    withState((s) => expect(s.inbox.counts()).to.deep.equal([]));
  });

  it('usage errors exit 2 with one line and a hint, before reading any config', async () => {
    const cases: Array<[string[], string]> = [
      [['outbox'], 'name an action: list, retry or drop'],
      [['inbox', 'purge'], 'unknown action "purge"'],
      [['outbox', 'retry', '4x'], '"4x" is not an id'],
      [['outbox', 'retry', '1234567890123456'], 'is not an id'],
      [['outbox', 'retry', '4', '--all'], 'ids and --all do not go together'],
      [['inbox', 'drop', '--job', 'x', '--all'], '--job and --all do not go together'],
      [['inbox', 'retry', '--all', '--waiting'], '--waiting does not go with retry'],
      [['outbox', 'list', '--dry-run'], "'--dry-run'"],
    ];
    for (const [argv, message] of cases) {
      const r = await runMain([...argv, '--config', path.join(dir, 'absent.yml')]);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trimEnd().split('\n'), argv.join(' ')).to.have.length(1);
      expect(r.stderr, argv.join(' ')).to.include(message).and.include(`vulnbridge ${argv[0]} --help`);
    }
  });
});

import { expect } from 'chai';
import { hash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobConfig } from '../../connector/config/loadConfig.js';
import { ExternalHostError } from '../../connector/errors.js';
import { silentLogger } from '../../connector/log.js';
import type { Finding, FindingGroupSpan } from '../../connector/model/finding.js';
import { digestCheck } from '../../connector/pipeline/findingDigest.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { buildLanes } from '../../connector/pipeline/lanes.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import { routesSchema, type Routes } from '../../connector/routing/routesSchema.js';
import type { EnrichContext, PullContext, PullResult } from '../../connector/sources/types.js';
import { unpackJson } from '../../connector/state/packedJson.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { resolveSlaPolicy, type SlaPolicyInput } from '../../connector/templates/sla/slaPolicy.js';
import { FakeVmdrSource } from '../support/fakeSource.js';
import { MemorySink } from '../support/memorySink.js';

const TEMPLATE = path.resolve(process.cwd(), 'templates/vmdr-per-detection.json');

/** The fake VMDR source with what SLAs read (first found, severity) and TruRisk scores a test can change. */
class Source extends FakeVmdrSource {
  truRisk = new Map<string, string>();
  /** Digest each record before building its finding and ask the pipeline (`PullContext.known`), as the VMDR source does. */
  asksKnown = false;
  /** And first each host's records together (`PullContext.knownGroups`), as the VMDR source does. */
  asksGroups = false;
  /** Findings the pipeline took by their source digest, never built. */
  taken: string[] = [];
  /** Hosts the pipeline took whole. */
  groupsTaken: string[] = [];

  override async *pull(ctx: PullContext): AsyncGenerator<{ label: string; findings: Finding[] }, PullResult, void> {
    const gen = super.pull(ctx);
    for (;;) {
      const next = await gen.next();
      if (next.done) return next.value;
      for (const f of next.value.findings) {
        f.data.FIRST_FOUND_DATETIME = '2026-01-01T00:00:00Z';
        f.data.SEVERITY = '4';
      }
      if (this.asksKnown && ctx.known) {
        let findings = next.value.findings.map((f) => ({ ...f, sourceDigest: hash('sha1', JSON.stringify(f), 'base64') }));
        const spans: FindingGroupSpan[] = [];
        if (this.asksGroups && ctx.knownGroups) {
          const byHost = new Map<string, typeof findings>();
          for (const f of findings) byHost.set(f.parentKey ?? '', [...(byHost.get(f.parentKey ?? '') ?? []), f]);
          const groups = [...byHost].map(([key, fs]) => ({ key, digest: hash('sha1', fs.map((f) => f.sourceDigest).join(), 'base64') }));
          const passed = ctx.knownGroups(groups);
          findings = [];
          groups.forEach((g, n) => {
            const fs = byHost.get(g.key) ?? [];
            if (passed[n]) {
              this.groupsTaken.push(g.key);
              this.taken.push(...fs.map((f) => f.key));
            } else {
              spans.push({ ...g, from: findings.length, to: findings.length + fs.length });
              findings.push(...fs);
            }
          });
        }
        const taken = ctx.known(
          findings.map(({ data: _data, ...head }) => head),
          spans,
        );
        this.taken.push(...findings.filter((_f, n) => taken[n]).map((f) => f.key));
        next.value.findings = findings.filter((_f, n) => !taken[n]);
      }
      yield next.value;
    }
  }

  override async enrich(ctx: EnrichContext): Promise<void> {
    await super.enrich(ctx);
    for (const id of ctx.wanted.get('qualys.host') ?? []) {
      const score = this.truRisk.get(id);
      if (score) ctx.put('qualys.host', id, { TRURISK_SCORE: score, ASSET_CRITICALITY_SCORE: '3' });
    }
  }
}

interface Variant {
  template?: string;
  sla?: SlaPolicyInput;
  routes?: unknown;
}

function runtime(source: Source, sink: MemorySink, v: Variant = {}): JobRuntime {
  const templatePath = v.template ?? TEMPLATE;
  const sla = v.sla ? resolveSlaPolicy(v.sla) : undefined;
  const routes: Routes | undefined = v.routes ? routesSchema.parse(v.routes) : undefined;
  const config = {
    name: 'vmdr',
    project: 'VULN',
    timeoutMinutes: 5,
    schedule: '* * * * *',
    enabled: true,
    templatePath,
    ...(sla ? { sla } : {}),
    ...(routes ? { routes } : {}),
  } as JobConfig;
  const scheme = loadScheme(templatePath);
  const lanes = buildLanes(config, scheme, routes, { log: silentLogger(), secret: () => '' });
  return { config, source, sink, scheme, log: silentLogger(), prepared: false, lanes };
}

const VARIANTS = [
  { title: '', asksKnown: false, asksGroups: false },
  { title: ', the source asking by its own digest before building them', asksKnown: true, asksGroups: false },
  { title: ", the source asking by each host's digest, then by each finding's", asksKnown: true, asksGroups: true },
];
/** Keys in order, to compare what was taken whatever order the source asked in. */
const sorted = (keys: readonly string[]): string[] => [...keys].sort();

for (const { title, asksKnown, asksGroups } of VARIANTS) describe(`pipeline: unchanged findings passed over by their digest${title}`, () => {
  let state: State;
  let source: Source;
  let sink: MemorySink;
  let dir: string;

  /** A full re-pull (the fake source ignores cursors), then the keys of the findings it planned (the finding log records them). */
  async function cycle(rt: JobRuntime): Promise<{ report: CycleReport; planned: string[] }> {
    state.db.prepare(`UPDATE findings SET last_seen = ''`).run();
    const report = await runCycle(rt, state);
    expect(report.result, report.error).to.equal('ok');
    const planned = state.db.prepare(`SELECT fkey FROM findings WHERE job = 'vmdr' AND last_seen != '' ORDER BY fkey`).pluck().all() as string[];
    return { report, planned };
  }
  const issueOf = (host: string, qid: string) => {
    const issue = [...sink.issues.values()].find((i) => i.labels.includes(`qid-${qid}`) && JSON.stringify(i.fields).includes(`10.0.0.${host}`));
    if (!issue) throw new Error(`no issue for host ${host} qid ${qid}`);
    return issue;
  };
  const ALL = ['host:1|qid:100|port:443', 'host:1|qid:101|port:22', 'host:2|qid:100|port:443', 'host:2|qid:102|port:'];

  beforeEach(() => {
    state = openStateBundle(':memory:');
    source = new Source();
    source.asksKnown = asksKnown;
    source.asksGroups = asksGroups;
    // A source's group holds all of a host's findings: the VMDR source reads a host whole.
    if (asksGroups) source.pageSize = 100;
    sink = new MemorySink();
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-digest-'));
    source.detections = [
      { host: '1', qid: '100', port: '443', status: 'Active', qds: 95 },
      { host: '1', qid: '101', port: '22', status: 'New', qds: 45 },
      { host: '2', qid: '100', port: '443', status: 'Active', qds: 72 },
      { host: '2', qid: '102', status: 'Fixed', qds: 20 },
    ];
  });
  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unchanged re-pull builds and plans nothing and makes no Jira writes', async () => {
    const rt = runtime(source, sink);
    const first = await cycle(rt);
    expect(first.report.counts).to.include({ findings: 4, created: 3 });
    expect(first.planned).to.deep.equal(ALL);
    // Once pulled, the staging (a TEMP table) holds no data of a finding whose own digest is the one recorded;
    // a source that asks by its own digest has them passed over as they are pulled: not staged at all.
    let staged: Array<{ withData: number; all: number }> = [];
    const slim = () => {
      const table = state.db.prepare(`SELECT name FROM temp.sqlite_master WHERE type = 'table' AND name LIKE 'staged%'`).pluck().all() as string[];
      staged = table.map((t) => state.db.prepare(`SELECT count(data) AS withData, count(*) AS "all" FROM temp.${t}`).get() as { withData: number; all: number });
    };
    const report = await runCycle(rt, state, { onProgress: (p) => p.phase === 'enrich' && slim() });
    expect(report.writes).to.equal(0);
    expect(report.counts).to.include({ findings: 4, unchanged: 4, created: 0, updated: 0 });
    expect(staged).to.deep.equal([{ withData: 0, all: asksKnown ? 0 : 4 }]);
    const again = await cycle(rt);
    expect(again.planned).to.deep.equal([]);
    // Asked by its source digest, no finding of the re-pulls was built: the source built each once, in the first cycle.
    expect(sorted(source.taken)).to.deep.equal(sorted(asksKnown ? [...ALL, ...ALL] : []));
    // Asked by host first: each host's findings were recorded as a group in the first cycle, and taken whole since.
    expect(source.groupsTaken).to.deep.equal(asksGroups ? ['host:1', 'host:2', 'host:1', 'host:2'] : []);
  });

  it('a finding whose own data changed is planned again, alone; a status change (Fixed) closes its ticket', async () => {
    const rt = runtime(source, sink);
    await cycle(rt);
    (source.detections[1] as { status: string }).status = 'Fixed';
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:101|port:22']);
    expect(r.report.counts).to.include({ transitioned: 1, unchanged: 3 });
    // The changed detection's source digest is not the recorded one: it alone is built.
    expect(sorted(source.taken)).to.deep.equal(sorted(asksKnown ? ALL.filter((k) => k !== 'host:1|qid:101|port:22') : []));
    expect(sink.issues.get(issueOf('1', '101').key)?.status).to.not.equal('Open');
  });

  it('a changed KnowledgeBase entry re-plans the findings that name it, and their tickets change', async () => {
    const rt = runtime(source, sink);
    await cycle(rt);
    state.lookups.putMany([{ ns: 'qualys.kb', id: '100', data: { QID: '100', TITLE: 'A new title of 100', SEVERITY_LEVEL: '4', CVES: 'CVE-2024-0001' } }]);
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:100|port:443', 'host:2|qid:100|port:443']);
    expect(r.report.counts).to.include({ updated: 2 });
    expect(String(issueOf('1', '100').fields.summary)).to.contain('A new title of 100');
    // Asking by its source digest, the source built none of them: the two planned took the data recorded with their digests.
    expect(sorted(source.taken)).to.deep.equal(sorted(asksKnown ? ALL : []));
  });

  it('the data recorded with a digest is kept deflated; rows an earlier version recorded as JSON text serve a lookup-changed finding too', async () => {
    const rt = runtime(source, sink);
    await cycle(rt);
    const stored = state.db.prepare(`SELECT fkey, data FROM finding_digests ORDER BY fkey`).all() as Array<{ fkey: string; data: Buffer | string }>;
    expect(stored.map((r) => r.fkey)).to.include.members(['host:1|qid:100|port:443', 'host:2|qid:100|port:443']);
    expect(stored.every((r) => Buffer.isBuffer(r.data))).to.equal(true);
    const asText = state.db.prepare(`UPDATE finding_digests SET data = ? WHERE fkey = ?`);
    for (const r of stored) asText.run(unpackJson(r.data), r.fkey);
    expect(JSON.parse(state.db.prepare(`SELECT data FROM finding_digests WHERE fkey = 'host:2|qid:100|port:443'`).pluck().get() as string)).to.include({ QID: '100' });
    state.lookups.putMany([{ ns: 'qualys.kb', id: '100', data: { QID: '100', TITLE: 'A new title of 100', SEVERITY_LEVEL: '4', CVES: 'CVE-2024-0001' } }]);
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:100|port:443', 'host:2|qid:100|port:443']);
    expect(r.report.counts).to.include({ updated: 2 });
    // Planned from the recorded data: each ticket still names its own host.
    expect(String(issueOf('2', '100').fields.summary)).to.contain('A new title of 100');
    expect(String(issueOf('1', '100').fields.summary)).to.contain('A new title of 100');
    expect(state.db.prepare(`SELECT typeof(data) FROM finding_digests WHERE fkey = 'host:2|qid:100|port:443'`).pluck().get()).to.equal('blob');
    expect((await cycle(rt)).planned).to.deep.equal([]);
  });

  it('a changed TruRisk score re-plans the findings of that host, and their tickets change', async () => {
    const rt = runtime(source, sink);
    await cycle(rt);
    const before = JSON.stringify(issueOf('2', '100').fields);
    source.truRisk.set('2', '777');
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:2|qid:100|port:443', 'host:2|qid:102|port:']);
    expect(r.report.counts).to.include({ updated: 1 });
    const after = JSON.stringify(issueOf('2', '100').fields);
    expect(after).to.not.equal(before);
    expect(after).to.contain('777');
    expect(sorted(source.taken)).to.deep.equal(sorted(asksKnown ? ALL : []));
  });

  it('a changed template re-plans every finding, and the tickets change', async () => {
    await cycle(runtime(source, sink));
    const changed = path.join(dir, 'vmdr-per-detection.json');
    writeFileSync(changed, readFileSync(TEMPLATE, 'utf8').replace('"summary": "', '"summary": "[changed] '));
    const r = await cycle(runtime(source, sink, { template: changed }));
    expect(r.planned).to.deep.equal(ALL);
    expect(r.report.counts).to.include({ updated: 3 });
    expect(String(issueOf('1', '100').fields.summary)).to.match(/^\[changed\] /);
    expect(sorted(source.taken)).to.deep.equal(sorted(asksKnown ? ALL : []));
  });

  it('a changed SLA policy re-plans every finding, and the tickets change (breached, then not)', async () => {
    const labels = () => issueOf('1', '100').labels;
    await cycle(runtime(source, sink, { sla: { days: { high: 10 } } }));
    expect(labels()).to.include('vb-sla-breached');
    const r = await cycle(runtime(source, sink, { sla: { days: { high: 4000 } } }));
    expect(r.planned).to.deep.equal(ALL);
    expect(labels()).to.not.include('vb-sla-breached');
  });

  it('a changed KEV catalog re-plans the findings of lanes with an SLA, and the tickets change (its due date breached)', async () => {
    const rt = runtime(source, sink, { sla: { days: { high: 4000 } } });
    await cycle(rt);
    expect(issueOf('1', '100').labels).to.not.include('vb-sla-breached');
    state.kev.replace('test', [{ cveID: 'CVE-2024-0001', dueDate: '2026-01-31', dateAdded: '2026-01-01', knownRansomwareCampaignUse: 'Known' }], new Date());
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(ALL);
    expect(issueOf('1', '100').labels).to.include('vb-sla-breached');
  });

  it('changed routing rules re-plan every finding: a finding routed away closes its ticket', async () => {
    const routes = (qid: string) => [{ when: { qids: [qid] }, actions: ['none'] }, { actions: [{ jira: {} }] }];
    await cycle(runtime(source, sink, { routes: routes('999') }));
    const r = await cycle(runtime(source, sink, { routes: routes('101') }));
    expect(r.planned).to.deep.equal(ALL);
    expect(r.report.counts).to.include({ transitioned: 1 });
    expect(sink.issues.get(issueOf('1', '101').key)?.status).to.not.equal('Open');
  });

  it('a ticket row changed after the digest was recorded (reconcile, SLA sweep) re-plans its finding', async () => {
    const rt = runtime(source, sink);
    await cycle(rt);
    const row = state.db.prepare(`SELECT pk FROM tickets WHERE finding_key = 'host:1|qid:100|port:443'`).pluck().get() as string;
    await new Promise((r) => setTimeout(r, 5));
    state.tickets.put([{ ...(state.tickets.get('vmdr', row) as NonNullable<ReturnType<State['tickets']['get']>>) }]);
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:100|port:443']);
    expect(r.report.writes).to.equal(0);
  });

  it('a finding whose ticket work failed is retried next cycle, not passed over', async () => {
    const rt = runtime(source, sink);
    sink.rejectSummaries.add('QID 101: Title of 101 on 10.0.0.1');
    const failed = await runCycle(rt, state);
    expect(failed.counts).to.include({ created: 2, failed: 1 });
    sink.rejectSummaries.clear();
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:101|port:22']);
    expect(r.report.counts).to.include({ created: 1, failed: 0 });
    expect(await cycle(rt)).to.have.property('planned').that.deep.equals([]);
  });

  it('a finding whose ticket work goes on after its page (a queued create) has no digest until it is done: a cycle that dies first leaves it planned', async () => {
    const rt = runtime(source, sink);
    const createMany = sink.createMany.bind(sink);
    sink.createMany = async () => {
      throw new ExternalHostError('HOST_UNREACHABLE', 'Jira went away', { host: sink.host });
    };
    const died = await runCycle(rt, state);
    expect(died.result).to.equal('failed');
    const digests = state.db.prepare(`SELECT fkey, digest FROM finding_digests ORDER BY fkey`).all() as Array<{ fkey: string; digest: string }>;
    expect(digests.filter((d) => d.digest === '').map((d) => d.fkey)).to.deep.equal(['host:1|qid:100|port:443', 'host:1|qid:101|port:22', 'host:2|qid:100|port:443']);
    sink.createMany = createMany;
    const r = await cycle(rt);
    expect(r.planned).to.deep.equal(['host:1|qid:100|port:443', 'host:1|qid:101|port:22', 'host:2|qid:100|port:443']);
    expect(r.report.counts).to.include({ created: 3 });
    expect((await cycle(rt)).planned).to.deep.equal([]);
  });

  it("the lane part of the digest changes with the template, the SLA policy, the KEV catalog, the routing and the sink's config, and with nothing else", () => {
    const part = (rt: JobRuntime) => digestCheck(rt, state, state.lookups).laneParts[0];
    const base = part(runtime(source, sink));
    expect(part(runtime(source, sink))).to.equal(base);
    const changed = path.join(dir, 'changed.json');
    writeFileSync(changed, readFileSync(TEMPLATE, 'utf8').replace('"summary": "', '"summary": "x '));
    expect(part(runtime(source, sink, { template: changed }))).to.not.equal(base);
    const withSla = part(runtime(source, sink, { sla: { days: { high: 10 } } }));
    expect(withSla).to.not.equal(base);
    expect(part(runtime(source, sink, { sla: { days: { high: 11 } } }))).to.not.equal(withSla);
    state.kev.replace('test', [{ cveID: 'CVE-2024-0001', dueDate: '2026-12-31', dateAdded: '2026-01-01', knownRansomwareCampaignUse: 'Known' }], new Date());
    expect(part(runtime(source, sink, { sla: { days: { high: 10 } } }))).to.not.equal(withSla);
    expect(part(runtime(source, sink))).to.equal(base);
    expect(part(runtime(source, sink, { routes: [{ actions: [{ jira: {} }] }] }))).to.not.equal(base);
    const rt = runtime(source, sink);
    rt.config.sink = { ...rt.config.sink, config: { fields: { 'Primary Key': 'customfield_1' } } };
    expect(part(rt)).to.not.equal(base);
  });
});

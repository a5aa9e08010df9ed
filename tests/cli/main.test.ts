import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { openIds, qdsPriority, detectionsById } from '../e2e/support/detections.js';
import { exportSimSecrets, jiraWrites, OUR_TEMPLATES, startWorld, type World } from '../e2e/support/world.js';
import { offlineJob } from './support/offlineJob.js';
import { runMain } from './support/runMain.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const UNSET_SECRET = 'VB_CLI_TEST_UNSET_SECRET';

/** A one-job config whose hosts need not exist (validate reads no network without --online). */
function jobYaml(opts: { stateDir: string; template?: string; extraJobKey?: string; qualysPasswordEnv?: string }): string {
  return [
    `stateDir: ${JSON.stringify(opts.stateDir)}`,
    'log: { level: error }',
    'jobs:',
    ...offlineJob({ name: 'vmdr', template: opts.template, extraKey: opts.extraJobKey, passwordEnv: opts.qualysPasswordEnv }),
    '',
  ].join('\n');
}

describe('cli/main', () => {
  let dir: string;
  /** An existing, empty templates folder: validate then checks only what the test names. */
  let noTemplates: string;
  const savedConfigEnv = process.env.VULNBRIDGE_CONFIG;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-cli-'));
    noTemplates = path.join(dir, 'no-templates');
    mkdirSync(noTemplates);
    exportSimSecrets();
    delete process.env[UNSET_SECRET];
    // Never fall back to a config/vulnbridge.yml someone has in the working tree.
    process.env.VULNBRIDGE_CONFIG = path.join(dir, 'absent.yml');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedConfigEnv === undefined) delete process.env.VULNBRIDGE_CONFIG;
    else process.env.VULNBRIDGE_CONFIG = savedConfigEnv;
  });

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('--help lists every command and exits 0; no command prints the help and exits 2', async () => {
    const help = await runMain(['--help']);
    expect(help.code).to.equal(0);
    for (const command of ['run', 'sync', 'validate', 'status', 'jql', 'demo']) expect(help.stdout).to.match(new RegExp(`^  ${command}\\s{2,}\\S`, 'm'));
    const none = await runMain([]);
    expect(none.code).to.equal(2);
    expect(none.stdout).to.equal(help.stdout);
  });

  it('an unknown command exits 2 and says which', async () => {
    const r = await runMain(['frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^unknown command "frobnicate"/);
  });

  it('validate: a YAML syntax error exits 1 with file:line', async () => {
    const file = write('bad.yml', 'stateDir: data\njobs:\n  - name: vmdr\n    schedule: "0 * * * *"\n    template: [unclosed\n');
    const r = await runMain(['validate', '--config', file, '--templates', noTemplates]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: YAML syntax error`));
    expect(r.stdout).to.match(/1 problem\(s\) found/);
  });

  it('validate: an unknown key exits 1 naming its path', async () => {
    const file = write('unknown.yml', jobYaml({ stateDir: path.join(dir, 'state'), extraJobKey: 'colour: red' }));
    const r = await runMain(['validate', '--config', file, '--templates', noTemplates]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`${file}:`).and.match(/jobs\[0\]: unknown key: colour/);
  });

  it('validate: a job whose template has overlapping priority ranges exits 1 naming the template and the JSON path', async () => {
    const scheme = JSON.parse(readFileSync(PER_DETECTION, 'utf8')) as { template: { metadata: { priorityMapping: { criteria: Record<string, string> } } } };
    scheme.template.metadata.priorityMapping.criteria.High = '70-95';
    const template = write('overlap.json', JSON.stringify(scheme, null, 2));
    const file = write('overlap.yml', jobYaml({ stateDir: path.join(dir, 'state'), template }));
    const r = await runMain(['validate', '--config', file, '--templates', noTemplates]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`✓ ${file}: 1 job(s)`);
    expect(r.stdout).to.match(/✗ job vmdr/);
    expect(r.stdout).to.match(new RegExp(`${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ template\\.metadata\\.priorityMapping\\.criteria\\.\\w+: priority ranges overlap`));
  });

  it('validate --templates: flags the bad template of a folder and accepts the good one', async () => {
    const folder = path.join(dir, 'templates');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'good.json'), readFileSync(PER_DETECTION, 'utf8').replace(/\s*"\$schema": "[^"]*",/, ''));
    const bad = JSON.parse(readFileSync(PER_DETECTION, 'utf8')) as { $schema?: string; template: { metadata: { moduleName: string } } };
    delete bad.$schema;
    bad.template.metadata.moduleName = 'NOPE';
    writeFileSync(path.join(folder, 'bad.json'), JSON.stringify(bad, null, 2));
    const r = await runMain(['validate', '--templates', folder]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`✓ ${path.join(folder, 'good.json')}`);
    expect(r.stdout).to.include(`✗ ${path.join(folder, 'bad.json')}`);
    expect(r.stdout).to.match(/template\.metadata\.moduleName/);
    expect(r.stdout).to.match(/1 problem\(s\) found/);
  });

  it('validate: a secret whose env var is not set exits 1 naming the variable', async () => {
    const file = write('secret.yml', jobYaml({ stateDir: path.join(dir, 'state'), qualysPasswordEnv: UNSET_SECRET }));
    const r = await runMain(['validate', '--config', file, '--templates', noTemplates]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/✗ job vmdr/).and.include(`environment variable ${UNSET_SECRET}`).and.include('is not set');
  });

  describe('against the simulators', () => {
    let world: World;
    let config: string;
    beforeEach(async () => {
      world = await startWorld({ qualys: { seed: 11, hosts: 4, detectionsPerHost: 3 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
      config = world.writeConfig([{ name: 'vmdr', template: PER_DETECTION }]);
    });
    afterEach(() => world.close());

    it('sync --dry-run --json prints the plan with create steps and writes neither Jira nor the state', async () => {
      const r = await runMain(['sync', '--dry-run', '--json', '--config', config]);
      expect(r.code, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout) as {
        reports: Array<{ job: string; dryRun: boolean; result: string; plan: Array<{ op: string; summary?: string; priority?: string; findingKey?: string }> }>;
        brokenJobs: unknown[];
      };
      expect(out.brokenJobs).to.deep.equal([]);
      const [report] = out.reports;
      expect(report).to.include({ job: 'vmdr', dryRun: true, result: 'ok' });
      const creates = report?.plan.filter((s) => s.op === 'create') ?? [];
      const open = openIds(world.qualys.data);
      expect(creates).to.have.length(open.size);
      const all = detectionsById(world.qualys.data);
      const byQid = new Map([...all.values()].map((d) => [d.detection.QID, d]));
      for (const step of creates) {
        const qid = /^QID (\d+): /.exec(step.summary ?? '')?.[1] as string;
        expect(step.priority, step.summary).to.equal(qdsPriority(byQid.get(qid)?.qds ?? -1));
      }
      expect(jiraWrites(world.jira)).to.deep.equal([]);
      expect(world.jira.issues()).to.deep.equal([]);
      const state = openStateBundle(world.stateDir);
      try {
        expect(state.runs.last('vmdr')).to.equal(undefined);
        expect(state.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).to.deep.equal({ n: 0 });
        expect(state.tickets.counts('vmdr')).to.deep.include({ open: 0, pending: 0 });
        expect(state.cursors.get('vmdr')).to.deep.equal({});
      } finally {
        state.close();
      }
    });

    it('status --json after a real sync shows the last run, its counts, the open tickets and the cursor', async () => {
      const sync = await runMain(['sync', '--json', '--config', config]);
      expect(sync.code, sync.stdout).to.equal(0);
      const open = openIds(world.qualys.data).size;
      expect(world.jira.issues()).to.have.length(open);

      const r = await runMain(['status', '--json', '--config', config]);
      expect(r.code).to.equal(0);
      const status = JSON.parse(r.stdout) as {
        stateDir: string;
        jobs: Array<{ job: string; lastRun: { result: string; counts: Record<string, number>; error?: string } | null; tickets: Record<string, number>; cursor: Record<string, string> }>;
      };
      expect(status.stateDir).to.equal(world.stateDir);
      const [job] = status.jobs;
      expect(job?.job).to.equal('vmdr');
      expect(job?.lastRun).to.deep.include({ result: 'ok' });
      expect(job?.lastRun?.counts).to.include({ created: open, failed: 0 });
      expect(job?.tickets).to.include({ open, closed: 0, pending: 0 });
      expect(job?.cursor.detection_updated_since).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });
  });
});

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { ENV, exportSimSecrets } from '../e2e/support/world.js';
import { offlineJob } from './support/offlineJob.js';
import { runMain } from './support/runMain.js';

const UNSET = 'VB_STATUS_TEST_UNSET_SECRET';

function job(name: string, passwordEnv: string): string[] {
  return offlineJob({ name, passwordEnv });
}

describe('cli/status: 100-column view and exit codes', () => {
  let dir: string;
  let stateDir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-status-'));
    stateDir = path.join(dir, 'state');
    exportSimSecrets();
    delete process.env[UNSET];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = (jobs: string[][]): string => {
    const file = path.join(dir, 'c.yml');
    writeFileSync(file, [`stateDir: ${JSON.stringify(stateDir)}`, 'log: { level: error }', 'jobs:', ...jobs.flat(), ''].join('\n'));
    return file;
  };
  const failedRun = (name: string, error: string) => {
    const state = openStateBundle(stateDir);
    try {
      const ok = state.runs.start(name, new Date('2026-01-01T08:00:00Z'));
      state.runs.finish(ok, 'ok', { created: 3 }, undefined, new Date('2026-01-01T08:05:00Z'));
      const id = state.runs.start(name, new Date('2026-01-01T12:00:00Z'));
      state.runs.finish(id, 'failed', {}, error, new Date('2026-01-01T12:01:00Z'));
    } finally {
      state.close();
    }
  };

  it('an enabled job whose last run failed: exit 1, one line per job within 100 columns with last success, next run and the error', async () => {
    const file = config([job('vmdr-detections-with-a-long-name', ENV.qualysPassword)]);
    failedRun('vmdr-detections-with-a-long-name', `Jira answered 401 Unauthorized: ${'the token was revoked or expired; '.repeat(10)}`);
    const r = await runMain(['status', '--config', file]);
    expect(r.code).to.equal(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).to.be.at.most(100);
    const row = lines.find((l) => l.startsWith('vmdr-detections'));
    expect(row).to.include('failed').and.include('2026-01-01 08:05').and.include('Jira answered 401').and.match(/…$/);
    expect(row).to.match(/\d{4}-\d\d-\d\d \d\d:00/g);
    const wide = await runMain(['status', '--wide', '--config', file]);
    expect(wide.code).to.equal(1);
    expect(wide.stdout).to.include('transitioned').and.include('last error: Jira answered 401');
    const json = JSON.parse((await runMain(['status', '--json', '--config', file])).stdout) as { exitCode: number; jobs: Array<{ lastSuccess: string; nextRun: string }> };
    expect(json.exitCode).to.equal(1);
    expect(json.jobs[0]!.lastSuccess).to.equal('2026-01-01T08:05:00.000Z');
    expect(new Date(json.jobs[0]!.nextRun).getUTCHours() % 4).to.equal(0);
  });

  it('an enabled job that cannot start (a secret missing): exit 2, named with why; ok jobs exit 0', async () => {
    const file = config([job('good', ENV.qualysPassword), job('broken', UNSET)]);
    const r = await runMain(['status', '--config', file]);
    expect(r.code).to.equal(2);
    const row = r.stdout.split('\n').find((l) => l.startsWith('broken'));
    expect(row, r.stdout).to.include('cannot start').and.include('environment variable VB_STATUS');
    const wide = await runMain(['status', '--wide', '--config', file]);
    expect(wide.code).to.equal(2);
    expect(wide.stdout).to.include(`broken: cannot start: environment variable ${UNSET}`);
    const ok = await runMain(['status', '--config', config([job('good', ENV.qualysPassword)])]);
    expect(ok.code).to.equal(0);
    expect(ok.stdout).to.match(/^good\s+never run/m);
  });
});

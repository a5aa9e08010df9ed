import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV, exportSimSecrets, OUR_TEMPLATES } from '../e2e/support/world.js';
import { offlineJob } from './support/offlineJob.js';
import { runMain } from './support/runMain.js';


function job(name: string, opts: { enabled: boolean; passwordEnv: string; tokenEnv: string }): string[] {
  return offlineJob({ name, ...opts });
}

describe('cli/validate: disabled jobs and missing secrets', () => {
  let dir: string;
  const unset = ['VB_VALIDATE_UNSET_1', 'VB_VALIDATE_UNSET_2', 'VB_VALIDATE_UNSET_3', 'VB_VALIDATE_UNSET_4'];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-validate-'));
    mkdirSync(path.join(dir, 'no-templates'));
    exportSimSecrets();
    for (const v of unset) delete process.env[v];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips a disabled job saying so, and lists both missing secrets of an enabled job in one run, naming the job once', async () => {
    const file = path.join(dir, 'v.yml');
    writeFileSync(
      file,
      [
        `stateDir: ${JSON.stringify(path.join(dir, 'state'))}`,
        'log: { level: error }',
        'jobs:',
        ...job('dormant', { enabled: false, passwordEnv: unset[0], tokenEnv: unset[1] }),
        ...job('live', { enabled: true, passwordEnv: unset[2], tokenEnv: unset[3] }),
        '',
      ].join('\n'),
    );
    const r = await runMain(['validate', '--config', file, '--templates', path.join(dir, 'no-templates')]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include('job dormant is disabled: not checked');
    expect(r.stdout).not.to.include(unset[0]).and.not.to.include(unset[1]);
    expect(r.stdout).to.include(`✗ job live`).and.include(unset[2]).and.include(unset[3]);
    expect(r.stdout).to.include('2 secret(s) missing');
    expect(r.stdout.match(/\blive\b/g)).to.have.length(1);
    expect(r.stdout).not.to.include('of job');
    expect(r.stdout).to.match(/1 problem\(s\) found/);
  });

  it('names a missing webhook secret once, without repeating the job after the setting', async () => {
    const file = path.join(dir, 'x.yml');
    writeFileSync(
      file,
      [
        `stateDir: ${JSON.stringify(path.join(dir, 'state'))}`,
        'log: { level: error }',
        'jobs:',
        '  - name: xray-violations',
        '    schedule: "*/30 * * * *"',
        `    template: ${JSON.stringify(path.join(OUR_TEMPLATES, 'xray-per-violation.json'))}`,
        '    project: VULN',
        '    source:',
        '      type: jfrog-xray',
        '      url: https://acme.jfrog.io',
        `      token: { env: ${ENV.jiraToken} }`,
        '      watches: [prod-watch]',
        '    sink:',
        '      type: jira',
        '      url: https://example.atlassian.net',
        '      flavor: cloud',
        '      email: bot@example.com',
        `      token: { env: ${ENV.jiraToken} }`,
        '    webhook:',
        '      basicAuth:',
        `        username: { env: ${unset[0]} }`,
        `        password: { env: ${unset[1]} }`,
        '',
      ].join('\n'),
    );
    const r = await runMain(['validate', '--config', file, '--templates', path.join(dir, 'no-templates')]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`${unset[0]} (webhook.basicAuth.username)`).and.include(`${unset[1]} (webhook.basicAuth.password)`);
    expect(r.stdout).not.to.include('of job');
  });
});

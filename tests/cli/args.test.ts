import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { runMain } from './support/runMain.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('cli/main: per-command help, --version, rejected options', () => {
  it('sync --help prints sync\'s own usage and options, not the global help', async () => {
    const r = await runMain(['sync', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^Usage: vulnbridge sync /);
    expect(r.stdout).to.include('--dry-run');
    expect(r.stdout).not.to.include('Commands:').and.not.to.include('--templates');
  });

  it('status -h and every command answer their own help', async () => {
    for (const command of ['run', 'sync', 'validate', 'setup', 'status', 'jql', 'dashboards', 'outbox', 'inbox', 'demo']) {
      const r = await runMain([command, '-h']);
      expect(r.code, command).to.equal(0);
      expect(r.stdout, command).to.match(new RegExp(`^Usage: vulnbridge ${command}\\b`));
    }
  });

  it('demo --help describes what the demo does now (setup, two cycles, webhook, alerts, dashboards)', async () => {
    const r = await runMain(['demo', '--help']);
    for (const part of ['setup --apply', 'two sync cycles', 'Xray webhook', 'PagerDuty', 'dashboards', 'Container Security']) expect(r.stdout).to.include(part);
  });

  it('--version prints package.json\'s version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runMain([flag]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(`vulnbridge ${pkg.version}\n`);
    }
  });

  it('status --dry-run is rejected with exit 2 and a one-line hint naming status\'s options', async () => {
    const r = await runMain(['status', '--dry-run']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trimEnd().split('\n')).to.have.length(1);
    expect(r.stderr).to.include("'--dry-run'").and.include('status takes --config FILE, --wide, --json').and.include('vulnbridge status --help');
  });

  it('an unknown option and a stray argument are rejected too', async () => {
    const unknown = await runMain(['sync', '--frobnicate']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include("'--frobnicate'").and.include('--dry-run');
    const stray = await runMain(['validate', 'extra']);
    expect(stray.code).to.equal(2);
    expect(stray.stderr).to.include("'extra'").and.include('--templates DIR');
  });
});

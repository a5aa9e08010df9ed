import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { configYaml, OUR_TEMPLATES, startWorld, type World } from '../e2e/support/world.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A wrong secret: the Qualys password of one test, the Jira token of the other. */
const WRONG = 'VB_RUNLOGS_WRONG_SECRET';

describe('vulnbridge run: its log lines (one line per failure, VULNBRIDGE_LOG_FORMAT)', function () {
  this.timeout(60_000);
  let world: World;

  beforeEach(async () => {
    world = await startWorld({ qualys: { seed: 3, hosts: 2, detectionsPerHost: 1 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    process.env[WRONG] = 'wrong-password-4711';
  });
  afterEach(async () => {
    delete process.env[WRONG];
    await world.close();
  });

  /** `run --now` with a config of one job until its cycle failed; the JSON lines it logged. */
  async function runUntilFailed(job: Parameters<typeof configYaml>[3][number]): Promise<{ stderr: string; parsed: Array<Record<string, unknown>> }> {
    const config = path.join(world.dir, 'vulnbridge.yml');
    const yaml = configYaml(world.qualys.url, world.jira.url, world.stateDir, [job]);
    writeFileSync(config, yaml.replace('log: { level: error }', 'log: { level: info, format: text }'));
    const proc = spawn(process.execPath, ['--import', 'tsx', 'connector/cli/bin.ts', 'run', '--now', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, VULNBRIDGE_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      proc.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('cycle failed')) setTimeout(resolve, 1000);
      });
      void exited.then(() => reject(new Error(`exited early:\n${stderr}`)));
    });
    proc.kill('SIGTERM');
    await exited;
    const parsed = stderr
      .trim()
      .split('\n')
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          throw new Error(`not a JSON line: ${l}`);
        }
      });
    return { stderr, parsed };
  }

  /** Each error line names `host` once. */
  function expectHostOnce(errors: Array<Record<string, unknown>>, host: string): void {
    for (const e of errors) {
      const line = JSON.stringify(e);
      expect(line.split(host).length - 1, `the host ${host} once in: ${line}`).to.equal(1);
    }
  }

  it('with VULNBRIDGE_LOG_FORMAT=json and a config saying text, a failing cycle gives one JSON error line naming the host once', async () => {
    const { stderr, parsed } = await runUntilFailed({ name: 'badqualys', template: path.join(OUR_TEMPLATES, 'vmdr-per-detection.json'), qualysPasswordEnv: WRONG });
    const errors = parsed.filter((p) => p.level === 'error');
    expect(errors, stderr).to.have.length(1);
    expectHostOnce(errors, new URL(world.qualys.url).host);
    expect(errors[0]).to.include({ job: 'badqualys' });
  });

  it('a Jira refusing the token: one error line per failure (the startup check, the cycle), each naming the host once', async () => {
    const { stderr, parsed } = await runUntilFailed({ name: 'badjira', template: path.join(OUR_TEMPLATES, 'vmdr-per-detection.json'), jiraSecretEnv: WRONG });
    const errors = parsed.filter((p) => p.level === 'error');
    expect(errors.map((e) => e.message), stderr).to.deep.equal([
      'job cannot reach a usable Jira yet; it stays scheduled and checks again at its next run',
      'cycle failed; the cursor stays where it was and the next cycle retries',
    ]);
    expectHostOnce(errors, new URL(world.jira.url).host);
    for (const e of errors) expect(e).to.include({ job: 'badjira' });
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { configYaml, OUR_TEMPLATES, startWorld, type World } from '../e2e/support/world.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WRONG = 'VB_RUNLOGS_WRONG_QUALYS_PASSWORD';

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

  it('with VULNBRIDGE_LOG_FORMAT=json and a config saying text, a failing cycle gives one JSON error line naming the host once', async () => {
    const config = path.join(world.dir, 'vulnbridge.yml');
    const yaml = configYaml(world.qualys.url, world.jira.url, world.stateDir, [
      { name: 'badqualys', template: path.join(OUR_TEMPLATES, 'vmdr-per-detection.json'), qualysPasswordEnv: WRONG },
    ]);
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
    const lines = stderr.trim().split('\n');
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
    const errors = parsed.filter((p) => p.level === 'error');
    expect(errors, stderr).to.have.length(1);
    const line = JSON.stringify(errors[0]);
    const host = new URL(world.qualys.url).host;
    expect(line.split(host).length - 1, `the host ${host} once in: ${line}`).to.equal(1);
    expect(errors[0]).to.include({ job: 'badqualys' });
  });
});

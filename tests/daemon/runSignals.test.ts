import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configYaml, exportSimSecrets, OUR_TEMPLATES } from '../e2e/support/world.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The node process `unshare --pid --fork` started: PID 1 in its namespace, as in a container. */
function childPid(unsharePid: number): number | undefined {
  try {
    const pid = Number(readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

describe('vulnbridge run as PID 1: SIGTERM during the startup checks (Docker)', function () {
  this.timeout(60_000);
  let hang: Server;
  const sockets: Socket[] = [];
  let dir: string;
  let child: ChildProcess | undefined;

  before(function () {
    const probe = spawnSync('unshare', ['--pid', '--fork', 'true']);
    if (probe.error || probe.status !== 0) this.skip(); // unshare missing or not permitted (needs root or user namespaces)
  });

  beforeEach(async () => {
    // A Jira that accepts connections and never answers.
    hang = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-sigterm-'));
    exportSimSecrets();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => hang.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits promptly with a log line saying it stopped during startup, while Jira hangs', async () => {
    const jiraUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const config = path.join(dir, 'vulnbridge.yml');
    const yaml = configYaml('http://127.0.0.1:9', jiraUrl, path.join(dir, 'state'), [{ name: 'hangs', template: path.join(OUR_TEMPLATES, 'vmdr-per-detection.json') }]);
    writeFileSync(config, yaml.replace('log: { level: error }', 'log: { level: info }'));
    const proc = spawn('unshare', ['--pid', '--fork', process.execPath, '--import', 'tsx', 'connector/cli/bin.ts', 'run', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, VULNBRIDGE_LOG_FORMAT: 'text' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    // Started: it said so, and its Jira check is waiting on the hanging server.
    await new Promise<void>((resolve, reject) => {
      const check = () => stderr.includes('daemon starting') && sockets.length > 0 && resolve();
      hang.on('connection', () => setImmediate(check));
      proc.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        check();
      });
      void exited.then(() => reject(new Error(`exited before the startup checks:\n${stderr}`)));
    });
    const pid = childPid(proc.pid!);
    expect(pid, 'the node process under unshare').to.be.a('number');
    // Docker sends SIGTERM to PID 1 from outside its namespace: so does the test.
    process.kill(pid!, 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, `still running 20 s after SIGTERM (killed); its log:\n${stderr}`).to.equal(0);
    expect(stderr).to.match(/stopping.*SIGTERM/);
    expect(stderr).to.include('stopped during startup');
  });
});

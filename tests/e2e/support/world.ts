import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, readConfig, type AppContext } from '../../../connector/cli/appContext.js';
import { silentLogger } from '../../../connector/log.js';
import type { JobRuntime } from '../../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../../connector/pipeline/runCycle.js';
import type { Sleep } from '../../../connector/http/sleep.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim, type JiraSimOptions } from '../../sim/jira/startJiraSim.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim, type QualysSim, type QualysSimOptions } from '../../sim/qualys/startQualysSim.js';
import { SHARED_DIR } from '../../support/sharedPaths.js';
import { testClock, type TestClock } from './testClock.js';

/** Our templates (To Do / Done) and the Qualys reference ones (Open / Reopened / Closed). */
export const OUR_TEMPLATES = path.resolve(process.cwd(), 'templates');
export const REFERENCE_TEMPLATES = path.join(SHARED_DIR, 'reference/qualys-ticketing-templates');

/**
 * Env var names the e2e configs point at. The values are the simulators' credentials,
 * handed over the way real secrets are (README "Running it for real", step 2).
 */
export const ENV = {
  qualysUser: 'VB_E2E_QUALYS_USERNAME',
  qualysPassword: 'VB_E2E_QUALYS_PASSWORD',
  jiraToken: 'VB_E2E_JIRA_TOKEN',
  jiraPat: 'VB_E2E_JIRA_PAT',
} as const;

export function exportSimSecrets(): void {
  process.env[ENV.qualysUser] = QUALYS_SIM_CREDENTIALS.username;
  process.env[ENV.qualysPassword] = QUALYS_SIM_CREDENTIALS.password;
  process.env[ENV.jiraToken] = SIM_CREDENTIALS.token;
  process.env[ENV.jiraPat] = SIM_CREDENTIALS.pat;
}

export interface JobSpec {
  name: string;
  /** Absolute path of the ticketing scheme. */
  template: string;
  project?: string;
  /** Defaults to the Jira simulator's URL. */
  jiraUrl?: string;
  flavor?: 'cloud' | 'datacenter';
  /** Env var holding the Jira secret (token or PAT). */
  jiraSecretEnv?: string;
  qualysPasswordEnv?: string;
  /** Hosts per Host List Detection page (Qualys `truncation_limit`). */
  truncationLimit?: number;
}

export interface World {
  qualys: QualysSim;
  jira: JiraSim;
  clock: TestClock;
  dir: string;
  stateDir: string;
  /** Write a YAML config for these jobs into the temp dir; returns its path. */
  writeConfig(jobs: JobSpec[], file?: string): string;
  /** `readConfig` + `openApp`, silent. */
  open(configFile: string, only?: string): AppContext;
  close(): Promise<void>;
}

export interface WorldOptions {
  qualys: QualysSimOptions;
  jira: JiraSimOptions;
}

/**
 * Both simulators on 127.0.0.1, a temp dir for config and state, and one clock shared by
 * the Qualys data (LAST_UPDATE_DATETIME of changes) and the cycles (cursor), so cursors
 * and incremental pulls do not depend on the wall clock.
 */
export async function startWorld(opts: WorldOptions): Promise<World> {
  const clock = testClock('2026-01-10T08:00:00Z');
  const qualys = await startQualysSim({ now: clock.now, ...opts.qualys });
  const jira = await startJiraSim(opts.jira);
  exportSimSecrets();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-e2e-'));
  const stateDir = path.join(dir, 'state');
  return {
    qualys,
    jira,
    clock,
    dir,
    stateDir,
    writeConfig(jobs, file = 'vulnbridge.yml') {
      const full = path.join(dir, file);
      writeFileSync(full, configYaml(qualys.url, jira.url, stateDir, jobs));
      return full;
    },
    open(configFile, only) {
      return openApp(readConfig(configFile), { log: silentLogger(), only });
    },
    async close() {
      await Promise.all([qualys.close(), jira.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function configYaml(qualysUrl: string, jiraUrl: string, stateDir: string, jobs: JobSpec[]): string {
  const lines = [`stateDir: ${JSON.stringify(stateDir)}`, 'log: { level: error }', 'jobs:'];
  for (const j of jobs) {
    const flavor = j.flavor ?? 'cloud';
    const secretEnv = j.jiraSecretEnv ?? (flavor === 'cloud' ? ENV.jiraToken : ENV.jiraPat);
    lines.push(
      `  - name: ${j.name}`,
      '    schedule: "0 */4 * * *"',
      `    template: ${JSON.stringify(j.template)}`,
      `    project: ${j.project ?? 'VULN'}`,
      '    source:',
      '      type: qualys-vmdr',
      `      url: ${qualysUrl}`,
      `      username: { env: ${ENV.qualysUser} }`,
      `      password: { env: ${j.qualysPasswordEnv ?? ENV.qualysPassword} }`,
      `      truncationLimit: ${j.truncationLimit ?? 2}`,
      '    sink:',
      '      type: jira',
      `      url: ${j.jiraUrl ?? jiraUrl}`,
      `      flavor: ${flavor}`,
      ...(flavor === 'cloud' ? [`      email: ${SIM_CREDENTIALS.email}`] : []),
      `      token: { env: ${secretEnv} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One cycle at the world's clock, then the clock moves on an hour (the next scheduled run). */
export async function cycle(world: World, rt: JobRuntime, app: AppContext): Promise<CycleReport> {
  const report = await runCycle(rt, app.state, { now: world.clock.now });
  world.clock.advanceMinutes(60);
  return report;
}

/**
 * Rebuild a job's source and sink from its config with test deps: a recording `sleep`
 * instead of real waits, and no backoff between retries. The product's openApp has no
 * way to pass these (buildJob takes none); the factories do.
 */
export function withTestRetries(rt: JobRuntime, sleep: Sleep = async () => {}): JobRuntime {
  const log = silentLogger();
  const secret = (ref: { env?: string; file?: string }): string => {
    const value = ref.env ? process.env[ref.env] : undefined;
    if (!value) throw new Error(`test: secret ${ref.env ?? ref.file ?? '?'} is not set`);
    return value;
  };
  const deps = { log, secret, sleep, retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0 } };
  rt.source = rt.config.source.factory.create(rt.config.source.config, deps);
  rt.sink = rt.config.sink.factory.create(rt.config.sink.config, deps);
  rt.prepared = false;
  return rt;
}

/** Jira write requests (POST/PUT/DELETE) recorded by the simulator from `from` on. */
export function jiraWrites(jira: JiraSim, from = 0): string[] {
  return jira.requests
    .slice(from)
    .filter((r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE')
    .map((r) => `${r.method} ${r.path}`);
}

export function jobOf(app: AppContext, name: string): JobRuntime {
  const rt = app.jobs.find((j) => j.config.name === name);
  if (!rt) throw new Error(`test: no job ${name} (broken: ${JSON.stringify(app.broken)})`);
  return rt;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simplifiedWorkflowData } from '../../../connector/cli/commands/demoCommand.js';
import { openApp, readConfig, type AppContext } from '../../../connector/cli/appContext.js';
import { silentLogger } from '../../../connector/log.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { startXraySim, XRAY_SIM_CREDENTIALS, type XraySim, type XraySimOptions } from '../../sim/xray/startXraySim.js';
import { ENV, exportSimSecrets, OUR_TEMPLATES } from './world.js';
import { testClock, type TestClock } from './testClock.js';

export const XRAY_ENV = {
  token: 'VB_E2E_XRAY_TOKEN',
  webhookUser: 'VB_E2E_XRAY_HOOK_USER',
  webhookPassword: 'VB_E2E_XRAY_HOOK_PASSWORD',
} as const;

/** What the e2e Xray webhook sender presents (set in Xray's webhook settings in real life). */
export const WEBHOOK_AUTH = { username: 'xray-hook', password: 'hook-Secret-4711' } as const;

export const PER_VIOLATION = path.join(OUR_TEMPLATES, 'xray-per-violation.json');
export const COMPONENT_LINKING = path.join(OUR_TEMPLATES, 'xray-component-linking.json');

export interface XrayJobSpec {
  name: string;
  template: string;
  project?: string;
  tokenEnv?: string;
  watches?: string[];
  pageSize?: number;
  fullPullHours?: number;
  timeoutSeconds?: number;
  webhook?: boolean;
  /** YAML of the job's `routes:` list items, indented as under `routes:` (6 spaces). */
  routes?: string;
}

export interface XrayWorld {
  xray: XraySim;
  jira: JiraSim;
  clock: TestClock;
  dir: string;
  writeConfig(jobs: XrayJobSpec[], opts?: { serverPort?: number }): string;
  open(configFile: string): AppContext;
  close(): Promise<void>;
}

/** The Xray and Jira Cloud simulators, a temp dir and one clock for violations and cycles. */
export async function startXrayWorld(xrayOpts: XraySimOptions = {}): Promise<XrayWorld> {
  const clock = testClock('2026-03-02T08:00:00Z');
  const xray = await startXraySim({ seed: 5, watches: 2, violationsPerWatch: 12, start: new Date('2026-02-01T00:00:00Z'), recordRequests: true, now: clock.now, ...xrayOpts });
  const jira = await startJiraSim({ flavor: 'cloud', data: simplifiedWorkflowData() });
  exportSimSecrets();
  process.env[XRAY_ENV.token] = XRAY_SIM_CREDENTIALS.token;
  process.env[XRAY_ENV.webhookUser] = WEBHOOK_AUTH.username;
  process.env[XRAY_ENV.webhookPassword] = WEBHOOK_AUTH.password;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-xray-e2e-'));
  return {
    xray,
    jira,
    clock,
    dir,
    writeConfig(jobs, opts = {}) {
      const lines = [`stateDir: ${JSON.stringify(path.join(dir, 'state'))}`, 'log: { level: error }'];
      if (opts.serverPort !== undefined) lines.push(`server: { host: 127.0.0.1, port: ${opts.serverPort} }`);
      lines.push('jobs:');
      for (const j of jobs) {
        lines.push(
          `  - name: ${j.name}`,
          '    schedule: "*/30 * * * *"',
          `    template: ${JSON.stringify(j.template)}`,
          `    project: ${j.project ?? 'VULN'}`,
          '    source:',
          '      type: jfrog-xray',
          `      url: ${xray.url}`,
          `      token: { env: ${j.tokenEnv ?? XRAY_ENV.token} }`,
          `      watches: ${JSON.stringify(j.watches ?? xray.data.watches.map((w) => w.name))}`,
          `      pageSize: ${j.pageSize ?? 5}`,
          `      fullPullHours: ${j.fullPullHours ?? 24}`,
          `      timeoutSeconds: ${j.timeoutSeconds ?? 30}`,
          '    sink:',
          '      type: jira',
          `      url: ${jira.url}`,
          '      flavor: cloud',
          `      email: ${SIM_CREDENTIALS.email}`,
          `      token: { env: ${ENV.jiraToken} }`,
        );
        if (j.routes) lines.push('    routes:', j.routes.replace(/\n+$/, ''));
        if (j.webhook) {
          lines.push(
            '    webhook:',
            '      basicAuth:',
            `        username: { env: ${XRAY_ENV.webhookUser} }`,
            `        password: { env: ${XRAY_ENV.webhookPassword} }`,
          );
        }
      }
      const file = path.join(dir, 'vulnbridge.yml');
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    },
    open(configFile) {
      return openApp(readConfig(configFile), { log: silentLogger() });
    },
    async close() {
      await Promise.all([xray.close(), jira.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

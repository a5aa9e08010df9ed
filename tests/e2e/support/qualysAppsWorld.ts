import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, readConfig, type AppContext } from '../../../connector/cli/appContext.js';
import { silentLogger } from '../../../connector/log.js';
import type { JobRuntime } from '../../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../../connector/pipeline/runCycle.js';
import { customField, defaultSimData, type SimData } from '../../sim/jira/simData.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import type { SimIssue } from '../../sim/jira/simStore.js';
import { QUALYS_CS_SIM_CREDENTIALS, startQualysCsSim, type QualysCsSim, type QualysCsSimOptions } from '../../sim/qualys-cs/startQualysCsSim.js';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim, type QualysWasSim, type QualysWasSimOptions } from '../../sim/qualys-was/index.js';
import { ENV, exportSimSecrets, REFERENCE_TEMPLATES } from './world.js';
import { testClock, type TestClock } from './testClock.js';

/** The six Qualys reference schemes for WAS and Container Security, used unchanged. */
export const REF = {
  perWebAppFinding: path.join(REFERENCE_TEMPLATES, 'Per_Web_App_Finding_Ticket_Scheme.json'),
  wasLinking: path.join(REFERENCE_TEMPLATES, 'WAS_Finding_Vuln_Linking_Ticket_Scheme.json'),
  imageLink: path.join(REFERENCE_TEMPLATES, 'CS_Image_Link_Ticket_Scheme.json'),
  imageSub: path.join(REFERENCE_TEMPLATES, 'CS_Image_Sub_Ticket_Scheme.json'),
  containerLink: path.join(REFERENCE_TEMPLATES, 'CS_Container_Link_Ticket_Scheme.json'),
  containerSub: path.join(REFERENCE_TEMPLATES, 'CS_Container_Sub_Ticket_Scheme.json'),
} as const;

export const APPS_ENV = {
  wasUser: 'VB_E2E_WAS_USERNAME',
  wasPassword: 'VB_E2E_WAS_PASSWORD',
  csUser: 'VB_E2E_CS_USERNAME',
  csPassword: 'VB_E2E_CS_PASSWORD',
} as const;

/** Issue types the six schemes name; the `Subticket …` ones are sub-task types (their children hang under the parent). */
const ISSUE_TYPES: Array<[string, boolean]> = [
  ['Finding Vulnerability', false],
  ['Vulnerable Web App', false],
  ['Vulnerable QID', false],
  ['Link Vulnerable Image', false],
  ['Link Image Vulnerability', false],
  ['Vulnerable Image', false],
  ['Subticket Image Vulnerability', true],
  ['Link Vulnerable Container', false],
  ['CS Link Vulnerability', false],
  ['Vulnerable Container', false],
  ['Subticket Container Vulnerability', true],
];

/** Long texts get multi-line fields, as a Jira admin would set them up. */
const TEXTAREA = new Set(['Threat', 'Impact', 'Diagnosis', 'Consequence', 'Solution', 'Vulnerable Software', 'Associated Hosts']);

type SchemeFile = { template: { payload: Record<string, unknown> } };

/** Custom field names of one scheme file (flat payload or parent + relatedTicket). */
function customFieldNames(file: string): string[] {
  const payload = (JSON.parse(readFileSync(file, 'utf8')) as SchemeFile).template.payload;
  const tickets = 'custom_fields' in payload ? [payload] : Object.values(payload);
  return tickets.flatMap((t) => Object.keys((t as { custom_fields?: Record<string, unknown> }).custom_fields ?? {}));
}

/**
 * The Jira simulator's classic workflow (Open / Reopened / Closed) plus what the WAS and
 * CS reference schemes need on top of the VMDR setup: their issue types and every custom
 * field they name, read from the scheme files themselves so none is forgotten.
 */
export function qualysAppsJiraData(): SimData {
  const data = defaultSimData();
  let typeId = 10100;
  for (const [name, subtask] of ISSUE_TYPES) data.issueTypes.push({ id: String(typeId++), name, subtask });
  const have = new Set(data.fields.map((f) => f.name));
  let fieldId = 10300;
  for (const file of Object.values(REF)) {
    for (const name of customFieldNames(file)) {
      if (have.has(name)) continue;
      have.add(name);
      data.fields.push(customField(fieldId++, name, TEXTAREA.has(name) ? 'textarea' : 'textfield'));
    }
  }
  return data;
}

export interface WasJobSpec {
  kind: 'was';
  name: string;
  template: string;
  passwordEnv?: string;
  pageSize?: number;
}

export interface CsJobSpec {
  kind: 'cs';
  name: string;
  template: string;
  objects: 'images' | 'containers';
  passwordEnv?: string;
  pageSize?: number;
}

export interface QualysAppsWorld {
  was: QualysWasSim;
  cs: QualysCsSim;
  jira: JiraSim;
  clock: TestClock;
  dir: string;
  writeConfig(jobs: Array<WasJobSpec | CsJobSpec>): string;
  open(configFile: string): AppContext;
  /** One cycle at the world's clock, then the clock moves on an hour. */
  cycle(rt: JobRuntime, app: AppContext): Promise<CycleReport>;
  /** Field id of a custom field by name. */
  field(name: string): string;
  issueType(id: string): string | undefined;
  /** Issues by their Primary Key value (the key repeats across parents for CS children: a list). */
  byPrimaryKey(): Map<string, SimIssue[]>;
  close(): Promise<void>;
}

export interface QualysAppsWorldOptions {
  was?: QualysWasSimOptions;
  cs?: QualysCsSimOptions;
}

/** Qualys WAS, Qualys CS and Jira Cloud simulators, a temp dir and one clock for data and cycles. */
export async function startQualysAppsWorld(opts: QualysAppsWorldOptions = {}): Promise<QualysAppsWorld> {
  const clock = testClock('2026-06-01T08:00:00Z');
  const was = await startQualysWasSim({ seed: 3, webApps: 3, findingsPerApp: 4, now: clock.now, ...opts.was });
  const cs = await startQualysCsSim({ seed: 4, images: 3, containersPerImage: 2, vulnsPerObject: 3, now: () => clock.now().getTime(), ...opts.cs });
  const jira = await startJiraSim({ flavor: 'cloud', data: qualysAppsJiraData() });
  exportSimSecrets();
  process.env[APPS_ENV.wasUser] = QUALYS_WAS_SIM_CREDENTIALS.username;
  process.env[APPS_ENV.wasPassword] = QUALYS_WAS_SIM_CREDENTIALS.password;
  process.env[APPS_ENV.csUser] = QUALYS_CS_SIM_CREDENTIALS.username;
  process.env[APPS_ENV.csPassword] = QUALYS_CS_SIM_CREDENTIALS.password;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-apps-e2e-'));
  const field = (name: string): string => {
    const f = jira.data.fields.find((x) => x.name === name);
    if (!f) throw new Error(`test: the Jira simulator has no field ${name}`);
    return f.id;
  };
  return {
    was,
    cs,
    jira,
    clock,
    dir,
    writeConfig(jobs) {
      const lines = [`stateDir: ${JSON.stringify(path.join(dir, 'state'))}`, 'log: { level: error }', 'jobs:'];
      for (const j of jobs) {
        lines.push(`  - name: ${j.name}`, '    schedule: "0 */4 * * *"', `    template: ${JSON.stringify(j.template)}`, '    project: VULN', '    source:');
        if (j.kind === 'was') {
          lines.push(
            '      type: qualys-was',
            `      url: ${was.url}`,
            `      username: { env: ${APPS_ENV.wasUser} }`,
            `      password: { env: ${j.passwordEnv ?? APPS_ENV.wasPassword} }`,
            `      pageSize: ${j.pageSize ?? 5}`,
          );
        } else {
          lines.push(
            '      type: qualys-cs',
            `      gateway: ${cs.url}`,
            `      username: { env: ${APPS_ENV.csUser} }`,
            `      password: { env: ${j.passwordEnv ?? APPS_ENV.csPassword} }`,
            `      objects: ${j.objects}`,
            `      pageSize: ${j.pageSize ?? 2}`,
          );
        }
        lines.push('    sink:', '      type: jira', `      url: ${jira.url}`, '      flavor: cloud', `      email: ${SIM_CREDENTIALS.email}`, `      token: { env: ${ENV.jiraToken} }`);
      }
      const file = path.join(dir, 'vulnbridge.yml');
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    },
    open(configFile) {
      return openApp(readConfig(configFile), { log: silentLogger() });
    },
    async cycle(rt, app) {
      const report = await runCycle(rt, app.state, { now: clock.now });
      clock.advanceMinutes(60);
      return report;
    },
    field,
    issueType: (id) => jira.data.issueTypes.find((t) => t.id === id)?.name,
    byPrimaryKey() {
      const pk = field('Primary Key');
      const out = new Map<string, SimIssue[]>();
      for (const i of jira.issues()) {
        const k = String(i.fields[pk]);
        out.set(k, [...(out.get(k) ?? []), i]);
      }
      return out;
    },
    async close() {
      await Promise.all([was.close(), cs.close(), jira.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
